import { strict as assert } from 'node:assert';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { createBedrockProvider } from '../../../src/core/providers/bedrock';
import { parseEndpoints } from '../../../src/core/providers/registry';
import { createOpenAIProvider } from '../../../src/core/providers/openai';
import { classifyHttp, parseRetryAfter, ProviderError, redact, type ModelProvider } from '../../../src/core/providers/provider';
import type { ErrorKind } from '../../../src/core/store/records';
import type { Fault } from '../../servers/mockModelServer';

const KEY = 'sk-test-abcdefghijklmnop';
const msgs = [{ role: 'system' as const, content: 'sys' }, { role: 'user' as const, content: 'hello' }];

suite('providers (real SDKs against loopback servers)', () => {
  // pn: the CLI's node:http transport (nodeHttpSockets) must behave exactly like global fetch.
  let oai: MockServer, bed: MockServer, po: ModelProvider, pn: ModelProvider, pb: ModelProvider;
  /** The same three with a 300 ms timeout, for a server that never answers: any other answer may take that long on a loaded machine. */
  let shortTimeout: [MockServer, ModelProvider][];
  suiteSetup(async () => {
    oai = await startMockServer('openai');
    bed = await startMockServer('bedrock');
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:9/never';
    const made = (timeoutMs: number) => Promise.all([createOpenAIProvider({ baseURL: oai.url, apiKey: KEY, timeoutMs }),
      createOpenAIProvider({ baseURL: oai.url, apiKey: KEY, timeoutMs, nodeHttpSockets: 4 }),
      createBedrockProvider({ region: 'us-east-1', endpoint: bed.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }, timeoutMs })]);
    [po, pn, pb] = await made(30_000);
    const [so, sn, sb] = await made(300);
    shortTimeout = [[oai, so], [oai, sn], [bed, sb]];
  });
  suiteTeardown(async () => {
    delete process.env.OPENAI_BASE_URL;
    for (const p of [pb, pn, ...shortTimeout.map(([, p]) => p)]) p.close?.();
    await oai.close(); await bed.close();
  });
  setup(() => { oai.setBehavior({}); bed.setBehavior({}); });

  test('completions: text, finish reason, usage, latency, request id; explicit baseURL wins over the environment', async () => {
    const a = await po.complete({ model: 'm', messages: msgs, params: { temperature: 0, maxTokens: 5 } }, new AbortController().signal);
    assert.equal(a.text, 'answer:m:hello');
    assert.equal(a.finishReason, 'stop');
    assert.ok(a.inputTokens! > 0 && a.outputTokens! > 0 && a.latencyMs > 0 && a.requestId);
    const b = await pb.complete({ model: 'us.amazon.nova-lite-v1:0', messages: [...msgs, { role: 'user', content: 'again' }] }, new AbortController().signal);
    assert.equal(b.text, 'answer:us.amazon.nova-lite-v1:0:hello\nagain', 'adjacent user turns merged for Converse');
    assert.equal(b.finishReason, 'end_turn');
    assert.ok(b.requestId);
    assert.equal(oai.stats.authHeaders[0], `Bearer ${KEY}`);
    assert.match(bed.stats.authHeaders[0]!, /^AWS4-HMAC-SHA256 Credential=AKIDTEST\//);
  });

  const cases: [string, Fault, ErrorKind][] = [
    ['429 + retry-after-ms', { kind: 'rate-limit', retryAfterMs: 1500 }, 'rate-limit'],
    ['out of quota', { kind: 'quota' }, 'quota'],
    ['401', { kind: 'status', status: 401, message: `Incorrect API key provided: ${KEY}` }, 'auth'],
    ['403', { kind: 'status', status: 403 }, 'auth'],
    ['model not found', { kind: 'status', status: 404, code: 'model_not_found', message: 'The model `x` does not exist' }, 'model-not-found'],
    ['context too long', { kind: 'status', status: 400, code: 'context_length_exceeded', message: 'Input is too long for requested model.' }, 'context-length'],
    ['bad request', { kind: 'status', status: 400, message: 'temperature must be <= 2' }, 'bad-request'],
    ['500', { kind: 'server-error' }, 'transient'],
    ['503', { kind: 'server-error', status: 503 }, 'transient'],
    ['dropped connection', { kind: 'drop' }, 'transient'],
    ['malformed body', { kind: 'malformed' }, 'transient'],
    ['hang (timeout)', { kind: 'hang' }, 'transient'],
  ];
  for (const [name, fault, kind] of cases) {
    test(`classifies ${name} as ${kind} (OpenAI and Bedrock)`, async () => {
      for (const [server, p] of fault.kind === 'hang' ? shortTimeout : [[oai, po], [oai, pn], [bed, pb]] as const) {
        server.setBehavior({ faults: [{ fault }] });
        const err = await p.complete({ model: 'm', messages: msgs }, new AbortController().signal).then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof ProviderError, `${p.kind}: ${String(err)}`);
        assert.equal(err.kind, kind, `${p.kind}: ${err.message}`);
        assert.ok(!err.message.includes(KEY), 'no key in messages');
        if (fault.kind === 'rate-limit') assert.equal(err.details.retryAfterMs, 1500);
      }
    });
  }

  test('abort rejects with an abort error, not a ProviderError', async () => {
    for (const [server, p] of [[oai, po], [oai, pn], [bed, pb]] as const) {
      // The server never answers, so only the abort can end the request (a 1 s answer could beat a late abort on a loaded machine).
      server.setBehavior({ faults: [{ fault: { kind: 'hang' } }] });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 20);
      const err = await p.complete({ model: 'm', messages: msgs }, ac.signal).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof Error && !(err instanceof ProviderError), `${p.kind}: ${String(err)}`);
    }
  });

  test('node:http transport: same completion as fetch, keep-alive sockets reused, redirects refused, bytes intact', async () => {
    const req = { model: 'm', messages: [...msgs, { role: 'user' as const, content: 'héllo ✓ 𝄞' }], params: { temperature: 0, maxTokens: 5 } };
    const [a, b] = await Promise.all([po.complete(req, new AbortController().signal), pn.complete(req, new AbortController().signal)]);
    assert.deepEqual({ ...b, latencyMs: 0, requestId: '' }, { ...a, latencyMs: 0, requestId: '' });
    assert.equal(b.text, 'answer:m:héllo ✓ 𝄞');
    assert.ok(b.requestId);
    await Promise.all(Array.from({ length: 20 }, () => pn.complete(req, new AbortController().signal)));
    oai.setBehavior({ faults: [{ fault: { kind: 'redirect', location: 'http://127.0.0.1:9/v1/chat/completions' } }] });
    const err = await pn.complete(req, new AbortController().signal).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ProviderError && err.kind === 'transient', String(err));
  });

  test('helpers: classifyHttp, parseRetryAfter, redact, parseEndpoints', () => {
    assert.equal(classifyHttp(429, 'insufficient_quota', ''), 'quota');
    assert.equal(classifyHttp(404, undefined, ''), 'model-not-found');
    assert.equal(classifyHttp(408, undefined, ''), 'transient');
    const h = (m: Record<string, string>) => (n: string) => m[n];
    assert.equal(parseRetryAfter(h({ 'retry-after-ms': '250', 'retry-after': '9' })), 250);
    assert.equal(parseRetryAfter(h({ 'retry-after': '2' })), 2000);
    assert.equal(parseRetryAfter(h({ 'retry-after': new Date(10_000).toUTCString() }), 4000), 6000);
    assert.equal(redact(`key ${KEY} and Bearer abcdefghijklmnop`, [KEY]), 'key *** and ***');
    const { endpoints, problems } = parseEndpoints({ a: { kind: 'openai', baseURL: 'http://127.0.0.1:1/v1' }, b: { kind: 'openai' }, c: { kind: 'ftp' }, d: { kind: 'openai', baseURL: 'file:///x' } });
    assert.deepEqual(Object.keys(endpoints), ['a']);
    assert.equal(problems.length, 3);
  });
});
