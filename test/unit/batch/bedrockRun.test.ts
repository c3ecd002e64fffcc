// Bedrock batch inference through a whole run (the run use case, the real AWS SDKs against the loopback S3 +
// Bedrock server): rows identical to a live run of the same plan, the 100-record floor respected, and what a job
// left unrun sent live when it is too few for a job of its own.
import assert from 'node:assert/strict';
import type { BatchEvent } from '../../../src/core/batch/driver';
import type { EndpointsConfig } from '../../../src/core/providers/endpoints';
import type { PlanCandidate } from '../../../src/core/runner/plan';
import { RunSession } from '../../../src/core/run/runSession';
import { readResponses } from '../../../src/core/store/runs';
import { Store } from '../../../src/core/store/store';
import { startBedrockBatchServer, type BedrockBatchServer, type BedrockBatchServerOptions } from '../../servers/bedrockBatchServer';
import { startMockServer } from '../../servers/mockModelServer';
import { examples, makePlan, tempRoot } from '../runner/helpers';

const model = 'us.amazon.nova-2-lite-v1:0';
const price = { inputPerMTok: 0.06, outputPerMTok: 0.24 };
const batchSettings = { s3Uri: 's3://prompt-adapt-batch/runs', roleArn: 'arn:aws:iam::111122223333:role/BedrockBatch' };

suite('batch: Bedrock batch inference through a run', function () {
  // Real SDKs against loopback servers: slow on a loaded machine, never hung.
  this.timeout(120000);
  let server: BedrockBatchServer | undefined;
  teardown(async () => { await server?.close(); server = undefined; });

  const sessionFor = (endpoints: EndpointsConfig, events: BatchEvent[] = []) => new RunSession({
    endpoints, providerDeps: { secrets: { getKey: async () => undefined }, awsCredentials: { accessKeyId: 'AKIDLOOPBACKTEST', secretAccessKey: 'loopback-secret' } },
    batchPoll: { poll: { initialMs: 1, maxMs: 1 }, sleep: async () => {} }, events: { batch: (e) => events.push(e) },
  });

  async function batchRun(n: number, opts: BedrockBatchServerOptions = {}) {
    server = await startBedrockBatchServer(opts);
    const root = tempRoot();
    const events: BatchEvent[] = [];
    const session = sessionFor({ br: { kind: 'bedrock', region: 'us-east-1', baseURL: server.url, batch: batchSettings } }, events);
    const cand: PlanCandidate = { id: 'nova', endpoint: 'br', model, price, mode: 'batch' };
    const result = await session.run(makePlan(examples(n), [cand]), { store: Store.openAt(root) });
    session.close();
    return { result, events, rows: await readResponses(root, result.runId) };
  }

  test('a job expires after 120 of 150 records: the 30 left, too few for a job, run live; rows match a live run, none paid twice', async () => {
    const { result, events, rows } = await batchRun(150, { perStep: 60, expireAfter: 120 });
    assert.equal(result.status, 'complete');
    assert.equal(rows.length, 150);
    assert.equal(server!.stats.jobsCreated, 1, 'one job; the remainder never became a job under the floor');
    assert.equal(server!.stats.live, 30);
    assert.equal(rows.filter((r) => r.batch).length, 120);
    assert.ok(events.some((e) => e.type === 'live' && e.count === 30 && /fewer than 100 requests/.test(e.why)), 'the remainder went live, and said why');
    assert.equal(Math.max(...Object.values(server!.stats.paidByText)), 1, 'no record paid twice');
    assert.equal(server!.stats.unsigned, 0, 'every request SigV4-signed');

    const live = await startMockServer('bedrock');
    try {
      const liveRoot = tempRoot();
      const session = sessionFor({ br: { kind: 'bedrock', region: 'us-east-1', baseURL: live.url } });
      const lr = await session.run(makePlan(examples(150), [{ id: 'nova', endpoint: 'br', model, price }]), { store: Store.openAt(liveRoot) });
      session.close();
      assert.equal(lr.status, 'complete');
      const byExample = new Map((await readResponses(liveRoot, lr.runId)).map((r) => [r.exampleId, r]));
      for (const r of rows) {
        const l = byExample.get(r.exampleId)!;
        assert.equal(r.output, l.output, r.exampleId);
        assert.equal(r.requestHash, l.requestHash, 'the same cache key batch and live');
        assert.equal(r.outputHash, l.outputHash);
      }
    } finally { await live.close(); }
  });

  test('fewer records than the floor never make a job: they run live', async () => {
    const { result, events, rows } = await batchRun(60);
    assert.equal(result.status, 'complete');
    assert.equal(server!.stats.jobsCreated, 0);
    assert.equal(server!.stats.puts, 0, 'nothing uploaded');
    assert.equal(server!.stats.live, 60);
    assert.ok(rows.every((r) => !r.batch && r.output === `answer:${model}:${r.exampleId.replace('e', 'q')}`));
    assert.ok(events.some((e) => e.type === 'live' && /fewer than 100/.test(e.why)));
  });

  test('a batch record without a text block is an empty-output row that keeps its billed tokens and their batch price (as live)', async () => {
    const { result, rows } = await batchRun(120, { emptyContent: 'q17' });
    assert.equal(result.counts.errors, 1);
    const empty = rows.find((r) => r.exampleId === 'e17')!;
    assert.equal(empty.error?.kind, 'empty-output');
    assert.match(empty.error!.message, /the reply holds no answer \(no text in the reply's 0 content blocks, finish reason 'end_turn'\)/);
    assert.ok(empty.inputTokens! > 0 && empty.outputTokens! > 0, 'the billed tokens are kept');
    assert.equal(empty.cost, (empty.inputTokens! * price.inputPerMTok + empty.outputTokens! * price.outputPerMTok) / 2 / 1e6, 'at the batch price');
    assert.equal(rows.filter((r) => !r.error && typeof r.output === 'string').length, 119);
  });
});
