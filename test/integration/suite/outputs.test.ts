import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../../../src/vscode/commands/ids';
import { openWorkspaceFile, waitFor, workspaceUri } from './helpers';

// A stored run of prompts/qa.prompt.yml (dated far in the future, so it stays the prompt's latest run).
const RUN_ID = '20991231-000000-fixture';
const outputs: Record<string, string> = {
  'ex-1': '<response><answer>According to the article, refunds take 5 business days.</answer></response>',
  'ex-2': '<response><answer>The Pro plan has 10 seats, according to the pricing page.</answer></response>',
  'ex-3': '<response><answer>It goes to the primary email address.</answer></response>',
};

function writeFixtureRun(): void {
  const dir = workspaceUri(`.prompt-adapt/runs/${RUN_ID}`).fsPath;
  fs.mkdirSync(dir, { recursive: true });
  const at = '2099-12-31T00:00:00.000Z';
  const prompt = workspaceUri('prompts/qa.prompt.yml').fsPath;
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    version: 1, runId: RUN_ID, planKey: 'fixture', status: 'complete', createdAt: at, updatedAt: at,
    prompt: { path: prompt, name: 'Support QA' }, testSet: { id: 'support' },
    candidates: [{ id: 'model-a', endpoint: 'loopback', model: 'model-a' }],
    counts: { total: 3, requested: 3, cached: 0, resumed: 0, errors: 0, skipped: 0 }, inputTokens: 300, outputTokens: 60, cost: 0, issues: [],
  }));
  fs.writeFileSync(path.join(dir, 'responses.jsonl'), Object.entries(outputs).map(([id, output]) => JSON.stringify({
    exampleId: id, candidateId: 'model-a', model: 'model-a', requestHash: `h-${id}`, output, outputHash: `o-${id}`, latencyMs: 100, at,
  })).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'verdicts.jsonl'), JSON.stringify({
    exampleId: 'ex-1', candidateId: 'model-a', metricId: 'token_f1', verdict: 1, score: 0.8, reasoning: 'Overlaps the ground truth.', at,
  }) + '\n');
}

suite('Run outputs and style diagnostics', () => {
  suiteSetup(writeFixtureRun);

  test('the output document shows each answer with style findings as diagnostics at the exact spans', async () => {
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(CommandId.openOutputs, RUN_ID, 'model-a');
    const doc = editor.document;
    assert.match(doc.getText(), /## ex-1/);
    assert.match(doc.getText(), /Q: How long do refunds take\?/);
    let diags: vscode.Diagnostic[] = [];
    await waitFor(() => (diags = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === 'phrase:according-to')).length === 2,
      () => `diagnostics: ${JSON.stringify(vscode.languages.getDiagnostics(doc.uri).map((d) => [d.code, d.message]))}`);
    assert.deepEqual(diags.map((d) => doc.getText(d.range)), ['According to', 'according to']);
    assert.ok(diags.every((d) => d.source === 'prompt-adapt'));
    assert.equal(doc.lineAt(diags[0]!.range.start.line).text, 'A: According to the article, refunds take 5 business days.');
  });

  test('hovering an example shows the judge verdict and reasoning', async () => {
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(CommandId.openOutputs, RUN_ID, 'model-a', 'ex-1');
    const doc = editor.document;
    const pos = doc.positionAt(doc.getText().indexOf('refunds take'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /token_f1.*correct/);
    assert.match(text, /Overlaps the ground truth/);
  });

  test('the prompt file shows the aggregated finding with related examples, and the quick fixes edit the prompt', async () => {
    const doc = await openWorkspaceFile('prompts/qa.prompt.yml');
    const styleDiags = () => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.code === 'style:phrase:according-to');
    await waitFor(() => styleDiags().length === 1, () => `diagnostics: ${JSON.stringify(vscode.languages.getDiagnostics(doc.uri).map((d) => d.message))}`);
    const d = styleDiags()[0]!;
    assert.equal(d.message, "'according to' in 2/3 outputs of model-a (66.7%)");
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning, 'above the project default maxBadStyle of 2%');
    assert.equal(d.relatedInformation?.length, 2);
    assert.equal(d.relatedInformation![0]!.location.uri.scheme, 'prompt-adapt-output');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, d.range);
    const titles = actions.map((a) => a.title);
    // The instruction is offered in a new variant first (the baseline prompt stays as it is), then in place.
    const inVariant = actions[0]!;
    assert.match(inVariant.title, /^Add to the system message in a new variant 'style'/, titles.join(' | '));
    const instruct = actions.find((a) => a.title.startsWith('Add to the system message of this prompt'));
    const off = actions.find((a) => a.title.startsWith('Turn off'));
    assert.ok(instruct?.edit && off?.edit && actions.some((a) => a.title.startsWith('Open the outputs')), titles.join(' | '));

    const before = doc.getText();
    // Back to the file as it was, by an edit and a save (reverting the active editor proved unreliable once other editors had come and gone).
    const restore = async (): Promise<void> => {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), before);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(await doc.save());
    };
    const created = await vscode.commands.executeCommand<vscode.Uri>(inVariant.command!.command, ...(inVariant.command!.arguments ?? []));
    try {
      const variantText = Buffer.from(await vscode.workspace.fs.readFile(created)).toString('utf8');
      assert.match(variantText, /^ {6}Never use the phrase "according to"/m, 'the variant has the instruction');
      assert.match(variantText, /^name: Support QA \(style\)$/m);
      assert.match(variantText, /variantOf: qa\.prompt\.yml/);
      assert.equal(doc.getText(), before, 'the parent prompt is unchanged');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(created);
    }

    assert.ok(await vscode.workspace.applyEdit(instruct.edit));
    assert.match(doc.getText(), /Never use the phrase "according to"/);
    assert.match(doc.getText(), /^ {6}Never use the phrase/m, 'added as a line of the system message block');
    // Surgical: taking the one added line out gives the file back byte for byte.
    assert.equal(doc.getText().replace(/\n {6}Never use the phrase "according to"[^\n]*/, ''), before);
    await restore();
    await waitFor(() => !/Never use the phrase "according to"/.test(doc.getText()), () => doc.getText());

    assert.ok(await vscode.workspace.applyEdit(off.edit));
    assert.match(doc.getText(), /disabledRules:\s*\n\s*- phrase:according-to/);
    await restore();
    await waitFor(() => !/disabledRules/.test(doc.getText()), () => doc.getText());
    assert.doesNotMatch(doc.getText(), /disabledRules/);
  });
});
