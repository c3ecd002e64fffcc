// A run whose batch jobs are out, resumed from the run's own record (what the editor does when it opens), and
// cancelled at the provider: the real openai SDK against the loopback Files + Batches server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { BatchEvent } from '../../../src/core/batch/driver';
import type { BatchJob } from '../../../src/core/batch/types';
import type { PlanCandidate } from '../../../src/core/runner/plan';
import { RunSession } from '../../../src/core/run/runSession';
import { readResponses } from '../../../src/core/store/runs';
import { Store } from '../../../src/core/store/store';
import { startOpenAIBatchServer, type OpenAIBatchServer } from '../../servers/openaiBatchServer';
import { examples, makePlan, tempRoot } from '../runner/helpers';

const price = { inputPerMTok: 2, outputPerMTok: 8 };
const cand: PlanCandidate = { id: 'gpt', endpoint: 'oab', model: 'gpt-x', price, mode: 'batch' };

suite('batch: resume from the run record, and cancel', function () {
  // Real SDKs against loopback servers: slow on a loaded machine, never hung.
  this.timeout(120000);
  let server: OpenAIBatchServer;
  teardown(async () => { await server?.close(); });

  /** A session whose every poll moves the server's batches one step (`advance`), or none. */
  const sessionFor = (advance: boolean, events: BatchEvent[] = [], mode?: PlanCandidate['mode']) => new RunSession({
    endpoints: { oab: { kind: 'openai', baseURL: server.url, batch: true } }, providerDeps: { secrets: { getKey: async () => 'sk-test-key-000000' } },
    mode, batchPoll: { poll: { initialMs: 1, maxMs: 1 }, sleep: async () => { if (advance) server.advance(); await new Promise((r) => setTimeout(r, 2)); } },
    events: { batch: (e) => events.push(e) },
  });

  /** Starts a batch run and stops waiting once its job is submitted (the editor closed): the job stays out. */
  async function submitAndLeave(root: string, n: number): Promise<string> {
    const ac = new AbortController();
    const session = sessionFor(false);
    session.on({ batch: (e) => { if (e.type === 'submitted') ac.abort(); } });
    const r = await session.run(makePlan(examples(n), [cand]), { store: Store.openAt(root), signal: ac.signal });
    session.close();
    assert.equal(r.status, 'cancelled');
    return r.runId;
  }

  test('resumed from its own record (no prompt or test set): the same batch is collected, every row stored, none paid twice', async () => {
    server = await startOpenAIBatchServer({ advanceOnPoll: false });
    const root = tempRoot();
    const store = Store.openAt(root);
    const runId = await submitAndLeave(root, 300);
    assert.deepEqual(store.runsWithOpenBatchJobs(), [runId], 'the run is found as one to resume');
    assert.ok(fs.existsSync(path.join(store.runDir(runId), 'batch-plan.jsonl')));

    const events: BatchEvent[] = [];
    const session = sessionFor(true, events);
    const r = await session.resumeBatches({ store, runId });
    session.close();
    assert.equal(r!.status, 'complete');
    assert.equal(r!.counts.requested, 300);
    assert.equal(server.stats.batchesCreated, 1, 'picked up, not submitted again');
    assert.equal(server.stats.live, 0);
    assert.equal(Math.max(...Object.values(server.stats.processedByKey)), 1);
    assert.ok(events.some((e) => e.type === 'collected' && e.results === 300));
    const rows = await readResponses(root, runId);
    assert.equal(rows.length, 300);
    assert.equal(rows.find((x) => x.exampleId === 'e42')!.output, 'answer:gpt-x:q42');
    assert.ok(rows.every((x) => x.batch && x.cost === (x.inputTokens! * 1 + x.outputTokens! * 4) / 1e6), 'batch price kept from the record');
    assert.deepEqual(store.runsWithOpenBatchJobs(), []);
    assert.ok(!fs.existsSync(path.join(store.runDir(runId), 'batch-plan.jsonl')), 'the record goes once nothing is out');
    assert.equal((await store.readManifest(runId))!.status, 'complete');
  });

  test('running the plan again in live mode still waits for the job that is out: nothing is sent live', async () => {
    server = await startOpenAIBatchServer({ advanceOnPoll: false });
    const root = tempRoot();
    const runId = await submitAndLeave(root, 120);
    const session = sessionFor(true, [], 'live');
    const r = await session.run(makePlan(examples(120), [cand]), { store: Store.openAt(root), runId });
    session.close();
    assert.equal(r.status, 'complete');
    assert.equal(server.stats.live, 0);
    assert.equal(server.stats.batchesCreated, 1);
    assert.equal(Math.max(...Object.values(server.stats.processedByKey)), 1);
  });

  test('cancel: the provider is told, finished rows are stored, and running again sends only what the job never ran', async () => {
    server = await startOpenAIBatchServer({ advanceOnPoll: false, perStep: 50 });
    const root = tempRoot();
    const store = Store.openAt(root);
    const runId = await submitAndLeave(root, 200);
    server.advance(); server.advance(); // validating → in_progress → 50 of 200 processed

    const events: BatchEvent[] = [];
    const session = sessionFor(true, events);
    const r = await session.cancelBatches({ store, runId });
    session.close();
    assert.equal(server.stats.cancels, 1, 'the remote job was cancelled');
    assert.equal(r!.status, 'incomplete');
    assert.equal(r!.counts.requested, 50);
    assert.equal(r!.counts.skipped, 150);
    const jobs = JSON.parse(fs.readFileSync(path.join(store.runDir(runId), 'batch-jobs.json'), 'utf8')) as BatchJob[];
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.state, 'cancelled');
    assert.equal(jobs[0]!.cancelRequested, true, 'the job list records the cancel');
    assert.equal(jobs[0]!.collected, true);
    assert.equal((await readResponses(root, runId)).filter((x) => x.output).length, 50, 'finished rows survive');
    assert.deepEqual(store.runsWithOpenBatchJobs(), [], 'nothing left to resume on its own');
    assert.equal(server.stats.batchesCreated, 1, 'a cancel never submits');

    const again = sessionFor(true);
    const r2 = await again.run(makePlan(examples(200), [cand]), { store, runId });
    again.close();
    assert.equal(r2.status, 'complete');
    assert.equal(r2.counts.resumed, 50);
    assert.equal(r2.counts.requested, 150);
    assert.equal(server.stats.batchesCreated, 2);
    assert.equal(server.stats.processed, 200, 'the second batch held only the 150 the first never ran');
    assert.equal(Math.max(...Object.values(server.stats.processedByKey)), 1, 'no request paid twice');
  });
});
