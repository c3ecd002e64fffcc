// `npm run demo`: the bundled example end to end, offline. Builds the CLI, starts the SIMULATED model server
// on 127.0.0.1, points a temporary endpoints file's `demo` endpoint at it, and drives the real CLI through
// the migration: run (baseline prompt × every candidate, then both prompt variants on the baseline model)
// → judge → compare (prints the decision table) → report (writes examples/support-qa/report.html) → adapt the
// baseline prompt for sim-verbose, adopt the style variant and compare again (on a copy: see adaptStep.ts).
//
//   npm run demo [-- --check] [-- --no-build]
// --check also asserts that the decisions are the ones the simulated models were designed to produce
// (for CI) and exits 1 when one is not. Re-running is fast: the response cache answers repeated requests.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shownPoint, type ComparisonReport, type DecisionRow, type TestSetComparison } from '../../src/protocol/comparison';
import { adaptStep, checkAdaptStep, type AdaptStepResult } from './adaptStep';
import { labelsText } from './makeLabels';
import { startSimulatedServer, type SimulatedServer } from './simulatedModelServer';
import { loadPromptFile } from '../../src/core/prompt/load';
import { MODELS, trueCorrectShare } from './simulation';
import { TEST_SET_PATH, testSetText } from './writeTestSet';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/support-qa');
const STORE = path.join(EXAMPLE, '.prompt-adapt');
const CLI = path.join(ROOT, 'dist/cli.js');
const REPORT = path.join(EXAMPLE, 'report.html');
const BASELINE_PROMPT = 'prompts/support.prompt.yml';
const VARIANTS = ['prompts/support.concise.prompt.yml', 'prompts/support.strict.prompt.yml'];
const args = new Set(process.argv.slice(2));
const t0 = Date.now();

const rel = (p: string): string => path.relative(process.cwd(), p) || '.';
const secs = (): string => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const say = (line: string): void => console.log(`demo [${secs()}] ${line}`);

/** Runs a command, streaming its stderr (progress, warnings) and returning its stdout. */
function exec(cmd: string, argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; echo?: boolean } = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => { out += d; if (opts.echo) process.stdout.write(d); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), out }));
  });
}

/** Runs the CLI in the example folder (or `cwd`); a non-zero exit (other than the allowed ones) stops the demo. */
async function cli(env: NodeJS.ProcessEnv, argv: string[], allowed: number[] = [0], echo = false, cwd = EXAMPLE): Promise<{ code: number; out: string }> {
  const r = await exec(process.execPath, [CLI, ...argv], { cwd, env, echo });
  if (!allowed.includes(r.code)) throw new Error(`prompt-adapt ${argv.join(' ')} exited with ${r.code}\n${r.out}`);
  return r;
}

/**
 * The store's cache holds the simulated replies. When the simulation itself changes (another quality, a
 * new example), those replies are stale: start over from an empty cache and no runs (labels are kept).
 */
function dropStaleStore(): void {
  const sources = ['simulation.ts', 'supportData.ts', 'simulatedModelServer.ts', 'simulatedRewriter.ts'].map((f) => fs.readFileSync(path.join(import.meta.dirname, f)));
  const fingerprint = createHash('sha256').update(Buffer.concat(sources)).digest('hex').slice(0, 16);
  const file = path.join(STORE, 'demo-simulation.txt');
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
  if (before === fingerprint) return;
  if (before !== undefined) say('the simulation changed since the last demo: clearing the example\'s cached replies and runs');
  for (const dir of ['runs', 'cache']) fs.rmSync(path.join(STORE, dir), { recursive: true, force: true });
  fs.mkdirSync(STORE, { recursive: true });
  fs.writeFileSync(file, `${fingerprint}\n`);
}

/** Runs one prompt and judges its outputs; returns the run id. */
async function runAndJudge(env: NodeJS.ProcessEnv, prompt: string, candidates?: string): Promise<string> {
  const r = await cli(env, ['run', '--project', 'prompt-adapt.yml', '--prompt', prompt, '--test-set', 'support', ...(candidates ? ['--candidates', candidates] : [])]);
  const summary = r.out.trim().split('\n').pop() ?? '';
  const runId = /^run (\S+):/u.exec(summary)?.[1];
  if (!runId) throw new Error(`cannot find the run id in: ${r.out}`);
  say(`run ${prompt}${candidates ? ` on ${candidates}` : ' on every candidate'}: ${summary.replace(/^run \S+: /u, '').replace(/; store .*$/u, '')}`);
  const j = await cli(env, ['judge', '--project', 'prompt-adapt.yml', '--run', runId]);
  say(`judge ${runId}: ${j.out.trim().split('\n')[0]}`);
  return runId;
}

