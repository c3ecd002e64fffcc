import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/runner/runner';
import { CommandId } from '../../../src/vscode/commands/ids';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { waitFor, workspaceUri } from './helpers';

suite('Running a prompt on candidates', () => {
  let server: MockServer;
  suiteSetup(async () => {
    server = await startMockServer('openai', { latencyMs: 20 });
    await vscode.workspace.getConfiguration('promptAdapt').update('endpoints', { loopback: { kind: 'openai', baseURL: server.url } }, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand(CommandId.configureEndpoint, 'loopback', 'test-key-123', true), true);
  });
  suiteTeardown(async () => { await server.close(); });

  const runsDir = (): string => path.join(workspaceUri('.prompt-adapt/runs').fsPath);
  const rows = (r: RunResult): Record<string, unknown>[] =>
    fs.readFileSync(path.join(runsDir(), r.runId, 'responses.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

  test('runs the plan against the endpoint from user settings; results land in the store', async () => {
    const result = await vscode.commands.executeCommand<RunResult>(CommandId.runPrompt, workspaceUri('prompts/qa.prompt.yml'),
      { testSet: 'support', candidates: ['model-a', 'model-b'], confirm: false });
    assert.ok(result, 'the command returned no result');
    assert.equal(result.status, 'complete');
    assert.equal(result.missing, 0);
    assert.equal(server.stats.completions, 6);
    const stored = rows(result);
    assert.equal(stored.length, 6);
    assert.deepEqual([...new Set(stored.map((r) => r.candidateId))].sort(), ['model-a', 'model-b']);
    assert.ok(stored.every((r) => typeof r.output === 'string' && (r.output as string).length > 0));
    assert.ok(server.stats.authHeaders.every((h) => h === 'Bearer test-key-123'), 'the stored key is sent to its origin');
    const manifest = JSON.parse(fs.readFileSync(path.join(runsDir(), result.runId, 'manifest.json'), 'utf8'));
    assert.equal(manifest.status, 'complete');
    // The project's metrics ran right after the responses: one token_f1 verdict per output.
    const verdicts = fs.readFileSync(path.join(runsDir(), result.runId, 'verdicts.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.equal(verdicts.filter((v) => v.metricId === 'token_f1').length, 6);
  });

  test('running the same plan again requests nothing new', async () => {
    const before = server.stats.completions;
    const result = await vscode.commands.executeCommand<RunResult>(CommandId.runPrompt, workspaceUri('prompts/qa.prompt.yml'),
      { testSet: 'support', candidates: ['model-a', 'model-b'], confirm: false });
    assert.equal(result.missing, 0);
    assert.equal(server.stats.completions, before, 'no request was repeated');
  });

  test('cancelling stops the run, keeps what finished, and the tree lists the runs', async () => {
    server.setBehavior({ latencyMs: 4000 });
    const started = server.stats.requests;
    const running = vscode.commands.executeCommand<RunResult>(CommandId.runPrompt, workspaceUri('prompts/qa.concise.prompt.yml'),
      { testSet: 'support', candidates: ['model-a', 'model-b'], confirm: false });
    await waitFor(() => server.stats.requests > started, () => 'no request reached the server');
    await vscode.commands.executeCommand(CommandId.cancelRun);
    const result = await running;
    assert.equal(result.status, 'cancelled');
    assert.ok(result.missing > 0);
    const manifest = JSON.parse(fs.readFileSync(path.join(runsDir(), result.runId, 'manifest.json'), 'utf8'));
    assert.equal(manifest.status, 'cancelled');
    server.setBehavior({ latencyMs: 20 });

    const api = await vscode.extensions.getExtension<{ explorer: { getChildren(n?: unknown): Promise<unknown[]>; getTreeItem(n: unknown): vscode.TreeItem } }>('prompt-adapt.prompt-adapt')!.activate();
    const groups = await api.explorer.getChildren();
    const runsGroup = groups.find((g) => api.explorer.getTreeItem(g).label === 'Runs');
    assert.ok(runsGroup);
    const runs = await api.explorer.getChildren(runsGroup);
    assert.ok(runs.length >= 2, `runs listed: ${runs.length}`);
    assert.ok(runs.some((r) => String(api.explorer.getTreeItem(r).description).startsWith('cancelled')));
  });
});
