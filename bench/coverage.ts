// METHOD §9 (v2) at full size: every regime × estimator (auto first), printing coverage of the true difference,
// mean interval width, the rate of "better" verdicts (at Δ = 0: false "candidate better") and the flag rate; then
// the §9 bar for `auto` and the time of one comparison at S = 10⁵.
// Usage: npm run bench:coverage -- [--reps 2000] [--draws 2000] [--workers 2] [--seed 1] [--only idk]
//   [--match 'labels-200/30 Δ=0.05 n=2000'] (a regex on "<regime> Δ=<Δ> n=<n> m=<m>") [--estimators auto,rogan-gladen]
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { compareSystems } from '../src/core/stats';
import { SIM_ESTIMATORS, simulateRegime, standardRegimes, v2Regimes, type CoverageStats, type Regime, type SimEstimator } from '../src/core/stats/simulation';

interface Job { index: number; regime: Regime; reps: number; draws: number; seed: number; estimators: SimEstimator[] }
interface Done { index: number; stats: CoverageStats[]; ms: number }

if (!isMainThread) {
  // Each worker asks for one regime at a time, so both cores stay busy whatever a regime costs. Every regime has its own
  // seed, so the table does not depend on which worker ran what: the merge by index is deterministic.
  parentPort!.on('message', (job: Job | null) => {
    if (job === null) { parentPort!.close(); return; }
    const t = performance.now();
    const stats = simulateRegime(job.regime, job.reps, { draws: job.draws, seed: job.seed, estimators: job.estimators });
    parentPort!.postMessage({ index: job.index, stats, ms: performance.now() - t } satisfies Done);
  });
} else {
  void run();
}

