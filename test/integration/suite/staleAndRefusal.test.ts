// Runs that would lie, in the real editor: a prompt with an error is refused before anything is sent, pointing at
// the problem; results of a prompt edited after its run are marked stale with "Run again" one click away. Also the
// walkthrough's ticks and the Test Explorer's replay of the last results. Last suite: it removes the fixture run
// (dated 2199) so the comparison takes this suite's own runs.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/runner/runner';
import type { Api } from '../../../src/extension';
import { CommandId } from '../../../src/vscode/commands/ids';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { extensionId, RUN_ID, waitFor, workspaceUri } from './helpers';

suite('Runs that would lie: refused with errors, stale after an edit', () => {
  let server: MockServer;
  let api: Api;
  const runsDir = (): string => workspaceUri('.prompt-adapt/runs').fsPath;
  const runIds = (): string[] => (fs.existsSync(runsDir()) ? fs.readdirSync(runsDir()) : []);
  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<Api>(extensionId)!.activate();
    server = await startMockServer('openai', { latencyMs: 5 });
    await vscode.workspace.getConfiguration('promptAdapt').update('endpoints', { loopback: { kind: 'openai', baseURL: server.url } }, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand(CommandId.configureEndpoint, 'loopback', 'test-key-123', true), true);
    fs.rmSync(path.join(runsDir(), RUN_ID), { recursive: true, force: true });
  });
  suiteTeardown(async () => { await server.close(); });

  test('refuses to run with errors: nothing is sent, no run is made, and the refusal points at the unknown variable', async () => {
    // Its own file (other suites edit typo.prompt.yml in the editor): a prompt with an unknown variable on line 4.
    const typo = workspaceUri('scratch/refused.prompt.yml');
    await vscode.workspace.fs.writeFile(typo, Buffer.from('name: Refused\nmessages:\n  - role: user\n    content: "Article:\\n{{context}}\\n\\nQuestion: {{questoin}}"\n', 'utf8'));
    const before = runIds();
    const requests = server.stats.requests;
    const result = await vscode.commands.executeCommand<RunResult | undefined>(CommandId.runPrompt, typo,
      { testSet: 'support', candidates: ['model-a', 'model-b'], confirm: false });
    assert.equal(result, undefined, 'no run result');
    assert.equal(server.stats.requests, requests, 'no request reached the server');
    assert.deepEqual(runIds(), before, 'no run was stored');
    const refusal = api.runs.lastRefusal;
    assert.ok(refusal, 'the run was refused');
    assert.match(refusal.message, /^Not run: .*refused\.prompt\.yml:4:\d+: Unknown variable '\{\{questoin\}\}'.*Did you mean 'question'\?/);
    const first = refusal.problems[0]!;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(first.file));
    assert.equal(doc.getText(new vscode.Range(first.range.start.line, first.range.start.character, first.range.end.line, first.range.end.character)), '{{questoin}}',
      '"Go to Problem" opens the unknown variable itself');
  });

  test('stale after edit: the comparison and the Runs tree mark the results stale, and "Run again" makes them current', async () => {
    const prompt = workspaceUri('prompts/qa.prompt.yml');
    const run = await vscode.commands.executeCommand<RunResult>(CommandId.runPrompt, prompt, { testSet: 'support', candidates: ['model-a', 'model-b'], confirm: false });
    assert.equal(run?.status, 'complete');
    const session = await api.review.session();
    const staleOf = async (): Promise<{ prompt: string; changed: string[]; candidates: string[]; runIds: string[] }[]> =>
      (await session.comparison()).testSets.find((t) => t.testSetId === 'support')?.stale ?? [];
    assert.deepEqual(await staleOf(), [], 'fresh results are not stale');

    // The user edits the prompt and saves it: the file on disk changes (written directly, the way a save or a git pull does).
    const original = Buffer.from(await vscode.workspace.fs.readFile(prompt)).toString('utf8');
    const edited = original.replace('      or <response>', '      Keep it short.\n      or <response>');
    assert.notEqual(edited, original);
    const write = async (text: string): Promise<void> => {
      await vscode.workspace.fs.writeFile(prompt, Buffer.from(text, 'utf8'));
      await waitFor(async () => (await vscode.workspace.openTextDocument(prompt)).getText() === text, () => 'the editor has the file as written');
    };
    await write(edited);
    try {
      const stale = await staleOf();
      assert.equal(stale.length, 1, JSON.stringify(stale));
      assert.equal(stale[0]!.prompt, 'prompts/qa.prompt.yml');
      assert.deepEqual(stale[0]!.changed, ['the prompt']);
      assert.ok(stale[0]!.runIds.includes(run.runId));
      const { explorer } = api;
      const runsGroup = (await explorer.getChildren()).find((g) => explorer.getTreeItem(g).label === 'Runs')!;
      const node = (await explorer.getChildren(runsGroup)).find((n) => explorer.getTreeItem(n).label === run.runId || String(explorer.getTreeItem(n).tooltip ?? '').includes(run.runId));
      assert.ok(node, 'the run is listed');
      assert.match(String(explorer.getTreeItem(node).description), /· stale/);
      assert.equal(explorer.getTreeItem(node).contextValue, 'run.stale', 'the tree offers Run Again on it');

      // The banner's "Run again" sends exactly this.
      const again = await vscode.commands.executeCommand<RunResult>(CommandId.runAgain, { prompt: stale[0]!.prompt, testSetId: 'support', candidates: stale[0]!.candidates });
      assert.equal(again?.status, 'complete');
      assert.deepEqual(await staleOf(), [], 'current again after Run again');
    } finally {
      await write(original);
    }
  });

  test('the walkthrough ticked on the events: a run, the comparison opened, labels given in the panel', async () => {
    await waitFor(() => ['ran', 'compared', 'labelled'].every((s) => api.walkthrough.done.has(s as 'ran')), () => `done: ${[...api.walkthrough.done].join(', ')}`);
  });

  test('the Test Explorer shows the last results without a click; failures name the estimator and its reason', async () => {
    await waitFor(async () => { await api.tests.lastReplay; return api.tests.lastResults.size > 0; }, () => 'no replay of the stored results');
    // The loopback server's replies ("answer:<model>:…") do not overlap the expected answers: token_f1 fails them.
    const failed = [...api.tests.lastResults.values()].find((s) => s.state === 'failed');
    assert.ok(failed, JSON.stringify([...api.tests.lastResults]));
    assert.match(String(failed.message), /On the test set, .*estimator: \S+/);
    const sys = api.tests.controller.items.get('ts:support')?.children.get('sys:support:model-b');
    assert.match(String(sys?.description), /estimator: \S+/, 'the system says its comparison with the estimator');
  });
});
