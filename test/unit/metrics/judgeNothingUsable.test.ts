// A judge that produced nothing usable (issue 16 §6): every reply unreadable gave "63 outputs, 0 verdicts" with exit 0,
// and compare then said "judge both runs first" although both runs were judged. Now `judge` says what happened and
// exits 1, and compare gives the real reason.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { captureConsole } from '../helpers/console';

suite('a judge that produced nothing usable (issue 16 §6)', function () {
  this.timeout(60_000);
  let server: MockServer;
  let dir: string;
  const project = (): string => path.join(dir, 'prompt-adapt.yml');

  suiteSetup(async () => {
    server = await startMockServer('openai', { answers: { 'judge-m': 'Well, it depends on how you look at it.' } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-judge-none-'));
    fs.writeFileSync(path.join(dir, 'qa.prompt.yml'), 'messages:\n  - role: user\n    content: "{{question}}"\n');
    fs.writeFileSync(path.join(dir, 't.jsonl'), Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: `q${i}`, question: `question ${i}`, context: `context ${i}` })).join('\n') + '\n');
    fs.writeFileSync(project(), [
      'baseline: { prompt: qa.prompt.yml, candidate: base }',
      'candidates:', '  - { id: base, endpoint: loop, model: mb }', '  - { id: cand, endpoint: loop, model: mc }',
      'testSets:', '  - { id: t, path: t.jsonl, fields: { id: id, question: question, context: context } }',
      'metrics:', '  - { id: ctx, kind: judge, rubric: context, judge: { endpoint: loop, model: judge-m } }', ''].join('\n'));
    fs.writeFileSync(path.join(dir, 'endpoints.json'), JSON.stringify({ loop: { kind: 'openai', baseURL: server.url } }));
    process.env.PROMPT_ADAPT_CONFIG = path.join(dir, 'endpoints.json');
    const run = await captureConsole(() => main(['run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't']));
    assert.equal(run.value, 0, run.err);
  });
  suiteTeardown(async () => { delete process.env.PROMPT_ADAPT_CONFIG; await server.close(); });

  const runId = (): string => fs.readdirSync(path.join(dir, '.prompt-adapt', 'runs'))[0]!;

  test('a judge whose every request fails says so (first: failed requests are not cached)', async () => {
    server.setBehavior({ faults: [{ model: 'judge-m', fault: { kind: 'status', status: 400, message: 'request exceeds the available context size' } }] });
    try {
      const j = await captureConsole(() => main(['judge', '--project', project(), '--run', runId()]));
      assert.equal(j.value, 1);
      assert.match(j.err, /ctx: 12 outputs, 0 verdicts: every judge request failed \(HTTP 400: request exceeds the available context size\)/);
    } finally { server.setBehavior({ answers: { 'judge-m': 'Well, it depends on how you look at it.' } }); }
  });

  test('judge says "12 outputs, 0 verdicts: the judge\'s replies could not be read — see …" and exits 1, with --json too', async () => {
    // A fresh judge: the refused requests above are final errors of the judge's own run, which a resume keeps.
    fs.rmSync(path.join(dir, '.prompt-adapt', 'runs', runId(), 'judges'), { recursive: true });
    const j = await captureConsole(() => main(['judge', '--project', project(), '--run', runId()]));
    assert.equal(j.value, 1, j.out + j.err);
    assert.match(j.err, new RegExp(`error: ctx: 12 outputs, 0 verdicts: the judge's replies could not be read \\(no verdict in the expected format\\) — see \\S*runs/${runId()}/verdicts\\.jsonl`));
    // Judging again keeps those "no verdict" records: still nothing usable, still exit 1.
    const again = await captureConsole(() => main(['judge', '--project', project(), '--run', runId(), '--json']));
    assert.equal(again.value, 1);
    assert.match(again.err, /ctx: 12 outputs, 0 verdicts/);
  });

  test('compare does not say "judge both runs first" when both were judged: it gives the real reason', async () => {
    const c = await captureConsole(() => main(['compare', '--project', project(), '--draws', '1000']));
    assert.doesNotMatch(c.out, /judge both runs first/);
    assert.doesNotMatch(c.out, /judge that run first/);
    assert.match(c.out, /No ctx verdict on any answered output of (base|cand) on qa\.prompt\.yml: that run was judged, but 6 of its outputs got no verdict \(mostly "no verdict: unparseable judge reply"\); prompt-adapt judge says what happened/);
  });
});
