import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { judgeRun } from '../../../src/core/metrics/evaluate';
import { type JudgeBackend, type JudgeReply, type JudgeRequest, runJudge } from '../../../src/core/metrics/judge';
import { contextJudgeMessages, contradictionJudgeMessages } from '../../../src/core/metrics/judgePrompts';
import { parseContradictionReply, parseVerdictReply } from '../../../src/core/metrics/judgeReply';
import type { MetricInput, MetricResult } from '../../../src/core/metrics/types';
import { readVerdicts, verdictsPath } from '../../../src/core/store/verdicts';
import { Store } from '../../../src/core/store/store';
import type { MetricSpec } from '../../../src/core/project/types';
import type { ResponseRecord } from '../../../src/core/store/records';

/** A backend that answers from a function and records every request. */
function fakeBackend(answer: (req: JudgeRequest, n: number) => string | { error: string }): JudgeBackend & { requests: JudgeRequest[] } {
  const requests: JudgeRequest[] = [];
  return {
    requests,
    async complete(reqs, onReply) {
      for (const r of reqs) {
        requests.push(r);
        const a = answer(r, requests.filter((x) => x.key.startsWith(r.key.split('\u0000retry')[0]!)).length);
        onReply(typeof a === 'string' ? { key: r.key, text: a, cost: 0.001 } : { key: r.key, error: a.error } as JudgeReply);
      }
    },
  };
}

const input = (exampleId: string, answer: string, extra: Partial<MetricInput> = {}): MetricInput =>
  ({ exampleId, candidateId: 'm', question: 'Q?', context: 'C.', groundTruths: ['A is true.', 'B is false.'], parsed: { answer, idk: false, schemaValid: true }, ...extra });

async function judge(spec: MetricSpec & { kind: 'judge' }, inputs: MetricInput[], backend: JudgeBackend): Promise<MetricResult[]> {
  const out: MetricResult[] = [];
  await runJudge(spec, inputs, backend, (i, r) => { out[i] = r; });
  return out;
}

const ctx = { id: 'ctx', kind: 'judge', rubric: 'context', judge: { endpoint: 'e', model: 'j' } } as const;
const con = { id: 'con', kind: 'judge', rubric: 'contradiction', judge: { endpoint: 'e', model: 'j' } } as const;

suite('metrics/judge replies', () => {
  test('verdict tag: last wins, tolerant of case and punctuation', () => {
    assert.deepEqual(parseVerdictReply('The answer omits X.\n<verdict>Incorrect.</verdict>'), { verdict: 0, reasoning: 'The answer omits X.' });
    assert.equal(parseVerdictReply('Format is <verdict>correct</verdict> or <verdict>incorrect</verdict>. Fine.\n<VERDICT> correct </VERDICT>')!.verdict, 1);
    assert.equal(parseVerdictReply('I think it is correct.'), undefined);
    assert.equal(parseVerdictReply('<verdict>maybe</verdict>'), undefined);
    assert.equal(parseVerdictReply(''), undefined);
  });
  test('contradiction ids', () => {
    assert.deepEqual(parseContradictionReply('2 conflicts.\n<contradicted>2, #1 2</contradicted>', 3), { verdict: 0, reasoning: '2 conflicts.', score: 1 - 2 / 3, contradicted: [1, 2] });
    assert.equal(parseContradictionReply('ok <contradicted></contradicted>', 2)!.verdict, 1);
    assert.equal(parseContradictionReply('ok <contradicted/>', 2)!.verdict, 1);
    assert.equal(parseContradictionReply('<contradicted>none</contradicted>', 2)!.verdict, 1);
    assert.equal(parseContradictionReply('<contradicted>7</contradicted>', 2), undefined);
    assert.equal(parseContradictionReply('<contradicted>two</contradicted>', 2), undefined);
    assert.equal(parseContradictionReply('nothing', 2), undefined);
  });
  test('prompts carry the inputs and ask for the tag', () => {
    const m = contextJudgeMessages({ question: 'Q?', context: 'CTX', answer: 'ANS', groundTruths: ['GT'] });
    assert.match(m[0]!.content, /<verdict>correct<\/verdict>/);
    assert.match(m[1]!.content, /<context>\nCTX\n<\/context>[\s\S]*ANS[\s\S]*<reference_answer>\nGT/);
    const c = contradictionJudgeMessages({ question: 'Q?', answer: 'ANS', groundTruths: ['one', 'two'] });
    assert.match(c[1]!.content, /<statement id="1">one<\/statement>\n<statement id="2">two<\/statement>/);
  });
});