async function run(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string' }, draws: { type: 'string' }, workers: { type: 'string' }, seed: { type: 'string' },
    only: { type: 'string' }, match: { type: 'string' }, estimators: { type: 'string' } } });
  const reps = Number(values.reps ?? 2000);
  const draws = Number(values.draws ?? 2000);
  const workers = Number(values.workers ?? Math.min(2, availableParallelism()));
  const seed = Number(values.seed ?? 1);
  const match = values.match ? new RegExp(values.match) : undefined;
  const regimes = [...standardRegimes(), ...v2Regimes()].filter((r) => (!values.only || r.judge.includes(values.only)) && (!match || match.test(key(r))));
  // auto is always scored: the table and the bar are about it.
  const estimators = values.estimators ? ['auto', ...values.estimators.split(',').filter((e) => e !== 'auto')] as SimEstimator[] : [...SIM_ESTIMATORS];
  const unknown = estimators.filter((e) => !SIM_ESTIMATORS.includes(e));
  if (unknown.length) throw new Error(`--estimators: unknown ${unknown.join(', ')} (known: ${SIM_ESTIMATORS.join(', ')})`);
  console.log(`coverage simulation (METHOD §9 v2): ${regimes.length} regimes × ${reps} replications, ${draws} MC draws per interval, ${workers} workers, seed ${seed}`);
  const jobs: Job[] = regimes.map((regime, index) => ({ index, regime, reps, draws, seed: seed * 1_000_003 + index, estimators }));
  const results = new Array<CoverageStats[]>(regimes.length);
  const start = performance.now();
  let done = 0;
  let next = 0;
  await Promise.all(Array.from({ length: workers }, () => new Promise<void>((resolve, reject) => {
    const worker = new Worker(__filename, { execArgv: ['--import', 'tsx'] });
    const feed = (): void => worker.postMessage(next < jobs.length ? jobs[next++]! : null);
    worker.on('message', (m: Done) => {
      results[m.index] = m.stats;
      done++;
      const auto = m.stats.find((s) => s.estimator === 'auto')!;
      process.stderr.write(`  [${String(done).padStart(3)}/${regimes.length}] ${label(regimes[m.index]!)}  auto cover ${f(auto.coverage)}  (${(m.ms / 1000).toFixed(1)} s)\n`);
      feed();
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
    feed();
  })));
  console.log(`simulation took ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
  printAuto(regimes, results);
  printAll(regimes, results, estimators);
  printBar(regimes, results);
  timeOneComparison();
}

/** The regime as --match sees it. */
function key(r: Regime): string {
  return `${r.judge} Δ=${r.delta.toFixed(2)} n=${r.n} m=${r.m}`;
}

function label(r: Regime): string {
  return `${r.judge.padEnd(20)} Δ=${r.delta.toFixed(2)} n=${String(r.n).padEnd(4)} m=${String(r.m).padEnd(3)}`;
}

/** Monte Carlo standard error of a coverage estimated from the results with a number. */
const coverageSe = (s: CoverageStats): number => Math.sqrt((s.coverage * (1 - s.coverage)) / Math.max(1, s.estimated * s.reps));

const f = (x: number): string => (Number.isNaN(x) ? '  -  ' : x.toFixed(3));
const SHORT: Record<string, string> = { 'ppi++': 'ppi', 'rogan-gladen': 'rg', 'human-only': 'ho', none: 'none' };

function chosenText(s: CoverageStats): string {
  return Object.entries(s.chosen ?? {}).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${SHORT[k] ?? k} ${Math.round(100 * v)}%`).join(', ');
}

function printAuto(regimes: Regime[], results: CoverageStats[][]): void {
  console.log('## auto (the default), nominal 90%');
  console.log('cover = coverage of the true difference among results with a number; width = mean width; better = "better" verdicts');
  console.log('(at Δ = 0 a false "candidate better", bar ≤ 0.065); flag = assumption flag, do-not-act or no estimate; est = results with a number.\n');
  console.log('±: Monte Carlo standard error of the coverage, sqrt(c(1 - c)/numbers).\n');
  console.log(`| regime | Δ | n | m | chosen | est | cover | ± | width | better | flag |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  regimes.forEach((r, i) => {
    const a = results[i]!.find((s) => s.estimator === 'auto')!;
    console.log(`| ${r.judge} | ${r.delta.toFixed(2)} | ${r.n} | ${r.m} | ${chosenText(a)} | ${f(a.estimated)} | ${f(a.coverage)} | ${f(coverageSe(a))} | ${f(a.meanWidth)} | ${f(a.aboveZero)} | ${f(a.flagged)} |`);
  });
}

function printAll(regimes: Regime[], results: CoverageStats[][], estimators: readonly SimEstimator[]): void {
  const ids = estimators.filter((e) => e !== 'auto');
  if (!ids.length) return;
  console.log('\n## Every estimator: coverage / mean width / "better" rate / flag rate\n');
  console.log(`| regime | Δ | n | m | ${ids.join(' | ')} |`);
  console.log(`|---|---|---|---|${ids.map(() => '---').join('|')}|`);
  regimes.forEach((r, i) => {
    const cells = ids.map((id) => {
      const s = results[i]!.find((x) => x.estimator === id)!;
      return `${f(s.coverage)} / ${f(s.meanWidth)} / ${f(s.aboveZero)} / ${f(s.flagged)}`;
    });
    console.log(`| ${r.judge} | ${r.delta.toFixed(2)} | ${r.n} | ${r.m} | ${cells.join(' | ')} |`);
  });
}

/** The regimes where every estimator `auto` chose has its assumptions met: judge-free choices, or a sound judge. */
function autoAssumptionsHold(r: Regime, a: CoverageStats): boolean {
  const judgeBased = (a.chosen?.['rogan-gladen'] ?? 0) + (a.chosen?.paper ?? 0);
  return r.assumptionsHold || judgeBased < 0.05;
}

function printBar(regimes: Regime[], results: CoverageStats[][]): void {
  const rows = regimes.map((r, i) => ({ r, a: results[i]!.find((s) => s.estimator === 'auto')! }));
  const held = rows.filter((x) => autoAssumptionsHold(x.r, x.a) && x.a.estimated * x.a.reps >= 100);
  const covs = held.map((x) => x.a.coverage);
  const misses = held.filter((x) => x.a.coverage < 0.875 || x.a.coverage > 0.96);
  const zero = rows.filter((x) => x.r.delta === 0);
  const worst = zero.reduce((w, x) => (x.a.aboveZero > w.a.aboveZero ? x : w), zero[0]!);
  console.log('\n## §9 bar for auto');
  console.log(`coverage where the chosen estimator's assumptions hold (${held.length} regimes with ≥ 100 numbers): ${f(Math.min(...covs))} .. ${f(Math.max(...covs))} (bar 0.875 .. 0.96); misses: ${misses.map((x) => `${label(x.r)} ${f(x.a.coverage)} ± ${f(coverageSe(x.a))}`).join('; ') || 'none'}`);
  console.log(`false "better" at Δ = 0, every regime: max ${f(worst.a.aboveZero)} (${label(worst.r)}) (bar 0.065)`);
  for (const name of ['weak(0.76,0.69)', 'differential', 'difficulty']) {
    const bad = rows.filter((x) => x.r.judge === name);
    if (!bad.length) continue;
    const judgeBased = bad.map((x) => (x.a.chosen?.['rogan-gladen'] ?? 0));
    const atZero = bad.filter((x) => x.r.delta === 0).map((x) => x.a.aboveZero);
    console.log(`${name}: auto chose rogan-gladen in ${f(Math.min(...judgeBased))} .. ${f(Math.max(...judgeBased))} of results; flagged ${f(Math.min(...bad.map((x) => x.a.flagged)))} .. ${f(Math.max(...bad.map((x) => x.a.flagged)))}${atZero.length ? `; "better" at Δ = 0 ≤ ${f(Math.max(...atZero))}` : ''}`);
  }
}

function timeOneComparison(): void {
  const input = { confusion: { tp: 45, fn: 5, fp: 6, tn: 14 }, paired: { n11: 120, n10: 10, n01: 30, n00: 40 },
    baselineLabels: { tp: 22, fn: 3, fp: 3, tn: 7 }, candidateLabels: { tp: 23, fn: 2, fp: 3, tn: 7 } };
  console.log('\nTime of one comparison at S = 100 000 draws (median of 21 after warm-up):');
  for (const id of ['auto', 'rogan-gladen', 'paper', 'ppi++'] as const) {
    for (let i = 0; i < 5; i++) compareSystems(id, input, { seed: i });
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t = performance.now();
      compareSystems(id, input, { seed: 100 + i, draws: 100_000 });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${id.padEnd(13)} ${times[10]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[20]!.toFixed(1)})`);
  }
}
