// The batch driver with the real backends and SDKs against the loopback servers: submit, poll, collect,
// re-queue what a job never ran, resume after a crash at any point without paying for a request twice.
import assert from 'node:assert/strict';
import { createBedrockBatchBackend } from '../../../src/core/batch/bedrockBatch';
import { describeBatchEvent } from '../../../src/core/batch/describe';
import { cancelBatchJobs, runBatches, submittingPrefix, type BatchDriverOptions, type BatchEvent, type PendingRequest } from '../../../src/core/batch/driver';
import { createOpenAIBatchBackend } from '../../../src/core/batch/openaiBatch';
import { batchRequest, type BatchBackend, type BatchJob, type BatchOutcome } from '../../../src/core/batch/types';
import { createBedrockBatchApi } from '../../../src/core/providers/bedrockBatchApi';
import { createOpenAIBatchApi } from '../../../src/core/providers/openai';
import { startBedrockBatchServer } from '../../servers/bedrockBatchServer';
import { startOpenAIBatchServer, type BatchServerOptions, type OpenAIBatchServer } from '../../servers/openaiBatchServer';

const pending = (n: number, endpointId = 'oa', model = 'gpt-test'): PendingRequest[] => Array.from({ length: n }, (_, i) => ({
  ...batchRequest(`k${i}`, { model, messages: [{ role: 'user', content: `q ${i}` }] }), endpointId, model,
}));

function harness(backend: BatchBackend, extra: Partial<BatchDriverOptions> = {}) {
  const recorded = new Map<string, BatchOutcome>();
  const live: PendingRequest[] = [];
  let saved: BatchJob[] = [];
  const opts: BatchDriverOptions = {
    backendFor: async () => backend,
    saveJobs: async (jobs) => { saved = structuredClone([...jobs]); },
    record: async (o) => { assert.ok(!recorded.has(o.key), `recorded twice: ${o.key}`); recorded.set(o.key, o); },
    runLive: async (reqs) => { live.push(...reqs); },
    sleep: async () => {},
    poll: { initialMs: 1, maxMs: 1 },
    ...extra,
  };
  return { opts, recorded, live, saved: () => saved };
}

