// `prompt-adapt judge` end to end: a stored fixture run, the real project/prompt/test-set loaders, the
// runner, the openai SDK and the loopback server.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/commands/judge';
import { readVerdicts, verdictsPath } from '../../../src/core/store/verdicts';
import type { ResponseRecord } from '../../../src/core/store/records';
import { runDir, writeManifest } from '../../../src/core/store/runs';
import { type MockServer, startMockServer } from '../../servers/mockModelServer';
import { captureConsole } from '../helpers/console';

const quiet = captureConsole;

suite('cli judge (loopback)', () => {
  let server: MockServer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-judge-cli-'));
  const root = path.join(dir, '.prompt-adapt');
  const endpointsFile = path.join(dir, 'endpoints.json');
  const project = path.join(dir, 'prompt-adapt.yml');

  suiteSetup(async () => {
    server = await startMockServer('openai', { answers: { 'good-judge': 'Supported by the context.\n<verdict>correct</verdict>', 'garbled-judge': 'Looks fine to me.' } });
    fs.writeFileSync(endpointsFile, JSON.stringify({ local: { kind: 'openai', baseURL: server.url } }));
    process.env.PROMPT_ADAPT_KEY_LOCAL = 'test-key';
    fs.mkdirSync(path.join(dir, 'prompts'));
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'prompts', 'qa.prompt.yml'), [
      'name: QA', 'model: openai/gpt-4o-mini', 'messages:', '  - role: user', '    content: "{{context}} {{question}}"',
      'adapt:', '  output: { format: xml, answer: response.answer, idk: response.cannot_answer }', ''].join('\n'));
    fs.writeFileSync(path.join(dir, 'data', 't.jsonl'), [
      { id: 'q1', context: 'Paris is the capital of France.', question: 'Capital of France?', answer: 'Paris' },
      { id: 'q2', context: 'Bern is the Swiss capital.', question: 'Capital of Switzerland?', answer: 'Bern' },
    ].map((o) => JSON.stringify(o)).join('\n') + '\n');
    fs.writeFileSync(project, [
      'baseline: { prompt: prompts/qa.prompt.yml, candidate: cand }',
      'candidates:', '  - { id: cand, endpoint: local, model: m }',
      'testSets:', '  - { id: t, path: data/t.jsonl, fields: { id: id, context: context, question: question, groundTruth: answer } }',
      'metrics:',
      '  - { id: ctx, kind: judge, rubric: context, judge: { endpoint: local, model: good-judge } }',
      '  - { id: garbled, kind: judge, rubric: context, judge: { endpoint: local, model: garbled-judge } }',
      '  - { id: f1, kind: token-f1, threshold: 0.5 }', ''].join('\n'));
    writeManifest(root, {
      version: 1, runId: 'R1', planKey: 'k', status: 'complete', createdAt: '', updatedAt: '', prompt: { path: 'prompts/qa.prompt.yml' },
      testSet: { id: 't' }, candidates: [{ id: 'cand', endpoint: 'local', model: 'm' }],
      counts: { requested: 2, cached: 0, resumed: 0, errors: 0, skipped: 0 }, inputTokens: 0, outputTokens: 0, cost: 0, issues: [],
    });
    const rows: ResponseRecord[] = [
      { exampleId: 'q1', candidateId: 'cand', model: 'm', requestHash: 'a', output: 'Sure: <response><answer>Paris</answer></response>', outputHash: 'h1', at: '' },
      { exampleId: 'q2', candidateId: 'cand', model: 'm', requestHash: 'b', output: '<response><cannot_answer/></response>', outputHash: 'h2', at: '' },
    ];
    fs.writeFileSync(path.join(runDir(root, 'R1'), 'responses.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  });
  suiteTeardown(async () => { delete process.env.PROMPT_ADAPT_KEY_LOCAL; await server.close(); });

  test('judges a stored run, retries unparseable replies once, and resumes without new requests', async () => {
    server.resetStats();
    const r = await quiet(() => main(['--project', project, '--run', 'R1', '--endpoints', endpointsFile, '--json']));
    assert.equal(r.value, 0, r.err);
    const summary = JSON.parse(r.out);
    assert.deepEqual(summary.counts.ctx.cand, { n: 2, correct: 1, incorrect: 1, noVerdict: 0, idk: 1 });
    assert.deepEqual(summary.counts.garbled.cand, { n: 2, correct: 0, incorrect: 1, noVerdict: 1, idk: 1 });
    assert.deepEqual(summary.counts.f1.cand, { n: 2, correct: 1, incorrect: 1, noVerdict: 0, idk: 1 });
    // q1 only is sent to judges (q2 is IDK): 1 for ctx, 2 (first + retry) for garbled.
    assert.equal(server.stats.completions, 3);
    const v = readVerdicts(verdictsPath(runDir(root, 'R1')));
    assert.equal(v.get('ctx\u0000cand\u0000q1')!.reasoning, 'Supported by the context.');
    assert.equal(v.get('ctx\u0000cand\u0000q1')!.judgeModel, 'local:good-judge');
    assert.match(v.get('garbled\u0000cand\u0000q1')!.reason!, /^no verdict: unparseable/);

    server.resetStats();
    const again = await quiet(() => main(['--project', project, '--run', 'R1', '--endpoints', endpointsFile, '--json']));
    assert.equal(JSON.parse(again.out).written, 0);
    assert.equal(server.stats.completions, 0);

    // Re-judging asks again, but the runner's cache answers: still no new request.
    const re = await quiet(() => main(['--project', project, '--run', 'R1', '--endpoints', endpointsFile, '--metrics', 'ctx', '--rejudge', '--json']));
    assert.equal(JSON.parse(re.out).written, 2);
    assert.equal(server.stats.completions, 0);
  });
  test('unknown metric and run are user errors', async () => {
    await assert.rejects(quiet(() => main(['--project', project, '--run', 'R1', '--metrics', 'nope', '--endpoints', endpointsFile])), /no metric 'nope'/i);
    await assert.rejects(quiet(() => main(['--project', project, '--run', 'R2', '--endpoints', endpointsFile])), /no run 'R2'/i);
  });
});