async function main(): Promise<number> {
  say('Prompt Adapt demo: the bundled support-QA example against a SIMULATED model server (no real model is called)');
  if (!args.has('--no-build')) {
    const b = await exec(process.execPath, [path.join(ROOT, 'esbuild.mjs')]);
    if (b.code !== 0) throw new Error(`the build failed:\n${b.out}`);
    say('built dist/cli.js');
  }
  if (fs.readFileSync(TEST_SET_PATH, 'utf8') !== testSetText()) {
    throw new Error(`${rel(TEST_SET_PATH)} is out of date with scripts/demo/supportData.ts; run: node --import tsx scripts/demo/writeTestSet.ts`);
  }
  dropStaleStore();

  const scale = Number(process.env.PROMPT_ADAPT_DEMO_LATENCY_SCALE ?? '1');
  const server: SimulatedServer = await startSimulatedServer({ latencyScale: Number.isFinite(scale) && scale >= 0 ? scale : 1, log: (l) => say(l) });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prompt-adapt-demo-'));
  try {
    // The endpoint lives in a user-level config file, as real endpoints do; the project file names only `demo`.
    const config = path.join(tmp, 'endpoints.json');
    // 16 in flight: enough to finish quickly, few enough that client-side queueing does not inflate the
    // measured latencies (they feed the latency rule).
    fs.writeFileSync(config, JSON.stringify({ demo: { kind: 'openai', baseURL: server.url, maxConcurrency: 16 } }, null, 2));
    const env: NodeJS.ProcessEnv = { ...process.env, PROMPT_ADAPT_CONFIG: config, PROMPT_ADAPT_KEY_DEMO: 'simulated-key' };
    delete env.PROMPT_ADAPT_ENDPOINTS;
    say(`endpoint 'demo' → ${server.url} (temporary config ${config})`);

    await runAndJudge(env, BASELINE_PROMPT);
    for (const v of VARIANTS) await runAndJudge(env, v, 'sim-baseline');

    say('compare: the decision table');
    console.log('');
    const compare = await cli(env, ['compare', '--project', 'prompt-adapt.yml'], [0, 2], true);
    console.log('');
    await cli(env, ['report', '--project', 'prompt-adapt.yml', '--format', 'html', '--out', REPORT]);
    say(`HTML report: ${rel(REPORT)}`);

    const adapted = await adaptStep(EXAMPLE, server, (cwd, argv, allowed, echo) => cli(env, argv, allowed, echo, cwd), say);
    let failures = 0;
    try {
      if (args.has('--check')) {
        const json = path.join(tmp, 'comparison.json');
        await cli(env, ['report', '--project', 'prompt-adapt.yml', '--format', 'json', '--out', json]);
        const report = JSON.parse(fs.readFileSync(json, 'utf8')) as ComparisonReport;
        failures = await check(report, compare.code, adapted);
      }
    } finally { fs.rmSync(adapted.copy, { recursive: true, force: true }); }
    say(`simulated requests served this time: ${Object.values(server.served).reduce((a, b) => a + b, 0)} (the rest came from the cache)`);
    say(`done in ${secs()}; compare exited ${compare.code} (${compare.code === 0 ? 'a selection exists' : 'no selection'})`);
    return failures ? 1 : 0;
  } finally {
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    say('simulated model server stopped');
  }
}