suite('batch driver', function () {
  // Real SDKs against loopback servers: slow on a loaded machine, never hung.
  this.timeout(120000);
  let server: OpenAIBatchServer | undefined;
  const start = async (o: BatchServerOptions = {}) => (server = await startOpenAIBatchServer(o));
  teardown(async () => { await server?.close(); server = undefined; });
  const openai = async (s: OpenAIBatchServer) => createOpenAIBatchBackend(await createOpenAIBatchApi({ baseURL: s.url, apiKey: 'k' }));

  test('every request ends in the store once; the job list is saved as it goes', async () => {
    const s = await start({ perStep: 700 });
    const h = harness(await openai(s));
    const jobs = await runBatches(pending(3000), [], h.opts);
    assert.equal(h.recorded.size, 3000);
    assert.ok(jobs.every((j) => j.collected));
    assert.ok(h.saved().every((j) => j.collected && !j.jobId.startsWith(submittingPrefix)));
    assert.equal(Math.max(...Object.values(s.stats.processedByKey)), 1);
  });

  test('a batch that expires half done: only the unrun half is sent again, and nothing is paid twice', async () => {
    const s = await start({ perStep: 250, expireAfter: 500 });
    const h = harness(await openai(s));
    const jobs = await runBatches(pending(1000), [], h.opts);
    assert.equal(h.recorded.size, 1000, 'all rows recorded');
    assert.equal(h.live.length, 0);
    assert.equal(s.stats.batchesCreated, 2);
    assert.equal(jobs.length, 2);
    assert.equal(Object.keys(s.stats.processedByKey).length, 1000);
    assert.equal(Math.max(...Object.values(s.stats.processedByKey)), 1);
  });

  test('killed after the remote job was created but before it was saved: resuming finds that job, no second payment', async () => {
    const s = await start();
    const backend = await openai(s);
    // Dies at the first save that would record the created job (the marker's own saves go through).
    const crashing = harness(backend, { saveJobs: async (jobs) => { if (jobs.some((j) => !j.jobId.startsWith(submittingPrefix))) throw new Error('SIGKILL'); } });
    await assert.rejects(runBatches(pending(300), [], crashing.opts), /SIGKILL/);
    assert.equal(s.stats.batchesCreated, 1);
    // What the manifest held at the crash: the "submitting" marker only.
    const marker: BatchJob = { backend: 'openai', endpointId: 'oa', model: 'gpt-test', jobId: submittingPrefix + 'x', keys: pending(300).map((p) => p.key), submittedAt: '', state: 'submitted', counts: { total: 300, completed: 0, failed: 0 } };
    const h = harness(backend);
    await runBatches(pending(300), [marker], h.opts);
    assert.equal(s.stats.batchesCreated, 1, 'the same batch was picked up');
    assert.equal(h.recorded.size, 300);
    assert.equal(Math.max(...Object.values(s.stats.processedByKey)), 1);
  });

  test('killed while waiting: resuming polls the saved job and submits nothing', async () => {
    const s = await start({ advanceOnPoll: false });
    const backend = await openai(s);
    const ac = new AbortController();
    const first = harness(backend, { signal: ac.signal, sleep: async () => { ac.abort(new Error('closed')); throw new Error('closed'); } });
    await assert.rejects(runBatches(pending(200), [], first.opts), /closed/);
    const saved = first.saved();
    assert.equal(saved.length, 1);
    assert.ok(!saved[0]!.jobId.startsWith(submittingPrefix));
    s.advance(); s.advance(); s.advance(); s.advance();
    const h = harness(backend);
    await runBatches(pending(200), saved, h.opts);
    assert.equal(s.stats.batchesCreated, 1);
    assert.equal(h.recorded.size, 200);
  });

  test('cancel after the job finished meanwhile: the provider refuses, the job is marked and left to collect, no error', async () => {
    const s = await start({ advanceOnPoll: false });
    const backend = await openai(s);
    const stale = (await backend.submit('oa', 'gpt-test', pending(20)))[0]!;
    for (let i = 0; i < 4; i++) s.advance(); // completed at the provider; the saved job still says "submitted"
    const [job] = await cancelBatchJobs([stale], async () => backend, { save: async () => {} });
    assert.equal(s.stats.cancels, 1, 'the cancel was asked for');
    assert.equal(job!.state, 'completed');
    assert.equal(job!.cancelRequested, true);
    const h = harness(backend, { collectOnly: { notSent: (keys) => assert.deepEqual(keys, []) } });
    await runBatches(pending(20), [job!], h.opts);
    assert.equal(h.recorded.size, 20, 'its results are stored');
  });

  test('killed before the split was saved (nothing left this machine): cancel looks, finds no job, and clears the marker', async () => {
    const s = await start();
    const backend = await openai(s);
    let marker: BatchJob[] = [];
    // Dies at the save that would record the split: the marker alone is on disk.
    const crashing = harness(backend, { saveJobs: async (jobs) => { if (jobs.some((j) => j.groups)) throw new Error('SIGKILL'); marker = structuredClone([...jobs]); } });
    await assert.rejects(runBatches(pending(300), [], crashing.opts), /SIGKILL/);
    assert.deepEqual(marker.map((j) => [j.jobId.startsWith(submittingPrefix), j.groups]), [[true, undefined]]);
    assert.deepEqual([s.stats.files, s.stats.batchesCreated], [0, 0]);
    const events: BatchEvent[] = [];
    const jobs = await cancelBatchJobs(marker, async () => backend, { save: async () => {}, onEvent: (e) => events.push(e) });
    assert.deepEqual(jobs, []);
    assert.ok(s.stats.lists >= 1, 'the provider was asked');
    assert.equal(s.stats.cancels, 0);
    assert.deepEqual(events.map(describeBatchEvent), ['batch oa/gpt-test: a submission was interrupted before it was recorded; no remote job had been created for 300 requests: nothing to cancel; they are left for the next run']);
  });

  test('a submission split in three, killed after the second create: cancel finds and cancels both jobs; the third part was never created', async () => {
    const ac = new AbortController();
    let creates = 0;
    const s = await start({ advanceOnPoll: false, afterCreate: () => { if (++creates === 2) ac.abort(new Error('SIGKILL')); } });
    const backend = createOpenAIBatchBackend(await createOpenAIBatchApi({ baseURL: s.url, apiKey: 'k' }), { maxRequests: 100, maxBytes: 1 << 20, minRequests: 1 });
    const h = harness(backend, { signal: ac.signal });
    await assert.rejects(runBatches(pending(250), [], h.opts));
    assert.deepEqual(h.saved().map((j) => j.groups), [[100, 100, 50]]);
    assert.deepEqual([s.stats.files, s.stats.batchesCreated], [2, 2]);
    const events: BatchEvent[] = [];
    const jobs = await cancelBatchJobs(h.saved(), async () => backend, { save: async () => {}, onEvent: (e) => events.push(e) });
    assert.equal(s.stats.cancels, 2);
    assert.deepEqual(jobs.map((j) => [j.keys.length, j.state, j.cancelRequested]), [[100, 'cancelling', true], [100, 'cancelling', true]]);
    assert.deepEqual(jobs.flatMap((j) => j.keys), pending(200).map((p) => p.key), 'each job holds its own part of the keys');
    assert.match(describeBatchEvent(events[0]!), /cancelled job batch_\w+ \(found by its tag\); cancelled job batch_\w+ \(found by its tag\); no remote job had been created for 50 requests: nothing to cancel/);
  });

  test('cancel saves the wish before telling the provider; killed in between, the resume tells it again and stores only what finished', async () => {
    const s = await start({ advanceOnPoll: false, perStep: 40 });
    const backend = await openai(s);
    const [job] = await backend.submit('oa', 'gpt-test', pending(120));
    s.advance(); s.advance(); // 40 of 120 done
    let wish: BatchJob[] = [];
    // Killed at the provider call, after the first save.
    await assert.rejects(cancelBatchJobs([job!], async () => { throw new Error('SIGKILL'); }, { save: async (jobs) => { if (!wish.length) wish = structuredClone([...jobs]); } }), /SIGKILL/);
    assert.deepEqual(wish.map((j) => [j.jobId, j.cancelRequested]), [[job!.jobId, true]], 'the wish was saved first');
    assert.equal(s.stats.cancels, 0, 'the provider never heard');
    const notSent: string[] = [];
    const h = harness(backend, { collectOnly: { notSent: (keys) => notSent.push(...keys) }, sleep: async () => { s.advance(); } });
    const [after] = await runBatches(pending(120), wish, h.opts);
    assert.equal(s.stats.cancels, 1, 'the resume told the provider');
    assert.deepEqual([after!.state, after!.collected], ['cancelled', true]);
    assert.equal(h.recorded.size, 40);
    assert.equal(notSent.length, 80);
    assert.equal(s.stats.batchesCreated, 1);
  });

  test('Bedrock: a group below the 100-record minimum runs live, the rest in a job', async () => {
    const b = await startBedrockBatchServer();
    try {
      const backend = createBedrockBatchBackend(createBedrockBatchApi({ region: 'us-east-1', endpoint: b.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 's' } }), { s3Uri: 's3://bkt/pa', roleArn: 'arn:aws:iam::1:role/r' });
      const h = harness(backend);
      const reqs = [...pending(150, 'br', 'us.amazon.nova-2-lite-v1:0'), ...pending(30, 'br', 'anthropic.claude-3-haiku-20240307-v1:0').map((p) => ({ ...p, key: `c${p.key}` }))];
      await runBatches(reqs, [], h.opts);
      assert.equal(h.recorded.size, 150);
      assert.equal(h.live.length, 30);
      assert.equal(b.stats.jobsCreated, 1);
    } finally { await b.close(); }
  });
});
