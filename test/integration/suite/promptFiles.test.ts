import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { Api } from '../../../src/extension';
import { CommandId } from '../../../src/vscode/commands/ids';
import { extensionId, openWorkspaceFile, waitFor, workspaceUri } from './helpers';

async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(extensionId)!;
  return ext.activate();
}

suite('Prompt files in the editor', () => {
  test('an unknown variable gets an error diagnostic at its exact range', async () => {
    const doc = await openWorkspaceFile('prompts/typo.prompt.yml');
    let diags: vscode.Diagnostic[] = [];
    await waitFor(() => (diags = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === 'unknown-variable')).length > 0,
      () => `diagnostics: ${JSON.stringify(vscode.languages.getDiagnostics(doc.uri).map((d) => d.message))}`);
    assert.equal(diags.length, 1);
    const d = diags[0]!;
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(d.source, 'prompt-adapt');
    assert.match(d.message, /questoin/);
    assert.match(d.message, /question/, 'suggests the field that exists');
    assert.equal(doc.getText(d.range), '{{questoin}}');
  });

  test('"Did you mean" comes with a quick fix that corrects only the name', async () => {
    // A copy of typo.prompt.yml: the suites that follow need the original with its typo.
    const uri = workspaceUri('scratch/typo-copy.prompt.yml');
    await vscode.workspace.fs.writeFile(uri, await vscode.workspace.fs.readFile(workspaceUri('prompts/typo.prompt.yml')));
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const unknown = () => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === 'unknown-variable');
      await waitFor(() => unknown().length === 1, () => 'the unknown-variable diagnostic');
      const before = doc.getText();
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, unknown()[0]!.range);
      const fix = actions.find((a) => a.title === "Change to '{{question}}'");
      assert.ok(fix?.edit && fix.isPreferred, actions.map((a) => a.title).join(' | '));
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(doc.getText(), before.replace('{{questoin}}', '{{question}}'));
      await waitFor(() => unknown().length === 0, () => 'the diagnostic is gone after the fix');
      await doc.save();
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('the expected answer used in a prompt is a warning, and completion says what it is', async () => {
    const uri = workspaceUri('scratch/leak.prompt.yml');
    await vscode.workspace.fs.writeFile(uri, Buffer.from('name: Leak\nmessages:\n  - role: user\n    content: "{{question}} Expected: {{groundTruth}} / {{answer}}"\n', 'utf8'));
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const leaks = () => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === 'ground-truth-variable');
      await waitFor(() => leaks().length === 2, () => JSON.stringify(vscode.languages.getDiagnostics(doc.uri).map((d) => d.message)));
      assert.deepEqual(leaks().map((d) => [doc.getText(d.range), d.severity]), [['{{groundTruth}}', vscode.DiagnosticSeverity.Warning], ['{{answer}}', vscode.DiagnosticSeverity.Warning]]);
      const at = doc.positionAt(doc.getText().indexOf('{{groundTruth}}') + 2);
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at, '{');
      const gt = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'groundTruth');
      assert.match(String(gt?.detail), /expected answer/);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('diagnostics follow edits and are cleared when the file is closed', async () => {
    const doc = await openWorkspaceFile('prompts/typo.prompt.yml');
    const unknown = () => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === 'unknown-variable');
    await waitFor(() => unknown().length === 1, () => 'initial diagnostic');
    const at = doc.getText().indexOf('questoin');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + 'questoin'.length)), 'question');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor(() => unknown().length === 0, () => 'diagnostic gone after the fix');
    // "Revert" acts on the active editor, and a panel from an earlier test may take the focus late on a loaded
    // machine: show this document and revert until it is no longer dirty.
    await waitFor(async () => {
      if (doc.isDirty) { await vscode.window.showTextDocument(doc); await vscode.commands.executeCommand('workbench.action.files.revert'); }
      return !doc.isDirty;
    }, () => 'the document reverted');
    await waitFor(() => unknown().length === 1, () => 'diagnostic back after revert');
    // Closed by its tab, not as "the active editor" (same reason).
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === doc.uri.toString());
    assert.ok(tabs.length > 0, 'the document has a tab');
    assert.ok(await vscode.window.tabGroups.close(tabs));
    await waitFor(() => vscode.languages.getDiagnostics(doc.uri).length === 0, () => 'diagnostics cleared on close');
  });

  test('completion after {{ offers the test set fields and mapped variables', async () => {
    const doc = await openWorkspaceFile('prompts/qa.prompt.yml');
    const line = doc.getText().split('\n').findIndex((l) => l.includes('Question: {{question}}'));
    const col = doc.lineAt(line).text.indexOf('{{question}}') + 2;
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, col), '{');
    const labels = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Variable).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const name of ['context', 'question', 'groundTruth', 'answer', 'id']) assert.ok(labels.includes(name), `${name} in ${labels.join(', ')}`);
  });

  test('hover on a variable shows a sample value from the test set', async () => {
    const doc = await openWorkspaceFile('prompts/qa.prompt.yml');
    const offset = doc.getText().indexOf('{{question}}') + 3;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(offset));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /How long do refunds take\?/);
  });

  test('CodeLens offers Run and Compare on a prompt file', async () => {
    const doc = await openWorkspaceFile('prompts/qa.prompt.yml');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    const commands = lenses.map((l) => l.command?.command);
    assert.ok(commands.includes(CommandId.runPrompt));
    assert.ok(commands.includes(CommandId.compareWithBaseline));
  });

  test('the tree lists prompts with their variants nested, test sets with row counts, and candidates', async () => {
    const { explorer } = await api();
    const groups = await explorer.getChildren();
    const labels = groups.map((g) => explorer.getTreeItem(g).label);
    assert.deepEqual(labels, ['Prompts', 'Test sets', 'Candidates', 'Runs']);
    const prompts = await explorer.getChildren(groups[0]);
    const qa = prompts.find((p) => explorer.getTreeItem(p).label === 'Support QA');
    assert.ok(qa, `prompts: ${prompts.map((p) => explorer.getTreeItem(p).label).join(', ')}`);
    const variants = await explorer.getChildren(qa);
    assert.deepEqual(variants.map((v) => explorer.getTreeItem(v).label), ['Support QA (concise)']);
    const sets = await explorer.getChildren(groups[1]);
    assert.equal(explorer.getTreeItem(sets[0]!).description, '3 rows');
    const candidates = await explorer.getChildren(groups[2]);
    assert.deepEqual(candidates.map((c) => explorer.getTreeItem(c).label), ['model-a', 'model-b']);
  });

  test('"New prompt variant" writes name.<variant>.prompt.yml with adapt.variantOf and opens it', async () => {
    const parent = workspaceUri('prompts/qa.prompt.yml');
    const created = await vscode.commands.executeCommand<vscode.Uri>(CommandId.newVariant, parent, 'friendly');
    assert.ok(created);
    assert.ok(created.path.endsWith('/prompts/qa.friendly.prompt.yml'), created.path);
    const text = Buffer.from(await vscode.workspace.fs.readFile(created)).toString('utf8');
    assert.match(text, /variantOf: qa\.prompt\.yml/);
    assert.match(text, /^name: Support QA \(friendly\)$/m, 'a name of its own');
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), created.toString());
    const { explorer } = await api();
    await waitFor(async () => {
      const prompts = await explorer.getChildren((await explorer.getChildren())[0]);
      const qa = prompts.find((p) => explorer.getTreeItem(p).label === 'Support QA');
      const labels = qa ? (await explorer.getChildren(qa)).map((v) => explorer.getTreeItem(v).label) : [];
      return labels.includes('Support QA (friendly)');
    }, () => 'the tree shows the variant under its own name');
  });
});

suite('Project file in the editor', () => {
  test('completion offers schema keys and enum values, and endpoint ids from user settings', async () => {
    await vscode.workspace.getConfiguration('promptAdapt').update('endpoints', { 'my-vllm': { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1' } }, vscode.ConfigurationTarget.Global);
    const uri = workspaceUri('scratch/prompt-adapt.yml');
    const text = 'candidates:\n  - id: c\n    endpoint: \n    model: m\ndecision:\n  estimator: \n  \n';
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const labelsAt = async (line: number, character: number): Promise<string[]> =>
      (await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, character)))
        .items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    const endpoint = await labelsAt(2, 14);
    assert.ok(endpoint.includes('my-vllm') && endpoint.includes('openai'), endpoint.join(', '));
    const estimator = await labelsAt(5, 13);
    assert.ok(estimator.includes('rogan-gladen') && estimator.includes('ppi++'), estimator.join(', '));
    const keys = await labelsAt(6, 2);
    assert.ok(keys.includes('nonInferiorityMargin') && !keys.includes('estimator'), keys.join(', '));
  });
});
