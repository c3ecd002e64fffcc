// Bedrock batch inference through the real AWS SDKs (S3 + the Bedrock control plane, SigV4 with dummy
// credentials) against a loopback server that writes outputs the way Bedrock does.
import assert from 'node:assert/strict';
import { createBedrockBatchBackend, parseS3Uri } from '../../../src/core/batch/bedrockBatch';
import { invocationFormatFor } from '../../../src/core/batch/bedrockFormats';
import { batchRequest, finishedStates, requestOf, type BatchOutcome, type BatchRequest } from '../../../src/core/batch/types';
import { createBedrockBatchApi } from '../../../src/core/providers/bedrockBatchApi';
import { startBedrockBatchServer, type BedrockBatchServer, type BedrockBatchServerOptions } from '../../servers/bedrockBatchServer';

const credentials = { accessKeyId: 'AKIDLOOPBACKTEST', secretAccessKey: 'loopback-secret' };
const settings = { s3Uri: 's3://prompt-adapt-batch/runs', roleArn: 'arn:aws:iam::111122223333:role/BedrockBatch' };
const requests = (n: number): BatchRequest[] => Array.from({ length: n }, (_, i) => batchRequest(`rec-${i}`,
  { model: 'us.amazon.nova-2-lite-v1:0', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: `question ${i}` }], params: { maxTokens: 50 } }));

suite('batch: Bedrock batch inference through the real AWS SDKs', function () {
  // Real SDKs against loopback servers: slow on a loaded machine, never hung.
  this.timeout(120000);
  let server: BedrockBatchServer | undefined;
  const start = async (o: BedrockBatchServerOptions = {}) => (server = await startBedrockBatchServer(o));
  teardown(async () => { await server?.close(); server = undefined; });
  const backendFor = (s: BedrockBatchServer) => createBedrockBatchBackend(createBedrockBatchApi({ region: 'us-east-1', endpoint: s.url, credentials }), settings);

  async function drain(s: BedrockBatchServer, reqs: BatchRequest[], model = requestOf(reqs[0]!).model) {
    const backend = backendFor(s);
    let jobs = await backend.submit('bedrock', model, reqs);
    for (let i = 0; i < 20 && !jobs.every((j) => finishedStates.has(j.state)); i++) jobs = await Promise.all(jobs.map((j) => backend.refresh(j)));
    const outcomes: BatchOutcome[] = [];
    for (const j of jobs) for await (const o of backend.results(j)) outcomes.push(o);
    return { jobs, outcomes };
  }

  test('records in the model family\'s format go to S3, the job runs, outputs map back by recordId', async () => {
    const s = await start();
    const { jobs, outcomes } = await drain(s, requests(250));
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.state, 'completed');
    assert.equal(outcomes.length, 250);
    const o = outcomes.find((x) => x.key === 'rec-42') as Extract<BatchOutcome, { completion: unknown }>;
    assert.equal(o.completion.text, 'answer:us.amazon.nova-2-lite-v1:0:question 42');
    assert.ok(o.completion.outputTokens! > 0);
    assert.equal(s.stats.unsigned, 0, 'every request is SigV4-signed');
    const input = [...s.objects.keys()].find((k) => k.startsWith('prompt-adapt-batch/runs/input/'))!;
    const first = JSON.parse(s.objects.get(input)!.toString().split('\n')[0]!);
    assert.deepEqual(first.modelInput.system, [{ text: 'Be brief.' }]);
    assert.equal(first.modelInput.inferenceConfig.maxTokens, 50);
    assert.ok([...s.objects.keys()].some((k) => k.endsWith('.jsonl.out')) && [...s.objects.keys()].some((k) => k.endsWith('manifest.json.out')));
  });

  test('fewer records than the minimum are refused before anything is uploaded (run them live)', async () => {
    const s = await start();
    await assert.rejects(backendFor(s).submit('bedrock', 'us.amazon.nova-2-lite-v1:0', requests(40)), /at least 100 records; 40 given/);
    assert.equal(s.stats.puts, 0);
  });

  test('a split never leaves a last job below the minimum', async () => {
    const s = await start();
    const backend = createBedrockBatchBackend(createBedrockBatchApi({ region: 'us-east-1', endpoint: s.url, credentials }), settings, { maxRequests: 200, maxBytes: 1e9, minRequests: 100 });
    const jobs = await backend.submit('bedrock', 'us.amazon.nova-2-lite-v1:0', requests(230));
    assert.deepEqual(jobs.map((j) => j.keys.length), [130, 100]);
  });

  test('submitting the same records again (a crash before the manifest was written) reuses the job', async () => {
    const s = await start();
    const backend = backendFor(s);
    const a = await backend.submit('bedrock', 'us.amazon.nova-2-lite-v1:0', requests(120));
    const b = await backend.submit('bedrock', 'us.amazon.nova-2-lite-v1:0', requests(120));
    assert.equal(a[0]!.jobId, b[0]!.jobId);
    assert.equal(s.stats.jobsCreated, 1);
  });

  test('partial failures and an expired job: errors per record, unrun records handed back, nothing processed twice', async () => {
    const s = await start({ failContent: 'question 7"', perStep: 50, expireAfter: 150 });
    const { jobs, outcomes } = await drain(s, requests(200));
    assert.equal(jobs[0]!.state, 'expired');
    assert.equal(outcomes.length, 200);
    const failed = outcomes.filter((o) => 'error' in o && o.error.kind === 'bad-request');
    const retry = outcomes.filter((o) => 'error' in o && o.error.kind === 'transient');
    assert.deepEqual(failed.map((f) => f.key), ['rec-7']);
    assert.equal(retry.length, 50);
    assert.equal(Math.max(...Object.values(s.stats.processedByKey)), 1);
  });

  test('stop cancels the remote job', async () => {
    const s = await start({ advanceOnPoll: false });
    const backend = backendFor(s);
    const [job] = await backend.submit('bedrock', 'us.amazon.nova-2-lite-v1:0', requests(100));
    s.advance();
    const stopped = await backend.cancel(job!);
    assert.equal(stopped.state, 'cancelling');
    assert.equal(s.stats.stops, 1);
  });

  test('invocation formats per family; unknown models are refused with the families named', async () => {
    assert.equal(invocationFormatFor('anthropic.claude-3-haiku-20240307-v1:0')?.family, 'anthropic');
    assert.equal(invocationFormatFor('eu.meta.llama3-2-1b-instruct-v1:0')?.family, 'meta-llama');
    const body = invocationFormatFor('anthropic.claude-3-haiku-20240307-v1:0')!.body({ model: 'x', messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'U' }], params: { maxTokens: 9 } });
    assert.deepEqual(body, { anthropic_version: 'bedrock-2023-05-31', max_tokens: 9, system: 'S', messages: [{ role: 'user', content: [{ type: 'text', text: 'U' }] }] });
    const s = await start();
    await assert.rejects(backendFor(s).submit('bedrock', 'cohere.command-r-v1:0', requests(100)), /anthropic, amazon-nova, meta-llama, mistral/);
    assert.deepEqual(parseS3Uri('s3://b-1/x/y'), { bucket: 'b-1', prefix: 'x/y/' });
    assert.throws(() => parseS3Uri('https://b/x'), /not an S3 URI/);
  });
});
