// Replies that are not answers (issue 16 §6): `content: null`, an empty reply the token limit ended, and usage a
// server cannot have meant (negative, 1e301, missing). Through the CLI against the loopback server: the rows are
// errors of their own kind (counted in the comparison), impossible usage is dropped with a warning, and a reply
// without usage has an unknown cost, never $0.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { ProviderError } from '../../../src/core/providers/provider';
import { createProvider } from '../../../src/core/providers/registry';
import type { EndpointsConfig } from '../../../src/core/providers/endpoints';
import type { PlanCandidate } from '../../../src/core/runner/plan';
import { runPlan } from '../../../src/core/runner/runner';
import type { ResponseRecord } from '../../../src/core/store/records';
import { readResponses } from '../../../src/core/store/runs';
import { Store } from '../../../src/core/store/store';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { captureConsole } from '../helpers/console';
import { examples, makePlan, providers, tempRoot } from '../runner/helpers';

suite('replies that are not answers (issue 16 §6)', function () {
  this.timeout(60_000);
  let server: MockServer;
  let dir: string;

  suiteSetup(async () => { server = await startMockServer('openai'); });
  suiteTeardown(async () => { delete process.env.PROMPT_ADAPT_CONFIG; await server.close(); });

  setup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-replies-'));
    fs.writeFileSync(path.join(dir, 'qa.prompt.yml'), 'messages:\n  - role: user\n    content: "{{question}}"\n');
    fs.writeFileSync(path.join(dir, 't.jsonl'), ['null-content', 'empty-at-limit', 'absurd-usage', 'no-usage', 'fine-1', 'fine-2']
      .map((q) => JSON.stringify({ id: q, question: `about ${q}`, answer: `answer about ${q}` })).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'prompt-adapt.yml'), [
      'baseline: { prompt: qa.prompt.yml, candidate: base }',
      'candidates:',
      '  - { id: base, endpoint: loop, model: mb, price: { inputPerMTok: 1, outputPerMTok: 2 } }',
      '  - { id: cand, endpoint: loop, model: mc, price: { inputPerMTok: 1, outputPerMTok: 2 } }',
      'testSets:', '  - { id: t, path: t.jsonl, fields: { id: id, question: question, groundTruth: answer } }',
      'metrics:', '  - { id: f1, kind: token-f1, threshold: 0.5 }', ''].join('\n'));
    fs.writeFileSync(path.join(dir, 'endpoints.json'), JSON.stringify({ loop: { kind: 'openai', baseURL: server.url } }));
    process.env.PROMPT_ADAPT_CONFIG = path.join(dir, 'endpoints.json');
    server.resetStats();
    server.setBehavior({ faults: [
      { contentIncludes: 'null-content', fault: { kind: 'reply', content: null } },
      { contentIncludes: 'empty-at-limit', fault: { kind: 'reply', content: '', finishReason: 'length', usage: { completion_tokens: 300 } } },
      { contentIncludes: 'absurd-usage', fault: { kind: 'reply', usage: { prompt_tokens: -5, completion_tokens: 1e301 } } },
      { contentIncludes: 'no-usage', fault: { kind: 'reply', usage: null } },
    ] });
  });

  const project = (): string => path.join(dir, 'prompt-adapt.yml');
  const rows = (): ResponseRecord[] => {
    const runs = path.join(dir, '.prompt-adapt', 'runs');
    const [id] = fs.readdirSync(runs);
    return fs.readFileSync(path.join(runs, id!, 'responses.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ResponseRecord);
  };
  const byExample = (id: string): ResponseRecord[] => rows().filter((r) => r.exampleId === id);

  test('content: null and an empty reply at the token limit are error rows of their own kind, not empty answers; a resume does not ask again', async () => {
    const r = await captureConsole(() => main(['run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't']));
    assert.equal(r.value, 1, 'four pairs have no answer');
    for (const row of byExample('null-content')) {
      assert.equal(row.output, undefined);
      assert.equal(row.error?.kind, 'empty-output');
      assert.match(row.error!.message, /the reply holds no answer \(content: null, finish reason 'stop'\)/);
    }
    for (const row of byExample('empty-at-limit')) {
      assert.equal(row.output, undefined);
      assert.equal(row.error?.kind, 'truncated');
      assert.match(row.error!.message, /cut at the token limit before any answer text \(finish reason 'length'.*raise maxTokens/);
      assert.equal(row.outputTokens, 300, 'the tokens the truncated reply spent are kept');
      assert.ok(row.cost! > 0);
    }
    assert.match(r.out, /4 errors/);
    const requests = server.stats.requests;
    const again = await captureConsole(() => main(['run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't']));
    assert.equal(server.stats.requests, requests, `a final error is not asked again on resume: ${again.err}`);
  });

  test('impossible usage is dropped with a warning; missing usage is an unknown cost, never $0', async () => {
    const r = await captureConsole(() => main(['run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't']));
    for (const row of [...byExample('absurd-usage'), ...byExample('no-usage')]) {
      assert.equal(typeof row.output, 'string');
      assert.equal(row.inputTokens, undefined);
      assert.equal(row.outputTokens, undefined);
      assert.equal(row.cost, undefined, `${row.exampleId}/${row.candidateId}: no cost rather than $0 or $1e295`);
    }
    for (const row of byExample('fine-1')) assert.ok(row.cost! > 0 && row.cost! < 1e-3);
    assert.match(r.err, /warning: loop\/base: the server reported impossible usage \(input tokens -5, output tokens 1e\+301\); it was dropped/);
    assert.match(r.out, /\$0\.\d{4} \+ 4 rows of unknown cost/);
    assert.doesNotMatch(r.out, /e\+29\d/);
  });

  test('compare counts the rows without an answer by kind and says which outputs have an unknown cost', async () => {
    await captureConsole(() => main(['run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't']));
    await captureConsole(() => main(['judge', '--project', project(), '--run', fs.readdirSync(path.join(dir, '.prompt-adapt', 'runs'))[0]!]));
    const c = await captureConsole(() => main(['compare', '--project', project(), '--draws', '2000']));
    assert.match(c.out, /n = 4; 4 rows without a usable output \(base: 1 empty reply, 1 cut at the token limit before any answer; cand: 1 empty reply, 1 cut at the token limit before any answer\) are counted as errors/);
    assert.match(c.out, /Outputs of unknown cost \(the server reported no usable token counts\): base 2 of 4, cand 2 of 4/);
    const json = await captureConsole(() => main(['report', '--project', project(), '--draws', '2000', '--format', 'json']));
    const rowsOut = JSON.parse(json.out).testSets[0].rows as { candidateId: string; errors: number; costPer1k: number }[];
    for (const row of rowsOut) {
      assert.equal(row.errors, 2);
      // Two outputs of known cost, each (≈ 4 input + 6 output tokens at $1/$2 per MTok): never averaged with $0 rows.
      assert.ok(row.costPer1k > 0.01 && row.costPer1k < 0.05, `${row.candidateId}: ${row.costPer1k}`);
    }
  });

  test('content: null keeps the tokens it was billed: the row has its usage and cost, and the run counts them', async () => {
    server.setBehavior({ faults: [{ contentIncludes: 'null-content', fault: { kind: 'reply', content: null, usage: { prompt_tokens: 12, completion_tokens: 40 } } }] });
    const r = await captureConsole(() => main(['run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't']));
    assert.equal(r.value, 1, 'two pairs have no answer');
    for (const row of byExample('null-content')) {
      assert.equal(row.error?.kind, 'empty-output');
      assert.equal(row.inputTokens, 12);
      assert.equal(row.outputTokens, 40, 'the tokens of a reply without content were billed');
      assert.equal(row.cost, (12 * 1 + 40 * 2) / 1e6);
    }
    const runs = path.join(dir, '.prompt-adapt', 'runs');
    const manifest = JSON.parse(fs.readFileSync(path.join(runs, fs.readdirSync(runs)[0]!, 'manifest.json'), 'utf8')) as { outputTokens: number; cost: number };
    const answered = rows().filter((x) => !x.error);
    assert.equal(manifest.outputTokens, 80 + answered.reduce((s, x) => s + x.outputTokens!, 0), 'the run total includes the null replies\' tokens');
    assert.ok(Math.abs(manifest.cost - rows().reduce((s, x) => s + (x.cost ?? 0), 0)) < 1e-12);
  });

  test('a reply with text cut at the token limit is a truncated row that keeps its text: not judged, counted in compare and in the decision', async () => {
    server.setBehavior({ faults: [{ contentIncludes: 'fine-1', model: 'mc', fault: { kind: 'reply', content: 'The answer is forty', finishReason: 'length', usage: { completion_tokens: 300 } } }] });
    const r = await captureConsole(() => main(['run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't']));
    assert.equal(r.value, 1, 'a cut reply is not a complete answer');
    assert.match(r.err, /loop\/cand: the reply was cut at the token limit \(finish reason 'length', 300 output tokens\): its text is kept but it is not a whole answer/);
    const [cut] = rows().filter((x) => x.exampleId === 'fine-1' && x.candidateId === 'cand');
    assert.equal(cut!.error?.kind, 'truncated');
    assert.equal(cut!.output, 'The answer is forty', 'its text stays on the row');
    assert.ok(cut!.outputHash && cut!.outputTokens === 300 && cut!.cost! > 0);
    assert.equal(byExample('fine-1').find((x) => x.candidateId === 'base')!.error, undefined, 'the other candidate answered in full');
    const runId = fs.readdirSync(path.join(dir, '.prompt-adapt', 'runs'))[0]!;
    const judged = await captureConsole(() => main(['judge', '--project', project(), '--run', runId]));
    assert.equal(judged.value, 0, judged.err);
    const verdicts = fs.readFileSync(path.join(dir, '.prompt-adapt', 'runs', runId, 'verdicts.jsonl'), 'utf8').split('\n').filter(Boolean)
      .map((l) => JSON.parse(l) as { exampleId: string; candidateId: string });
    assert.equal(verdicts.length, 11, 'every whole answer is judged');
    assert.ok(!verdicts.some((v) => v.exampleId === 'fine-1' && v.candidateId === 'cand'), 'the cut answer is not judged');
    const c = await captureConsole(() => main(['compare', '--project', project(), '--draws', '2000']));
    assert.match(c.out, /cand: 1 answer cut at the token limit and not judged\)/);
    assert.match(c.out, /16\.7% schema failures \(1 of them a reply cut at the token limit or empty\) > 2\.0%/, c.out);
    const json = await captureConsole(() => main(['report', '--project', project(), '--draws', '2000', '--format', 'json']));
    const report = JSON.parse(json.out) as { testSets: { rows: { candidateId: string; errors: number; errorKinds?: Record<string, number>; unusableOutputs?: number; schemaFailureRate: number }[] }[];
      decisions?: unknown };
    const cand = report.testSets[0]!.rows.find((x) => x.candidateId === 'cand')!;
    assert.deepEqual(cand.errorKinds, { 'truncated-answer': 1 });
    assert.equal(cand.unusableOutputs, 1);
    assert.equal(cand.schemaFailureRate, 1 / 6, 'five whole answers and one cut');
    assert.equal(report.testSets[0]!.rows.find((x) => x.candidateId === 'base')!.errors, 0);
  });

  test('Bedrock: a reply without a text block is an empty output, or truncated when the stop reason is max_tokens', async () => {
    const bed = await startMockServer('bedrock');
    const provider = await createProvider('aws', { kind: 'bedrock', region: 'us-east-1', baseURL: bed.url },
      { secrets: { getKey: async () => undefined }, awsCredentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
    const ask = (content: string) => provider.complete({ model: 'm', messages: [{ role: 'user', content }] }, new AbortController().signal);
    try {
      bed.setBehavior({ faults: [
        { contentIncludes: 'none', fault: { kind: 'reply', content: null } },
        { contentIncludes: 'cut', fault: { kind: 'reply', content: null, finishReason: 'max_tokens' } },
      ] });
      const kindOf = (p: Promise<unknown>) => p.then(() => 'answer', (e: unknown) => (e instanceof ProviderError ? e.kind : String(e)));
      assert.equal(await kindOf(ask('none')), 'empty-output');
      assert.equal(await kindOf(ask('cut')), 'truncated');
      assert.equal((await ask('fine')).text, 'answer:m:fine');
    } finally { provider.close?.(); await bed.close(); }
  });

  test('Bedrock through the runner: no text block keeps its tokens; text cut at max_tokens is a truncated row with its text', async () => {
    const bed = await startMockServer('bedrock');
    const endpoints: EndpointsConfig = { aws: { kind: 'bedrock', region: 'us-east-1', baseURL: bed.url } };
    const nova: PlanCandidate = { id: 'nova', endpoint: 'aws', model: 'us.amazon.nova-lite-v1:0', price: { inputPerMTok: 1, outputPerMTok: 2 } };
    try {
      bed.setBehavior({ faults: [
        { contentIncludes: 'q0', fault: { kind: 'reply', content: null, usage: { inputTokens: 9, outputTokens: 4 } } },
        { contentIncludes: 'q1', fault: { kind: 'reply', content: 'Half an ans', finishReason: 'max_tokens', usage: { outputTokens: 64 } } },
      ] });
      const root = tempRoot();
      const r = await runPlan(makePlan(examples(3), [nova]), { store: Store.openAt(root), endpoints, getProvider: providers(endpoints), retry: { baseDelayMs: 20, maxDelayMs: 100 } });
      const byId = new Map((await readResponses(root, r.runId)).map((x) => [x.exampleId, x]));
      assert.deepEqual([byId.get('e0')!.error?.kind, byId.get('e0')!.inputTokens, byId.get('e0')!.outputTokens, byId.get('e0')!.cost], ['empty-output', 9, 4, (9 + 8) / 1e6]);
      assert.deepEqual([byId.get('e1')!.error?.kind, byId.get('e1')!.output, byId.get('e1')!.finishReason, byId.get('e1')!.outputTokens], ['truncated', 'Half an ans', 'max_tokens', 64]);
      assert.equal(byId.get('e2')!.error, undefined);
      assert.deepEqual([r.counts.errors, r.counts.requested], [2, 1]);
    } finally { await bed.close(); }
  });
});
