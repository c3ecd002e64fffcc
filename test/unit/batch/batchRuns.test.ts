// Runs in batch mode through the run use case: the real SDKs against the loopback batch servers, the same
// store rows and cache entries as live calls, batch prices, auto's threshold, a share that goes live.
import assert from 'node:assert/strict';
import type { BatchEvent } from '../../../src/core/batch/driver';
import type { EndpointsConfig } from '../../../src/core/providers/endpoints';
import type { PlanCandidate } from '../../../src/core/runner/plan';
import { RunSession, type RunSessionOptions } from '../../../src/core/run/runSession';
import { readResponses } from '../../../src/core/store/runs';
import { Store } from '../../../src/core/store/store';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { startOpenAIBatchServer, type BatchServerOptions, type OpenAIBatchServer } from '../../servers/openaiBatchServer';
import { examples, makePlan, tempRoot } from '../runner/helpers';

const price = { inputPerMTok: 2, outputPerMTok: 8 };

suite('batch mode runs', function () {
  // Real SDKs against loopback servers: slow on a loaded machine, never hung.
  this.timeout(120000);
  let batchServer: OpenAIBatchServer | undefined;
  let liveServer: MockServer;
  suiteSetup(async () => { liveServer = await startMockServer('openai'); });
  suiteTeardown(() => liveServer.close());
  teardown(async () => { await batchServer?.close(); batchServer = undefined; });

  const sessionFor = (endpoints: EndpointsConfig, extra: Partial<RunSessionOptions> = {}, events: BatchEvent[] = []) => new RunSession({
    endpoints, providerDeps: { secrets: { getKey: async () => 'sk-test-key-000000' } },
    batchPoll: { poll: { initialMs: 1, maxMs: 1 }, sleep: async () => {} }, events: { batch: (e) => events.push(e) }, ...extra,
  });

  async function batchRun(n: number, serverOpts: BatchServerOptions = {}, mode: PlanCandidate['mode'] = 'batch', extra: Partial<RunSessionOptions> = {}) {
    batchServer = await startOpenAIBatchServer(serverOpts);
    const root = tempRoot();
    const events: BatchEvent[] = [];
    const session = sessionFor({ oab: { kind: 'openai', baseURL: batchServer.url, batch: true } }, extra, events);
    const cand: PlanCandidate = { id: 'gpt', endpoint: 'oab', model: 'gpt-x', price, mode };
    const result = await session.run(makePlan(examples(n), [cand]), { store: Store.openAt(root) });
    session.close();
    return { root, result, events, rows: await readResponses(root, result.runId) };
  }

  test('batch mode: every row comes from one batch, at half price, identical to a live run of the same plan', async () => {
    const { result, rows, events } = await batchRun(300);
    assert.equal(result.status, 'complete');
    assert.equal(rows.length, 300);
    assert.equal(batchServer!.stats.batchesCreated, 1);
    assert.equal(batchServer!.stats.live, 0);
    assert.ok(rows.every((r) => r.batch === true && r.output && r.outputHash));
    const r7 = rows.find((r) => r.exampleId === 'e7')!;
    assert.equal(r7.cost, (r7.inputTokens! * 1 + r7.outputTokens! * 4) / 1e6, 'half of the live price');
    assert.equal(events[0]!.type, 'submitted');
    assert.deepEqual(events.filter((e) => e.type === 'state').map((e) => 'job' in e && e.job.state), ['running', 'completed']);
    assert.equal(events.at(-1)!.type, 'collected');

    const liveRoot = tempRoot();
    const live = sessionFor({ local: { kind: 'openai', baseURL: liveServer.url } });
    const lr = await live.run(makePlan(examples(300), [{ id: 'gpt', endpoint: 'local', model: 'gpt-x', price }]), { store: Store.openAt(liveRoot) });
    live.close();
    const liveRows = new Map((await readResponses(liveRoot, lr.runId)).map((r) => [r.exampleId, r]));
    for (const r of rows) {
      const l = liveRows.get(r.exampleId)!;
      assert.equal(r.output, l.output);
      assert.equal(r.requestHash, l.requestHash, 'same cache key live and batch');
      assert.equal(r.outputHash, l.outputHash);
    }
  });

  test('a second run of the plan is served from the cache: a batch result is never requested again', async () => {
    const { root } = await batchRun(150);
    const session = sessionFor({ oab: { kind: 'openai', baseURL: batchServer!.url, batch: true } });
    const again = await session.run(makePlan(examples(150), [{ id: 'gpt', endpoint: 'oab', model: 'gpt-x', price }]), { store: Store.openAt(root), runId: 'second' });
    session.close();
    assert.equal(again.counts.cached, 150);
    assert.equal(batchServer!.stats.live, 0);
    assert.equal(Math.max(...Object.values(batchServer!.stats.processedByKey)), 1);
    const rows = await readResponses(root, 'second');
    assert.ok(rows.every((r) => r.cached && r.batch), 'cached batch rows keep their batch price');
  });

  test('a batch that expires half done: the rest is sent in a second batch, no row lost, none paid twice', async () => {
    const { result, rows, events } = await batchRun(400, { perStep: 100, expireAfter: 200 });
    assert.equal(result.status, 'complete');
    assert.equal(rows.length, 400);
    assert.equal(batchServer!.stats.batchesCreated, 2);
    assert.equal(Math.max(...Object.values(batchServer!.stats.processedByKey)), 1);
    assert.ok(events.some((e) => e.type === 'collected' && e.requeued === 200));
  });

  test('requests the provider rejects become error rows, not retries', async () => {
    const { result, rows } = await batchRun(120, { failContent: 'q17' });
    const bad = rows.filter((r) => r.error);
    assert.deepEqual(bad.map((r) => r.exampleId).sort(), ['e17']);
    assert.equal(bad[0]!.error!.kind, 'bad-request');
    assert.equal(result.counts.errors, 1);
  });

  test('a batch reply with content: null is an empty-output row that keeps its billed tokens at the batch price', async () => {
    const { result, rows } = await batchRun(120, { nullContent: 'q17' });
    assert.equal(result.counts.errors, 1);
    const empty = rows.find((r) => r.exampleId === 'e17')!;
    assert.equal(empty.error?.kind, 'empty-output');
    assert.ok(empty.inputTokens! > 0 && empty.outputTokens! > 0, 'the billed tokens are kept');
    assert.equal(empty.cost, (empty.inputTokens! * price.inputPerMTok + empty.outputTokens! * price.outputPerMTok) / 2 / 1e6, 'at the batch price');
  });

  test('auto: a run at or below the threshold goes live; above it, through a batch', async () => {
    const small = await batchRun(50, {}, 'auto', { batchThreshold: 100 });
    assert.equal(batchServer!.stats.batchesCreated, 0);
    assert.equal(batchServer!.stats.live, 50);
    assert.ok(small.rows.every((r) => !r.batch && r.latencyMs !== undefined));
    assert.ok(small.events.some((e) => e.type === 'live'));
    await batchServer!.close();
    const large = await batchRun(150, {}, 'auto', { batchThreshold: 100 });
    assert.equal(batchServer!.stats.batchesCreated, 1);
    assert.ok(large.rows.every((r) => r.batch));
  });

  test('batch mode on an endpoint without a batch service runs live and says so once', async () => {
    const root = tempRoot();
    const issues: string[] = [];
    const session = new RunSession({
      endpoints: { local: { kind: 'openai', baseURL: liveServer.url } }, providerDeps: { secrets: { getKey: async () => 'k' } },
      events: { issue: (i) => issues.push(i.message) },
    });
    const r = await session.run(makePlan(examples(20), [{ id: 'gpt', endpoint: 'local', model: 'gpt-x', mode: 'batch' }]), { store: Store.openAt(root) });
    session.close();
    assert.equal(r.status, 'complete');
    assert.equal(r.counts.requested, 20);
    assert.deepEqual(issues, ["sent live: endpoint 'local' has no batch service in its settings"]);
  });
});
