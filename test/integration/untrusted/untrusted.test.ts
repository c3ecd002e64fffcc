import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/runner/runner';
import { CommandId } from '../../../src/vscode/commands/ids';
import { startMockServer } from '../../servers/mockModelServer';
import { extensionId, waitFor, workspaceUri } from '../suite/helpers';

suite('Untrusted workspace', () => {
  test('the extension works in restricted mode but never calls a model', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the harness should have opened the folder untrusted');
    const ext = vscode.extensions.getExtension(extensionId)!;
    await ext.activate();
    const server = await startMockServer('openai', { latencyMs: 5 });
    try {
      await vscode.workspace.getConfiguration('promptAdapt').update('endpoints', { loopback: { kind: 'openai', baseURL: server.url } }, vscode.ConfigurationTarget.Global);
      // A usable key, so that only the trust check stands between the command and the server.
      assert.equal(await vscode.commands.executeCommand(CommandId.configureEndpoint, 'loopback', 'k-123', true), true);
      // Browsing still works: the prompt gets its language and its diagnostics.
      const doc = await vscode.workspace.openTextDocument(workspaceUri('prompts/typo.prompt.yml'));
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.languageId, 'prompt-adapt');
      await waitFor(() => vscode.languages.getDiagnostics(doc.uri).some((d) => d.code === 'unknown-variable'), () => 'diagnostics in restricted mode');
      // Running is refused by the command itself, whoever invokes it.
      const result = await Promise.race([
        vscode.commands.executeCommand<RunResult | undefined>(CommandId.runPrompt, workspaceUri('prompts/qa.prompt.yml'), { testSet: 'support', candidates: ['model-a'], confirm: false }),
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000)), // a modal never returns; a refusal returns at once, however loaded the machine
      ]);
      assert.notEqual(result, 'timeout', 'the command hung (a modal?)');
      assert.equal(result, undefined);
      // So is the quick check: no panel opens and nothing is sent.
      const quick = await vscode.commands.executeCommand(CommandId.quickCheck, workspaceUri('prompts/qa.prompt.yml'),
        { testSetId: 'support', rowId: 'ex-1', candidateIds: ['model-a'], run: true });
      assert.equal(quick, undefined, 'the quick check refuses in an untrusted workspace');
      // So is "Adapt for…" (the rewriter and the candidate are model calls): no variant file is written.
      const adapted = await Promise.race([
        vscode.commands.executeCommand(CommandId.adapt, workspaceUri('prompts/qa.prompt.yml'), { candidate: 'model-a', strategies: ['style', 'guide'], rewriter: 'loopback:model-b', confirm: false }),
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000)), // a modal never returns; a refusal returns at once, however loaded the machine
      ]);
      assert.equal(adapted, undefined, 'adapting refuses in an untrusted workspace');
      const written = (await vscode.workspace.fs.readDirectory(workspaceUri('prompts'))).map(([name]) => name).filter((n) => /\.(style|guide)-\d+\.prompt\.yml$/u.test(n));
      assert.deepEqual(written, [], 'no variant file was written');
      assert.equal(server.stats.requests, 0, 'no request reached the model server');
    } finally {
      await server.close();
    }
  });
});