suite('metrics/runJudge', () => {
  test('readable replies give verdicts with reasoning, model and cost', async () => {
    const b = fakeBackend(() => 'Looks right.\n<verdict>correct</verdict>');
    const [r] = await judge(ctx, [input('1', 'A')], b);
    assert.deepEqual(r, { verdict: 1, reasoning: 'Looks right.', judgeModel: 'e:j', cost: 0.001 });
  });
  test('unparseable reply is retried once, with a different request', async () => {
    const b = fakeBackend((_r, n) => (n === 1 ? 'hmm' : 'ok <verdict>incorrect</verdict>'));
    const [r] = await judge(ctx, [input('1', 'A')], b);
    assert.equal(b.requests.length, 2);
    assert.equal(b.requests[1]!.messages.length, 4);
    assert.equal(b.requests[1]!.messages[2]!.content, 'hmm');
    assert.equal(r!.verdict, 0);
    assert.equal(r!.cost, 0.002);
  });
  test('unparseable twice is null "no verdict", never 0', async () => {
    const b = fakeBackend(() => 'I refuse to use tags.');
    const [r] = await judge(con, [input('1', 'A')], b);
    assert.equal(b.requests.length, 2);
    assert.equal(r!.verdict, null);
    assert.match(r!.reason!, /^no verdict: unparseable/);
  });
  test('backend errors are null (not retried here: the runner retries)', async () => {
    const b = fakeBackend(() => ({ error: 'HTTP 500' }));
    const [r] = await judge(ctx, [input('1', 'A')], b);
    assert.equal(b.requests.length, 1);
    assert.equal(r!.verdict, null);
    assert.match(r!.reason!, /judge error: HTTP 500/);
  });
  test('IDK and empty answers are 0 without a call; contradiction without ground truth is null', async () => {
    const b = fakeBackend(() => '<verdict>correct</verdict>');
    const rs = await judge(con, [input('1', '', { parsed: { answer: '', idk: true, schemaValid: true } }), input('2', ''), input('3', 'x', { groundTruths: [] })], b);
    assert.equal(b.requests.length, 0);
    assert.deepEqual(rs.map((r) => [r.verdict, r.reason]), [[0, 'idk'], [0, 'empty answer'], [null, 'no ground truth']]);
  });
  test('majority of several judges; split is null', async () => {
    const three = { ...ctx, judge: [{ endpoint: 'e', model: 'a' }, { endpoint: 'e', model: 'b' }, { endpoint: 'e', model: 'c' }] };
    const b = fakeBackend((r) => (r.judge.model === 'c' ? '<verdict>incorrect</verdict>' : '<verdict>correct</verdict>'));
    const [r] = await judge(three, [input('1', 'A')], b);
    assert.equal(r!.verdict, 1);
    assert.equal(r!.judgeModel, 'e:a,e:b,e:c');
    assert.equal(r!.reason, 'majority 2/3');
    const two = { ...ctx, judge: [{ endpoint: 'e', model: 'a' }, { endpoint: 'e', model: 'c' }] };
    const [s] = await judge(two, [input('1', 'A')], fakeBackend((q) => (q.judge.model === 'c' ? '<verdict>incorrect</verdict>' : '<verdict>correct</verdict>')));
    assert.equal(s!.verdict, null);
    assert.match(s!.reason!, /split/);
  });
});

suite('metrics/judgeRun', () => {
  const store = Store.openAt(fs.mkdtempSync(path.join(os.tmpdir(), 'pa-judge-')));
  const dir = store.runDir('r');
  const responses: ResponseRecord[] = [
    { exampleId: '1', candidateId: 'm', model: 'm', requestHash: 'h1', output: '<response><answer>Paris</answer></response>', outputHash: 'o1', at: '' },
    { exampleId: '2', candidateId: 'm', model: 'm', requestHash: 'h2', output: '<response><cannot_answer/></response>', outputHash: 'o2', at: '' },
    { exampleId: '3', candidateId: 'm', model: 'm', requestHash: 'h3', error: { kind: 'transient', message: 'x' }, at: '' },
  ];
  const examples = new Map([['1', { question: 'Capital?', context: 'Paris is the capital.', groundTruths: ['Paris'] }], ['2', { question: 'Q', context: 'C', groundTruths: ['X'] }]]);
  const outputSpec = { format: 'xml', answer: 'response.answer', idk: 'response.cannot_answer' } as const;
  const metrics: MetricSpec[] = [ctx, { id: 'f1', kind: 'token-f1', threshold: 0.5 }];

  test('writes verdicts, counts IDK, skips request errors, resumes without re-judging', async () => {
    const b = fakeBackend(() => 'fine <verdict>correct</verdict>');
    const s1 = await judgeRun({ store, runId: 'r', responses, examples, outputSpec, metrics, backend: b });
    assert.equal(s1.written, 4);
    assert.equal(s1.unjudgeable, 1);
    assert.deepEqual(s1.counts.ctx!.m, { n: 2, correct: 1, incorrect: 1, noVerdict: 0, idk: 1 });
    assert.equal(b.requests.length, 1);
    const stored = readVerdicts(verdictsPath(dir));
    assert.equal(stored.size, 4);
    // A torn last line (crash mid-write) does not break the next append.
    fs.appendFileSync(verdictsPath(dir), '{"exampleId":"1","cand');
    const s2 = await judgeRun({ store, runId: 'r', responses, examples, outputSpec, metrics, backend: b });
    assert.equal(s2.written, 0);
    assert.equal(s2.skipped, 4);
    assert.equal(b.requests.length, 1);
    // A changed output is judged again.
    const changed = [{ ...responses[0]!, output: '<response><answer>Lyon</answer></response>', outputHash: 'o1b' }, responses[1]!];
    const s3 = await judgeRun({ store, runId: 'r', responses: changed, examples, outputSpec, metrics, backend: b });
    assert.equal(s3.written, 2);
    assert.equal(readVerdicts(verdictsPath(dir)).get('f1\u0000m\u00001')!.verdict, 0);
  });
});