/** The decisions the simulated models were designed to produce; returns the number of failed checks. */
async function check(report: ComparisonReport, compareExit: number, adapted: AdaptStepResult): Promise<number> {
  let failures = 0;
  const ok = (cond: boolean, what: string): void => { console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`); if (!cond) failures++; };
  say('check: decisions against the simulated models\' designed qualities');
  ok(await labelsText() === fs.readFileSync(path.join(STORE, 'labels/support.jsonl'), 'utf8'), 'the committed simulated labels match the simulation (scripts/demo/makeLabels.ts)');
  const t: TestSetComparison | undefined = report.testSets.find((x) => x.testSetId === 'support');
  ok(t !== undefined, 'the report compares test set "support"');
  if (!t) return failures;
  ok(t.n === 72 && t.baselineId === 'sim-baseline', `72 examples against sim-baseline (got ${t.n}, ${t.baselineId})`);
  const rows = [...t.rows, ...t.variants];
  ok(rows.every((r) => r.errors === 0 && r.noVerdict === 0), 'no request errors and no missing verdicts');
  ok(Object.keys(MODELS).every((m) => t.rows.some((r) => r.systemId === m)), 'every simulated model has a row');
  const c = t.calibration;
  ok(c !== undefined && c.unmatched === 0, `every label matches an output by hash (unmatched: ${c?.unmatched})`);
  ok(c !== undefined && c.tp + c.fn >= 30 && c.fp + c.tn >= 30, `calibration has ≥ 30 human positives and negatives (${c ? `${c.tp + c.fn} / ${c.fp + c.tn}` : '-'})`);
  ok(c !== undefined && !c.uninformative && c.tpr.mean > c.fpr.mean + 0.4, `the judge is informative (TPR ${c?.tpr.mean.toFixed(2)}, FPR ${c?.fpr.mean.toFixed(2)})`);

  const decisions = [...t.decisions, ...(t.variantDecisions ?? [])];
  const row = (id: string): DecisionRow | undefined => decisions.find((d) => d.systemId === id) ?? decisions.find((d) => d.systemId.endsWith(id));
  const cells = ['schema', 'idk', 'latency', 'correctness', 'style'] as const;
  /** `fails`: the cells that must fail; every other cell must pass. */
  const expect = (id: string, fails: readonly (typeof cells)[number][], why: string, alsoMayFail: readonly (typeof cells)[number][] = []): void => {
    const d = row(id);
    const got = d ? cells.map((k) => `${k} ${d[k].status}`).join(', ') : 'no row';
    ok(d !== undefined && cells.every((k) => (fails.includes(k) ? d[k].status === 'fail' : alsoMayFail.includes(k) || d[k].status === 'pass'))
      && d.overall === (fails.length ? 'fail' : 'pass'), `${id}: ${why} (${got})`);
  };
  expect('sim-fast', [], 'passes every rule');
  expect('sim-cheap', [], 'passes every rule');
  expect('sim-verbose', ['style'], 'fails style only');
  expect('sim-loose', ['schema'], 'fails schema (its broken replies may also cost it correctness)', ['correctness']);
  expect('sim-slow', ['latency'], 'fails latency only');
  expect('sim-tiny', ['idk', 'correctness'], 'fails IDK and correctness');
  expect('support.concise.prompt.yml', [], 'the concise variant passes against its parent');
  expect('support.strict.prompt.yml', ['idk'], 'the strict variant fails on IDK (refuses too often)', ['correctness']);

  // Not a pass/fail check: how the calibrated estimates compare with the simulation's truth.
  const systemText = async (file: string): Promise<{ system: string; spec: Parameters<typeof trueCorrectShare>[2] }> => {
    const { prompt } = await loadPromptFile(path.join(EXAMPLE, file));
    return { system: prompt.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n'), spec: prompt.adapt.output };
  };
  const base = await systemText(BASELINE_PROMPT);
  const reference = trueCorrectShare('sim-baseline', base.system, base.spec);
  const pp = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}`;
  console.log('     calibrated difference vs the simulation\'s true difference (candidate − sim-baseline, pp):');
  const insideFor = new Map<string, boolean>();
  for (const r of t.rows) {
    if (!r.difference || !(r.candidateId in MODELS)) continue;
    const truth = trueCorrectShare(r.candidateId, base.system, base.spec) - reference;
    const inside = r.difference.lo <= truth && truth <= r.difference.hi;
    insideFor.set(r.systemId, inside);
    console.log(`     ${r.systemId.padEnd(12)} ${r.verdict ?? ''} ${r.estimator ?? ''}: estimate ${pp(shownPoint(r.difference))} [${pp(r.difference.lo)}, ${pp(r.difference.hi)}], true ${pp(truth)}${inside ? '' : '  (outside the interval)'}`);
  }
  // sim-tiny refuses far more than the baseline: the IDK-aware correction must still cover its designed difference
  // (the v1 correction, which calibrated on IDK outputs, put it 18 pp too low).
  ok(insideFor.get('sim-tiny') === true, 'sim-tiny: the calibrated interval contains the designed difference (IDK-aware correction)');

  const best = report.selection?.best?.candidates.slice().sort().join(', ');
  ok(best === 'sim-cheap, sim-fast', `selection: sim-cheap + sim-fast cover us-east-1, eu-central-1 and ap-southeast-2 (got ${best ?? 'none'})`);
  ok(compareExit === 0, `compare exits 0 when a selection exists (got ${compareExit})`);
  say('check: the adaptation step');
  checkAdaptStep(adapted, ok);
  say(failures ? `check: ${failures} FAILED` : 'check: all decisions as designed');
  return failures;
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
