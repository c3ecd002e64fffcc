// Judges against the loopback OpenAI-compatible server, through the real openai SDK client.
import { strict as assert } from 'node:assert';
import { runJudge } from '../../../src/core/metrics/judge';
import { providerJudgeBackend } from '../../../src/core/metrics/providerBackend';
import type { MetricInput, MetricResult } from '../../../src/core/metrics/types';
import { createOpenAIProvider } from '../../../src/core/providers/openai';
import type { ModelProvider } from '../../../src/core/providers/provider';
import { type MockServer, startMockServer } from '../../servers/mockModelServer';

suite('metrics/judges on the loopback OpenAI server', () => {
  let server: MockServer;
  let provider: ModelProvider;
  suiteSetup(async () => {
    server = await startMockServer('openai', {
      answers: {
        'good-judge': 'The answer matches the context.\n<verdict>correct</verdict>',
        'strict-judge': 'It misses a condition.\n<verdict>incorrect</verdict>',
        'garbled-judge': 'I would say it is probably fine!',
        'contra-judge': 'Statement 2 conflicts.\n<contradicted>2</contradicted>',
      },
    });
    provider = await createOpenAIProvider({ baseURL: server.url, apiKey: 'test-key' });
  });
  suiteTeardown(async () => { provider.close?.(); await server.close(); });

  const inputs: MetricInput[] = ['1', '2', '3'].map((id) => ({
    exampleId: id, candidateId: 'cand', question: 'Who can apply?', context: 'Adults resident for 2 years can apply.',
    groundTruths: ['Adults can apply.', 'Residence of 2 years is needed.'], parsed: { answer: 'Anyone can apply.', idk: false, schemaValid: true },
  }));
  const backend = () => providerJudgeBackend(async () => provider, 2);
  const judge = async (rubric: 'context' | 'contradiction', model: string | string[]) => {
    const out: MetricResult[] = [];
    const judgeSpec = Array.isArray(model) ? model.map((m) => ({ endpoint: 'local', model: m })) : { endpoint: 'local', model };
    await runJudge({ id: 'm', kind: 'judge', rubric, judge: judgeSpec }, inputs, backend(), (i, r) => { out[i] = r; });
    return out;
  };

  test('context judge: verdicts and reasoning', async () => {
    server.resetStats();
    const rs = await judge('context', 'good-judge');
    assert.deepEqual(rs.map((r) => r.verdict), [1, 1, 1]);
    assert.equal(rs[0]!.reasoning, 'The answer matches the context.');
    assert.equal(rs[0]!.judgeModel, 'local:good-judge');
    assert.equal(server.stats.completions, 3);
  });
  test('contradiction judge: contradicted ids make it 0', async () => {
    const rs = await judge('contradiction', 'contra-judge');
    assert.deepEqual(rs.map((r) => [r.verdict, r.score]), [[0, 0.5], [0, 0.5], [0, 0.5]]);
  });
  test('unparseable replies: retried once each, then null "no verdict"', async () => {
    server.resetStats();
    const rs = await judge('context', 'garbled-judge');
    assert.equal(server.stats.completions, 6);
    assert.ok(rs.every((r) => r.verdict === null && /^no verdict/.test(r.reason!)));
  });
  test('majority over three judges, one unparseable', async () => {
    const rs = await judge('context', ['good-judge', 'strict-judge', 'garbled-judge']);
    assert.ok(rs.every((r) => r.verdict === null && /split 1:1/.test(r.reason!)));
    const rs2 = await judge('context', ['good-judge', 'good-judge', 'strict-judge']);
    assert.ok(rs2.every((r) => r.verdict === 1));
  });
  test('server errors become "no verdict: judge error"', async () => {
    server.setBehavior({ faults: [{ model: 'broken-judge', fault: { kind: 'status', status: 400, message: 'bad' } }] });
    const rs = await judge('context', 'broken-judge');
    assert.ok(rs.every((r) => r.verdict === null && /judge error/.test(r.reason!)));
  });
});
