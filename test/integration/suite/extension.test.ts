import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { CommandId } from '../../../src/vscode/commands/ids';
import { extensionId, openWorkspaceFile, waitFor } from './helpers';

suite('Extension in a real VS Code', () => {
  test('activates in VS Code >= 1.101', async () => {
    console.log(`vscode.version=${vscode.version} node=${process.versions.node} uiKind=${vscode.env.uiKind} remoteName=${vscode.env.remoteName}`);
    const [major, minor] = vscode.version.split('.').map(Number);
    assert.ok(major! > 1 || minor! >= 101, `VS Code ${vscode.version} is older than the engine floor`);
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `${extensionId} is not installed in the host`);
    await ext.activate();
    assert.ok(ext.isActive);
  });

  test('registers every command in package.json', async () => {
    const ext = vscode.extensions.getExtension(extensionId)!;
    const contributed: string[] = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
    assert.deepEqual([...contributed].sort(), Object.values(CommandId).sort());
  });

  test('a .prompt.yml file opens in the prompt-adapt language', async () => {
    const doc = await openWorkspaceFile('prompts/qa.prompt.yml');
    await waitFor(() => doc.languageId === 'prompt-adapt', () => `languageId is ${doc.languageId}`);
    assert.equal(doc.languageId, 'prompt-adapt');
  });
});
