// Two `judge` processes on one run (issue 16 §4): the second refuses with the first named instead of writing a second
// set of verdicts; a lock left by a process that died is taken over.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { cliWithPipes, judgedProject } from '../helpers/cliProcess';

suite('judge lock: one judge per run (issue 16 §4)', function () {
  this.timeout(120_000);
  let server: MockServer;
  let dir: string;
  let runId: string;
  let env: NodeJS.ProcessEnv;
  suiteSetup(async () => {
    server = await startMockServer('openai', { answers: { 'judge-m': '<verdict>correct</verdict>' } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-judgelock-'));
    judgedProject(dir, server.url, 30);
    env = { PROMPT_ADAPT_CONFIG: path.join(dir, 'endpoints.json'), PROMPT_ADAPT_KEY_LOOP: 'k' };
    const run = await cliWithPipes(['run', '--project', 'prompt-adapt.yml', '--prompt', 'qa.prompt.yml', '--test-set', 't'], dir, env);
    assert.equal(run.code, 0, run.err);
    runId = fs.readdirSync(path.join(dir, '.prompt-adapt', 'runs'))[0]!;
  });
  suiteTeardown(async () => { await server.close(); });

  const verdictLines = (): string[] => fs.readFileSync(path.join(dir, '.prompt-adapt', 'runs', runId, 'verdicts.jsonl'), 'utf8').split('\n').filter(Boolean);

  test('a second judge on the same run refuses, naming the first; the first writes one verdict per output', async () => {
    // The server holds the first judge's requests until the second process is done: the first certainly still judges
    // then (it used to be a race between 9 s of judging and the second process's start-up on a loaded machine).
    server.setBehavior({ latencyMs: 300, slots: 0, answers: { 'judge-m': '<verdict>correct</verdict>' } });
    const first = cliWithPipes(['judge', '--project', 'prompt-adapt.yml', '--run', runId, '--concurrency', '1'], dir, env);
    const lock = path.join(dir, '.prompt-adapt', 'runs', runId, 'judge.lock');
    for (const until = Date.now() + 60_000; !fs.existsSync(lock) && Date.now() < until;) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.existsSync(lock), 'the first judge holds the lock while it judges');
    const second = await cliWithPipes(['judge', '--project', 'prompt-adapt.yml', '--run', runId, '--rejudge'], dir, env);
    server.setBehavior({ latencyMs: 300, answers: { 'judge-m': '<verdict>correct</verdict>' } });
    const a = await first;
    assert.equal(a.code, 0, a.err);
    assert.equal(second.code, 1, second.err + second.out);
    assert.match(second.err, new RegExp(`Run ${runId} is being judged by process \\d+ on this machine`));
    assert.equal(verdictLines().length, 30, 'one verdict per output, no second set');
    assert.equal(fs.existsSync(lock), false, 'released when the judge ends');
  });

  test('a lock left by a process that died is taken over', async () => {
    server.setBehavior({ answers: { 'judge-m': '<verdict>correct</verdict>' } });
    const lock = path.join(dir, '.prompt-adapt', 'runs', runId, 'judge.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), since: '2020-01-01T00:00:00Z' }) + '\n');
    const r = await cliWithPipes(['judge', '--project', 'prompt-adapt.yml', '--run', runId, '--rejudge'], dir, env);
    assert.equal(r.code, 0, r.err);
    assert.equal(fs.existsSync(lock), false);
  });
});
