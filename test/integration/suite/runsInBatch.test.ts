// Batch jobs in the real editor: a run in batch mode against the loopback Files + Batches server, left with its
// job out; the entry point activation calls (`resumeAll`) picks it up and stores every row; "Cancel Batch Jobs"
// cancels a job at the provider and keeps what it finished.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/runner/runner';
import { CommandId } from '../../../src/vscode/commands/ids';
import type { RunController } from '../../../src/vscode/runs/runController';
import { startOpenAIBatchServer, type OpenAIBatchServer } from '../../servers/openaiBatchServer';
import { extensionId, waitFor, workspaceUri } from './helpers';

suite('Batch jobs in the editor', function () {
  // Each run has two jobs (one per candidate's model) and polls at the editor's own pace.
  this.timeout(180_000);
  let server: OpenAIBatchServer;
  let api: { runs: RunController; activationMs: number; explorer: { getChildren(n?: unknown): Promise<unknown[]>; getTreeItem(n: unknown): vscode.TreeItem } };
  let before: unknown;
  const started: string[] = [];
  // Prompts of this suite's own (the last one to run), so no earlier suite's cached answer stands in for a batch.
  const prompts = ['prompts/batch-a.prompt.yml', 'prompts/batch-b.prompt.yml'];
  suiteSetup(async () => {
    const qa = fs.readFileSync(workspaceUri('prompts/qa.prompt.yml').fsPath, 'utf8');
    prompts.forEach((p, i) => fs.writeFileSync(workspaceUri(p).fsPath, qa.replace(/^name: .*$/m, `name: Batch ${i}`).replace('Answer only from the article.', `Answer only from the article (batch ${i}).`)));
    server = await startOpenAIBatchServer({ advanceOnPoll: false, perStep: 2 });
    const config = vscode.workspace.getConfiguration('promptAdapt');
    before = config.inspect('endpoints')?.globalValue;
    await config.update('endpoints', { loopback: { kind: 'openai', baseURL: server.url, batch: true } }, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand(CommandId.configureEndpoint, 'loopback', 'test-key-123', true), true);
    api = await vscode.extensions.getExtension<typeof api>(extensionId)!.activate();
    console.log(`    activation: activate() took ${api.activationMs.toFixed(0)} ms`);
  });
  suiteTeardown(async () => {
    for (const runId of started) await api.runs.batches.stop(runId);
    for (const p of prompts) fs.rmSync(workspaceUri(p).fsPath, { force: true });
    await vscode.workspace.getConfiguration('promptAdapt').update('endpoints', before, vscode.ConfigurationTarget.Global);
    await server.close();
  });

  const runDir = (runId: string) => workspaceUri(`.prompt-adapt/runs/${runId}`).fsPath;
  const jobsOf = (runId: string) => JSON.parse(fs.readFileSync(path.join(runDir(runId), 'batch-jobs.json'), 'utf8')) as { state: string; collected?: boolean; cancelRequested?: boolean }[];
  const outputs = (runId: string) => fs.readFileSync(path.join(runDir(runId), 'responses.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => r.output);

  /** Runs the fixture prompt in batch mode and stops waiting once the job is submitted: the job stays out. */
  async function submitAndStop(prompt: string): Promise<RunResult> {
    const created = server.stats.batchesCreated;
    const running = vscode.commands.executeCommand<RunResult>(CommandId.runPrompt, workspaceUri(prompt),
      { testSet: 'support', candidates: ['model-a', 'model-b'], confirm: false, judge: false, mode: 'batch' });
    // Both candidates' jobs are out (one per model) before the wait stops.
    await waitFor(() => server.stats.batchesCreated >= created + 2, () => 'the batches were not submitted', 90_000);
    await vscode.commands.executeCommand(CommandId.cancelRun);
    const result = await running;
    started.push(result.runId);
    assert.equal(result.status, 'cancelled');
    assert.ok(jobsOf(result.runId).some((j) => !j.collected), 'the job is still out');
    return result;
  }

  test('a run whose batch jobs are out is resumed by the activation entry point; results are stored without a new batch', async () => {
    const stopped = await submitAndStop(prompts[0]!);
    const batches = server.stats.batchesCreated;
    for (let i = 0; i < 6; i++) server.advance(); // the provider finishes the jobs meanwhile
    const resumed = await api.runs.batches.resumeAll();
    assert.ok(resumed.includes(stopped.runId), `resumed: ${resumed.join(', ')}`);
    await waitFor(() => !api.runs.batches.isResuming(stopped.runId), () => 'still resuming', 60_000);
    assert.equal(server.stats.batchesCreated, batches, 'picked up, not submitted again');
    assert.equal(Math.max(...Object.values(server.stats.processedByKey)), 1, 'no request paid twice');
    assert.equal(server.stats.live, 0);
    assert.equal(outputs(stopped.runId).length, 6);
    assert.ok(jobsOf(stopped.runId).every((j) => j.collected));
    const manifest = JSON.parse(fs.readFileSync(path.join(runDir(stopped.runId), 'manifest.json'), 'utf8'));
    assert.equal(manifest.status, 'complete');
  });

  test('Cancel Batch Jobs cancels the job at the provider and keeps the rows it finished', async () => {
    const stopped = await submitAndStop(prompts[1]!);
    server.advance(); server.advance(); // in progress: 2 of the job's requests done
    const cancels = server.stats.cancels;
    const cancelling = vscode.commands.executeCommand<RunResult>(CommandId.cancelBatchJobs, { runId: stopped.runId, confirm: false });
    // Both jobs (one per model) are cancelled, then the provider finishes cancelling them.
    await waitFor(() => server.stats.cancels >= cancels + 2, () => `the provider saw ${server.stats.cancels - cancels} cancels`, 60_000);
    server.advance(); // cancelling → cancelled
    const r = await cancelling;
    assert.equal(r.status, 'incomplete');
    assert.ok(jobsOf(stopped.runId).every((j) => j.collected && j.cancelRequested));
    assert.ok(outputs(stopped.runId).length >= 2, 'finished rows kept');
    assert.equal(r.counts.requested + r.counts.skipped, 6);
  });
});
