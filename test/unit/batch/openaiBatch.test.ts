// The OpenAI batch backend through the real `openai` SDK against a loopback Files + Batches server.
import assert from 'node:assert/strict';
import { createOpenAIBatchBackend } from '../../../src/core/batch/openaiBatch';
import { batchRequest, finishedStates, type BatchJob, type BatchOutcome, type BatchRequest } from '../../../src/core/batch/types';
import { createOpenAIBatchApi } from '../../../src/core/providers/openai';
import { startOpenAIBatchServer, type BatchServerOptions, type OpenAIBatchServer } from '../../servers/openaiBatchServer';

const requests = (n: number, tag = 'q'): BatchRequest[] => Array.from({ length: n }, (_, i) => batchRequest(`key-${tag}-${i}`,
  { model: 'gpt-test', messages: [{ role: 'user', content: `${tag} ${i}` }], params: { maxTokens: 20, temperature: 0 } }));

async function runToEnd(server: OpenAIBatchServer, opts: { reqs: BatchRequest[]; limits?: { maxRequests: number; maxBytes: number; minRequests: number } }) {
  const backend = createOpenAIBatchBackend(await createOpenAIBatchApi({ baseURL: server.url, apiKey: 'sk-test-batch' }), opts.limits);
  let jobs = await backend.submit('local', 'gpt-test', opts.reqs);
  for (let i = 0; i < 20 && !jobs.every((j) => finishedStates.has(j.state)); i++) jobs = await Promise.all(jobs.map((j) => backend.refresh(j)));
  const outcomes: BatchOutcome[] = [];
  for (const j of jobs) for await (const o of backend.results(j)) outcomes.push(o);
  return { jobs, outcomes, backend };
}

suite('batch: OpenAI Batch API through the real SDK', function () {
  // Real SDKs against loopback servers: slow on a loaded machine, never hung.
  this.timeout(120000);
  let server: OpenAIBatchServer | undefined;
  const start = async (o: BatchServerOptions = {}) => (server = await startOpenAIBatchServer(o));
  teardown(async () => { await server?.close(); server = undefined; });

  test('10,000 requests in one batch: every custom_id comes back with its own answer, each processed once', async () => {
    const s = await start();
    const reqs = requests(10_000);
    const { jobs, outcomes } = await runToEnd(s, { reqs });
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.state, 'completed');
    assert.equal(outcomes.length, 10_000);
    const byKey = new Map(outcomes.map((o) => [o.key, o]));
    const o = byKey.get('key-q-1234') as Extract<BatchOutcome, { completion: unknown }>;
    assert.equal(o.completion.text, 'answer:gpt-test:q 1234');
    assert.ok(o.completion.outputTokens! > 0);
    assert.equal(Math.max(...Object.values(s.stats.processedByKey)), 1);
    assert.equal(s.stats.processed, 10_000);
    assert.deepEqual(s.stats.authHeaders, ['Bearer sk-test-batch']);
  });

  test('requests split across files at the request and byte limits', async () => {
    const s = await start();
    const reqs = requests(2_500);
    const { jobs, outcomes } = await runToEnd(s, { reqs, limits: { maxRequests: 1_000, maxBytes: 120_000, minRequests: 1 } });
    assert.ok(jobs.length >= 3, `${jobs.length} jobs`);
    assert.ok(jobs.every((j) => j.keys.length <= 1_000));
    assert.equal(s.stats.files, jobs.length); // one upload per job
    assert.equal(new Set(outcomes.map((o) => o.key)).size, 2_500);
    assert.equal(jobs.reduce((n, j) => n + j.keys.length, 0), 2_500);
  });

  test('a batch that expires half done: the finished half has answers, the rest come back retryable', async () => {
    const s = await start({ perStep: 100, expireAfter: 500 });
    const { jobs, outcomes } = await runToEnd(s, { reqs: requests(1_000) });
    assert.equal(jobs[0]!.state, 'expired');
    const ok = outcomes.filter((o) => 'completion' in o);
    const retry = outcomes.filter((o) => 'error' in o && o.error.kind === 'transient');
    assert.equal(ok.length, 500);
    assert.equal(retry.length, 500);
    assert.match((retry[0] as Extract<BatchOutcome, { error: unknown }>).error.message, /batch_expired/);
  });

  test('partial failures: a request the provider rejects is a per-row error, not a retry', async () => {
    const s = await start({ failContent: 'q 7' });
    const { outcomes } = await runToEnd(s, { reqs: requests(20) });
    const bad = outcomes.filter((o) => 'error' in o) as Extract<BatchOutcome, { error: unknown }>[];
    assert.deepEqual(bad.map((b) => b.key), ['key-q-7']);
    assert.ok(bad.every((b) => b.error.kind === 'bad-request'));
    assert.equal(outcomes.length, 20);
  });

  test('an invalid input file fails the batch; every request of it is handed back, none lost', async () => {
    const s = await start({ maxRequestsPerFile: 10 });
    const { jobs, outcomes } = await runToEnd(s, { reqs: requests(15), limits: { maxRequests: 50, maxBytes: 1e9, minRequests: 1 } });
    assert.equal(jobs[0]!.state, 'failed');
    assert.match(jobs[0]!.message ?? '', /limit is 10/);
    assert.equal(outcomes.length, 15);
    assert.ok(outcomes.every((o) => 'error' in o && o.error.kind === 'transient'));
  });

  test('cancel: the remote job is cancelled and unrun requests come back', async () => {
    const s = await start({ advanceOnPoll: false, perStep: 5 });
    const backend = createOpenAIBatchBackend(await createOpenAIBatchApi({ baseURL: s.url, apiKey: 'k' }));
    let [job] = await backend.submit('local', 'gpt-test', requests(20));
    s.advance(); s.advance(); // validating -> in_progress -> 5 done
    job = await backend.cancel(job!);
    assert.equal(job.state, 'cancelling');
    s.advance();
    job = await backend.refresh(job);
    assert.equal(job.state, 'cancelled');
    const outcomes: BatchOutcome[] = [];
    for await (const o of backend.results(job)) outcomes.push(o);
    assert.equal(outcomes.filter((o) => 'completion' in o).length, 5);
    assert.equal(outcomes.length, 20);
    assert.equal(s.stats.cancels, 1);
  });
});
export type { BatchJob };
