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
});
