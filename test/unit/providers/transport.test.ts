// Issue 16 §6 at the provider level, with the real SDKs: kept-alive sockets the server closed, failures that
// keep their cause, host names that do not resolve.
import { strict as assert } from 'node:assert';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { createBedrockProvider } from '../../../src/core/providers/bedrock';
import { createOpenAIProvider } from '../../../src/core/providers/openai';
import { ProviderError, type ModelProvider } from '../../../src/core/providers/provider';

const msgs = [{ role: 'user' as const, content: 'hello' }];
const failure = (p: ModelProvider) => p.complete({ model: 'm', messages: msgs }, new AbortController().signal).then(() => undefined, (e: unknown) => e);

suite('providers: transport (issue 16 §6)', () => {
  let server: MockServer;
  suiteSetup(async () => { server = await startMockServer('openai'); });
  suiteTeardown(async () => { await server.close(); });

  test('node:http transport: a server that closes after each answer costs no request, one at a time or four at once', async () => {
    server.setBehavior({ closeConnection: 'silent' });
    for (const sockets of [1, 4]) {
      server.resetStats();
      const p = await createOpenAIProvider({ baseURL: server.url, apiKey: 'k', nodeHttpSockets: sockets });
      let failed = 0;
      for (let i = 0; i < 20; i += sockets) {
        const batch = Array.from({ length: sockets }, (_, j) => p.complete({ model: 'm', messages: [{ role: 'user', content: `q${i + j}` }] }, new AbortController().signal).catch(() => { failed++; }));
        await Promise.all(batch);
      }
      p.close?.();
      assert.equal(failed, 0, `${sockets} socket(s): ${failed} of 20 failed`);
      assert.equal(server.stats.completions, 20, 'each request answered once');
    }
  });

  test('Bedrock: a region whose host does not resolve is a configuration error naming host and region', async () => {
    const p = await createBedrockProvider({ region: 'xx-nowhere-1', endpoint: 'http://bedrock-runtime.xx-nowhere-1.invalid', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }, timeoutMs: 5000 });
    const err = await failure(p);
    p.close?.();
    assert.ok(err instanceof ProviderError, String(err));
    assert.equal(err.kind, 'config');
    assert.match(err.message, /the host name 'bedrock-runtime\.xx-nowhere-1\.invalid' does not resolve \(getaddrinfo (?:ENOTFOUND|EAI_AGAIN) .*\); check the endpoint's baseURL and region \('xx-nowhere-1'\)/);
  });

  test('Bedrock and OpenAI (global fetch): nothing listening keeps ECONNREFUSED and the address', async () => {
    const closed = await startMockServer('openai');
    const port = closed.port;
    await closed.close();
    const providers = [
      await createBedrockProvider({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }, timeoutMs: 5000 }),
      await createOpenAIProvider({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'k' }),
    ];
    for (const p of providers) {
      const err = await failure(p);
      p.close?.();
      assert.ok(err instanceof ProviderError && err.kind === 'transient', String(err));
      assert.match(err.message, new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`), p.kind);
    }
  });
});
