import { strict as assert } from 'node:assert';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import type { ProjectFile } from '../../../src/core/project/types';
import { parsePromptText } from '../../../src/core/prompt/load';
import { createOpenAIProvider } from '../../../src/core/providers/openai';
import { ProviderError, type ModelProvider } from '../../../src/core/providers/provider';
import { promptVariables, quickCheckRecord, runQuickCheck } from '../../../src/core/quickCheck/quickCheck';
import { parseQuickCheckMessage } from '../../../src/protocol/quickCheck';

const prompt = parsePromptText(`name: QA
modelParameters: { temperature: 0, maxTokens: 50 }
messages:
  - role: system
    content: Answer from the article.
  - role: user
    content: "Article: {{context}}\\nQuestion: {{question}}"
adapt:
  output: { format: xml, answer: response.answer, idk: response.cannot_answer }
`, '/w/prompts/qa.prompt.yml').prompt;

suite('quick check (core): one input on several candidates, streamed, nothing stored', () => {
  let server: MockServer;
  let provider: ModelProvider;
  const project = (): ProjectFile => ({
    path: '/w/prompt-adapt.yml',
    candidates: [
      { id: 'a', endpoint: 'loop', model: 'model-a', price: { inputPerMTok: 1, outputPerMTok: 2 } },
      { id: 'b', endpoint: 'loop', model: 'model-b', params: { temperature: 0.5 } },
      { id: 'gone', endpoint: 'nowhere', model: 'x' },
    ],
  } as unknown as ProjectFile);
  suiteSetup(async () => {
    server = await startMockServer('openai', { streamPieces: 3, streamGapMs: 30, outputTokens: 9,
      answers: { 'model-a': '<response><answer>Five days.</answer></response>', 'model-b': '<response><cannot_answer/></response>' } });
    provider = await createOpenAIProvider({ baseURL: server.url, apiKey: 'k-1234', timeoutMs: 5000 });
  });
  suiteTeardown(async () => { provider.close?.(); await server.close(); });
  const providerFor = async (endpoint: string): Promise<ModelProvider> => {
    if (endpoint === 'loop') return provider;
    throw new ProviderError('auth', `endpoint '${endpoint}' has no key`);
  };

  test('every candidate streams its reply at once; answers are parsed, figures and cost kept; a failing candidate does not stop the others', async () => {
    const pieces: Record<string, string[]> = {};
    const done: string[] = [];
    const results = await runQuickCheck({ project: project(), prompt, values: { context: 'Refunds take five days.', question: 'How long?' }, candidateIds: ['a', 'b', 'gone'] },
      providerFor, { text: (id, t) => (pieces[id] ??= []).push(t), done: (r) => done.push(r.candidateId) });
    assert.deepEqual(results.map((r) => r.candidateId), ['a', 'b', 'gone']);
    assert.deepEqual(done.sort(), ['a', 'b', 'gone']);
    const [a, b, gone] = results;
    assert.equal(pieces.a!.join(''), a!.text);
    assert.ok(pieces.a!.length >= 3, 'in pieces');
    assert.equal(a!.answer, 'Five days.');
    assert.equal(b!.idk, true);
    assert.equal(a!.outputTokens, 9);
    assert.equal(a!.cost, (a!.inputTokens! * 1 + 9 * 2) / 1e6);
    assert.equal(b!.cost, undefined, 'no price, no cost');
    assert.ok(a!.firstTokenMs! < a!.latencyMs!);
    assert.match(gone!.error!, /no key/);
    const sent = server.stats.bodies.filter((x) => x.stream === true);
    assert.equal(sent.length, 2);
    const toB = sent.find((x) => x.model === 'model-b')!;
    assert.equal(toB.temperature, 0.5, 'candidate parameters win over the prompt\'s');
    assert.equal(toB.max_tokens, 50);
    assert.deepEqual((toB.messages as { content: string }[])[1]!.content, 'Article: Refunds take five days.\nQuestion: How long?');
    const record = quickCheckRecord({ prompt, values: { context: 'c', question: 'q' }, candidateIds: ['a'], projectPath: '/w/prompt-adapt.yml', promptPath: prompt.path }, results, new Date(0));
    assert.equal(record.at, '1970-01-01T00:00:00.000Z');
  });

  test('an empty variable or an unknown candidate refuses before anything is sent', async () => {
    const before = server.stats.requests;
    await assert.rejects(runQuickCheck({ project: project(), prompt, values: { context: 'x', question: '' }, candidateIds: ['a'] }, providerFor), /No value for \{\{question\}\}/);
    await assert.rejects(runQuickCheck({ project: project(), prompt, values: { context: 'x', question: 'y' }, candidateIds: ['zz'] }, providerFor), /No candidate 'zz'.*a, b, gone/);
    await assert.rejects(runQuickCheck({ project: project(), prompt, values: { context: 'x', question: 'y' }, candidateIds: [] }, providerFor), /at least one candidate/);
    assert.equal(server.stats.requests, before);
    assert.deepEqual(promptVariables(prompt), ['context', 'question']);
  });

  test('stopping ends every stream and says so', async () => {
    // Held after the first piece (never released): only the stop can end the streams, however slow the machine.
    server.setBehavior({ streamPieces: 20, streamGapMs: 100, streamHoldAfterFirst: true });
    const abort = new AbortController();
    const results = await runQuickCheck({ project: project(), prompt, values: { context: 'x', question: 'y' }, candidateIds: ['a', 'b'] },
      providerFor, { text: () => abort.abort() }, abort.signal);
    assert.deepEqual(results.map((r) => r.error), ['stopped', 'stopped']);
  });

  test('the host accepts only well-formed messages from the view', () => {
    assert.deepEqual(parseQuickCheckMessage({ type: 'run', values: { q: 'x' }, candidateIds: ['a'], row: { testSetId: 's', id: '1' } }),
      { type: 'run', values: { q: 'x' }, candidateIds: ['a'], row: { testSetId: 's', id: '1' } });
    for (const bad of [null, 'run', { type: 'run', values: { q: 1 }, candidateIds: ['a'] }, { type: 'run', values: {}, candidateIds: [] },
      { type: 'run', values: {}, candidateIds: ['a'], row: { testSetId: 1 } }, { type: 'eval' }, { type: 'run', values: [], candidateIds: ['a'] }]) {
      assert.equal(parseQuickCheckMessage(bad), undefined, JSON.stringify(bad));
    }
    assert.deepEqual(parseQuickCheckMessage({ type: 'save', extra: 1 }), { type: 'save' });
  });
});
