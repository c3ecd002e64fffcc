import { strict as assert } from 'node:assert';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { createBedrockProvider } from '../../../src/core/providers/bedrock';
import { createOpenAIProvider } from '../../../src/core/providers/openai';
import { ProviderError } from '../../../src/core/providers/provider';
import { streamOrComplete, type StreamingProvider } from '../../../src/core/providers/streaming';

const msgs = [{ role: 'user' as const, content: 'hello' }];

suite('streaming completions (the OpenAI SDK against a loopback server sending server-sent events)', () => {
  let server: MockServer;
  let provider: StreamingProvider;
  suiteSetup(async () => {
    server = await startMockServer('openai');
    provider = await createOpenAIProvider({ baseURL: server.url, apiKey: 'sk-test-abcdefghijkl', timeoutMs: 5000 });
  });
  suiteTeardown(async () => { provider.close?.(); await server.close(); });

  test('pieces arrive as the server writes them; time to first token, tokens and finish reason are kept', async () => {
    // The server holds the rest of the reply after the first piece until the client has had that piece for 200 ms:
    // the first piece certainly came before the rest was written, and the whole reply at least 200 ms after it.
    server.setBehavior({ answers: { m: 'Refunds take five business days.' }, streamPieces: 4, streamGapMs: 20, streamHoldAfterFirst: true, outputTokens: 7 });
    const pieces: { text: string; at: number }[] = [];
    const t0 = performance.now();
    const onPiece = (text: string): void => {
      pieces.push({ text, at: performance.now() - t0 });
      if (pieces.length === 1) setTimeout(() => server.releaseStreams(), 200);
    };
    const c = await provider.stream({ model: 'm', messages: msgs, params: { temperature: 0 } }, new AbortController().signal, onPiece);
    assert.equal(pieces.length, 4);
    assert.equal(pieces.map((p) => p.text).join(''), 'Refunds take five business days.');
    assert.equal(c.text, 'Refunds take five business days.');
    assert.ok(pieces[3]!.at - pieces[0]!.at >= 150, `pieces were spread over time: ${pieces.map((p) => p.at.toFixed(0)).join(', ')}`);
    assert.ok(c.firstTokenMs !== undefined && c.firstTokenMs < c.latencyMs - 150, `first token ${c.firstTokenMs} ms, whole reply ${c.latencyMs} ms`);
    assert.equal(c.outputTokens, 7);
    assert.ok(c.inputTokens! > 0);
    assert.equal(c.finishReason, 'stop');
    assert.equal(c.streamed, true);
    const body = server.stats.bodies.at(-1)!;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.temperature, 0);
  });

  test('an HTTP error is classified like a plain completion; an abort stops the stream', async () => {
    server.setBehavior({ faults: [{ fault: { kind: 'status', status: 401, message: 'bad key' } }] });
    await assert.rejects(provider.stream({ model: 'm', messages: msgs }, new AbortController().signal, () => undefined),
      (e: unknown) => e instanceof ProviderError && e.kind === 'auth');
    // Held after the first piece (never released here): the stream ends only by the abort — a timeout would end it
    // with a ProviderError after 5 s instead.
    server.setBehavior({ streamPieces: 10, streamGapMs: 200, streamHoldAfterFirst: true });
    const abort = new AbortController();
    const got: string[] = [];
    const streaming = provider.stream({ model: 'm', messages: msgs }, abort.signal, (t) => { got.push(t); abort.abort(); });
    await assert.rejects(streaming, (e: unknown) => e instanceof Error && !(e instanceof ProviderError), 'an abort error');
    assert.ok(got.length >= 1 && got.length < 10, `stopped after ${got.length} pieces`);
  });

  test('a provider that cannot stream answers in one piece (Bedrock Converse)', async () => {
    const bed = await startMockServer('bedrock', { latencyMs: 30 });
    const pb = await createBedrockProvider({ region: 'us-east-1', endpoint: bed.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }, timeoutMs: 5000 });
    try {
      const pieces: string[] = [];
      const c = await streamOrComplete(pb, { model: 'us.amazon.nova-lite-v1:0', messages: msgs }, new AbortController().signal, (t) => pieces.push(t));
      assert.deepEqual(pieces, ['answer:us.amazon.nova-lite-v1:0:hello']);
      assert.equal(c.streamed, false);
      assert.equal(c.firstTokenMs, c.latencyMs);
    } finally { pb.close?.(); await bed.close(); }
  });
});
