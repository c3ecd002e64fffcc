// `prompt-adapt adapt` as a user runs it, in child processes against the simulated server (in this process,
// through the real openai SDK): the estimate and the confirmation come before anything is spent; killed with
// SIGKILL in the middle, the same command resumes without asking again for any completed call and ends with
// the same result as an adaptation that was never interrupted; --adopt writes the candidate row.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { AdaptationRecord } from '../../../src/core/adapt/record';
import { startSimulatedServer, type SimulatedServer } from '../../../scripts/demo/simulatedModelServer';
import { simProject, twoCandidates, type SimProject } from './simProject';

const REPO = path.join(__dirname, '../../..');
const MAIN = path.join(REPO, 'src/cli/main.ts');
const CONCURRENCY = 4;

interface Child { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

suite('adapt CLI: estimate and confirmation, SIGKILL and resume, adopt', function () {
  this.timeout(600_000);
  let server: SimulatedServer;
  suiteSetup(async () => { server = await startSimulatedServer({ latencyScale: 0.05 }); });
  suiteTeardown(() => server.close());

  async function prepared(): Promise<{ sim: SimProject; env: NodeJS.ProcessEnv }> {
    const sim = simProject(server, twoCandidates, CONCURRENCY);
    await sim.runAndJudge(await sim.load(), path.join(sim.dir, 'prompts/support.prompt.yml'));
    fs.writeFileSync(path.join(sim.dir, 'endpoints.json'), JSON.stringify(sim.endpoints));
    return { sim, env: { ...process.env, PROMPT_ADAPT_CONFIG: path.join(sim.dir, 'endpoints.json'), PROMPT_ADAPT_KEY_DEMO: 'sim-key' } };
  }

  /** Runs the CLI without blocking this process (the server answers from it); `killWhen` sends SIGKILL when stdout matches. */
  const cli = (sim: SimProject, env: NodeJS.ProcessEnv, args: string[], killWhen?: RegExp): Promise<Child> => new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'adapt', '--project', sim.file, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); if (killWhen?.test(stdout)) child.kill('SIGKILL'); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.once('exit', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
  const adaptArgs = (sim: SimProject): string[] => ['--prompt', path.join(sim.dir, 'prompts/support.prompt.yml'), '--candidate', 'sim-verbose', '--strategies', 'guide,reflect,style', '--rounds', '2', '--rewriter', 'demo:sim-rewriter', '--json'];
  const total = (): number => Object.values(server.served).reduce((a, b) => a + b, 0);
  const recordOf = (out: string): AdaptationRecord => JSON.parse(out.slice(out.indexOf('\n{') + 1)) as AdaptationRecord;

  test('without a terminal and without --yes: the estimate (calls and a USD range) is printed and nothing is spent', async () => {
    const { sim, env } = await prepared();
    const before = total();
    const r = await cli(sim, env, adaptArgs(sim));
    // The parent was already run on the target (prepared() did), so its share is 0: the cache answers it.
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /adapt: estimate: at most 4 variants: \d+–\d+ model calls \(3–6 rewriter, \d+–\d+ target-candidate of which 0 for the parent, \d+–\d+ judge\), about \$0\.\d{4}–\$0\.\d{4} \(not counting the rewriter and judge calls, which have no price\)/u);
    assert.match(r.stderr, /not confirmed: nothing was spent\. .*pass --yes/u);
    assert.equal(total() - before, 0, 'no model call before the confirmation');
    assert.ok(!fs.existsSync(path.join(sim.dir, 'prompts/support.guide-1.prompt.yml')));
  });

  test('killed with SIGKILL mid-adaptation, the same command resumes: no completed call is made again, and the result is that of an uninterrupted adaptation', async () => {
    // The reference: the same adaptation, never interrupted, in its own copy.
    const ref = await prepared();
    const refStart = total();
    const whole = await cli(ref.sim, ref.env, [...adaptArgs(ref.sim), '--yes']);
    assert.ok(whole.status === 0 || whole.status === 2, whole.stderr);
    const refCalls = total() - refStart;
    const expected = recordOf(whole.stdout);

    const { sim, env } = await prepared();
    const start = total();
    const seenBefore = new Map(server.servedRequests);
    // Killed while the reflect variant's optimisation run is in flight (after two variants were written and measured).
    const killed = await cli(sim, env, [...adaptArgs(sim), '--yes'], /reflect round 1: wrote /u);
    assert.equal(killed.signal, 'SIGKILL', `the adaptation ended before it was killed: ${killed.stdout}`);
    const atKill = new Map(server.servedRequests);
    const resumed = await cli(sim, env, [...adaptArgs(sim), '--yes']);
    assert.ok(resumed.status === 0 || resumed.status === 2, resumed.stderr);
    assert.match(resumed.stdout, /resuming adaptation support-sim-verbose-/u);

    // Requests answered before the kill and asked again after it: at most the ones in flight when it came.
    const again = [...server.servedRequests].filter(([k, n]) => n > (seenBefore.get(k) ?? 0) + 1 || (n > (seenBefore.get(k) ?? 0) && (atKill.get(k) ?? 0) > (seenBefore.get(k) ?? 0) && n > (atKill.get(k) ?? 0)));
    assert.ok(again.length <= CONCURRENCY, `${again.length} requests were paid twice`);
    assert.ok(total() - start <= refCalls + CONCURRENCY, `killed and resumed: ${total() - start} calls; uninterrupted: ${refCalls}`);
    const got = recordOf(resumed.stdout);
    assert.deepEqual(got.variants.map((v) => [v.tag, v.onFront]), expected.variants.map((v) => [v.tag, v.onFront]));
    assert.deepEqual(got.acceptance?.verdicts.map((v) => [v.tag, v.verdict, v.why]), expected.acceptance?.verdicts.map((v) => [v.tag, v.verdict, v.why]));
    assert.deepEqual(got.splits, expected.splits);
    for (const v of got.variants) assert.equal(fs.readFileSync(path.join(sim.dir, v.file), 'utf8'), fs.readFileSync(path.join(ref.sim.dir, v.file), 'utf8'), v.file);

    // Adopt through the CLI: one new line in the project file.
    const text = fs.readFileSync(sim.file, 'utf8');
    const adopt = await cli(sim, env, ['--adopt', path.join(sim.dir, 'prompts/support.style-1.prompt.yml')]);
    assert.equal(adopt.status, 0, adopt.stderr);
    assert.match(adopt.stdout, /^added candidate sim-verbose\.support\.style-1 to prompt-adapt\.yml: \{ id: sim-verbose\.support\.style-1, endpoint: demo, model: sim-verbose, /u);
    const after = fs.readFileSync(sim.file, 'utf8');
    assert.deepEqual(after.split('\n').filter((l) => !text.split('\n').includes(l)).length, 1);
  });
});
