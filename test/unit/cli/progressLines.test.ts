// Progress when the output is a log, not a terminal (issue 16 §6): `run` and `judge` spawned with pipes against a
// slow loopback server print a plain progress line every few seconds (counts, rate, ETA), without control codes.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { cliWithPipes, judgedProject } from '../helpers/cliProcess';

suite('progress lines when not on a terminal (issue 16 §6)', function () {
  this.timeout(90_000);
  let server: MockServer;
  suiteSetup(async () => { server = await startMockServer('openai', { latencyMs: 250, answers: { 'judge-m': '<verdict>correct</verdict>' } }); });
  suiteTeardown(async () => { await server.close(); });

  test('run and judge print a plain line with counts, rate and ETA every few seconds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-progress-'));
    judgedProject(dir, server.url, 24);
    const env = { PROMPT_ADAPT_CONFIG: path.join(dir, 'endpoints.json'), PROMPT_ADAPT_KEY_LOOP: 'k' };
    const run = await cliWithPipes(['run', '--project', 'prompt-adapt.yml', '--prompt', 'qa.prompt.yml', '--test-set', 't', '--concurrency', '2'], dir, env);
    assert.equal(run.code, 0, run.err);
    const runLines = run.err.split('\n').filter((l) => /^run \S+: \d+\/24 \(\d+%\)/.test(l));
    assert.ok(runLines.length >= 2, `a line every second over a run of about 3 s:\n${run.err}`);
    assert.ok(runLines.some((l) => /, \d+\.\d\/s, ETA \d+s, \d+ in flight$/.test(l)), runLines.join('\n'));
    assert.match(runLines.at(-1)!, /24\/24 \(100%\)/, 'the last line says it is done');
    const runId = /^run (\S+):/.exec(runLines[0]!)![1]!;
    const judge = await cliWithPipes(['judge', '--project', 'prompt-adapt.yml', '--run', runId, '--concurrency', '2'], dir, env);
    assert.equal(judge.code, 0, judge.err);
    const judgeLines = judge.err.split('\n').filter((l) => /^judge ctx: \d+\/24 \(\d+%\), .*\/s/.test(l));
    assert.ok(judgeLines.length >= 2, judge.err);
    for (const text of [run.err, run.out, judge.err, judge.out]) assert.ok(!text.includes('\r') && !text.includes('\u001b'), 'no carriage returns or escape sequences in a log');
  });

  test('on a resume, the rate and ETA count only the requests of this process, not the rows already stored', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-progress-resume-'));
    judgedProject(dir, server.url, 40);
    const env = { PROMPT_ADAPT_CONFIG: path.join(dir, 'endpoints.json'), PROMPT_ADAPT_KEY_LOOP: 'k' };
    const args = ['run', '--project', 'prompt-adapt.yml', '--prompt', 'qa.prompt.yml', '--test-set', 't', '--concurrency', '2'];
    // A refused key on question 20 stops the endpoint: the first session stores about half the rows.
    server.setBehavior({ latencyMs: 250, answers: { 'judge-m': '<verdict>correct</verdict>' }, faults: [{ contentIncludes: 'question 20', times: 1, fault: { kind: 'status', status: 401 } }] });
    const first = await cliWithPipes(args, dir, env);
    assert.notEqual(first.code, 0, first.err);
    server.setBehavior({ latencyMs: 250, answers: { 'judge-m': '<verdict>correct</verdict>' } });
    const again = await cliWithPipes(args, dir, env);
    assert.equal(again.code, 0, again.err);
    const lines = again.err.split('\n').filter((l) => /^run \S+: \d+\/40 /.test(l));
    assert.ok(lines.length >= 2, again.err);
    assert.ok(Number(/^run \S+: (\d+)\//.exec(lines[0]!)![1]) >= 20, `the first line counts the resumed rows as done: ${lines[0]}`);
    // Two requests at a time, 250 ms each: no more than 8 answers a second can come from this process.
    const rates = lines.map((l) => Number(/, (\d+\.\d)\/s/.exec(l)![1]));
    assert.ok(rates.some((x) => x > 0), lines.join('\n'));
    for (const [i, l] of lines.entries()) {
      assert.ok(rates[i]! <= 8.5, `rate of this session's requests only: ${l}`);
      const eta = /ETA (\d+)s/.exec(l);
      if (eta && !/40\/40/.test(l)) assert.ok(Number(eta[1]) >= 1, `the rows left take time at that rate: ${l}`);
    }
  });
});
