// METHOD.md §9 at full size: every estimator × regime, printing coverage, mean width, the one-sided false
// "candidate better" rate at Δ = 0 and flag rates; then the time of one comparison at S = 10⁵.
// Usage: npm run bench:coverage -- [--reps 2000] [--draws 2000] [--workers 2] [--seed 1]
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { compareSystems } from '../src/core/stats';
import { simulateRegime, standardRegimes, type CoverageStats, type Regime } from '../src/core/stats/simulation';

interface Job { index: number; regime: Regime; reps: number; draws: number; seed: number }
interface Done { index: number; stats: CoverageStats[]; ms: number }

if (!isMainThread) {
  for (const job of workerData.jobs as Job[]) {
    const t = performance.now();
    const stats = simulateRegime(job.regime, job.reps, { draws: job.draws, seed: job.seed });
    parentPort!.postMessage({ index: job.index, stats, ms: performance.now() - t } satisfies Done);
  }
} else {
  void run();
}

async function run(): Promise<void> {
  const { values } = parseArgs({ options: { reps: { type: 'string' }, draws: { type: 'string' }, workers: { type: 'string' }, seed: { type: 'string' } } });
  const reps = Number(values.reps ?? 2000);
  const draws = Number(values.draws ?? 2000);
  const workers = Number(values.workers ?? Math.min(2, availableParallelism()));
  const seed = Number(values.seed ?? 1);
  const regimes = standardRegimes();
  console.log(`coverage simulation: ${regimes.length} regimes × ${reps} replications, ${draws} MC draws per interval, ${workers} workers, seed ${seed}`);
  const jobs: Job[] = regimes.map((regime, index) => ({ index, regime, reps, draws, seed: seed * 1_000_003 + index }));
  const results = new Array<CoverageStats[]>(regimes.length);
  const start = performance.now();
  let done = 0;
  await Promise.all(Array.from({ length: workers }, (_, w) => new Promise<void>((resolve, reject) => {
    const mine = jobs.filter((j) => j.index % workers === w);
    const worker = new Worker(__filename, { workerData: { jobs: mine }, execArgv: ['--import', 'tsx'] });
    worker.on('message', (m: Done) => {
      results[m.index] = m.stats;
      done++;
      const r = regimes[m.index];
      const rg = m.stats[0];
      process.stdout.write(`  [${String(done).padStart(2)}/${regimes.length}] ${label(r)}  rogan-gladen cover ${rg.coverage.toFixed(3)}  (${(m.ms / 1000).toFixed(1)} s, ${((performance.now() - start) / 1000).toFixed(0)} s elapsed)\n`);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`worker exited with ${code}`))));
  })));
  console.log(`simulation took ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
  printTables(regimes, results);
  printDifferential(regimes, results);
  printVerdict(regimes, results);
  timeOneComparison();
}

function label(r: Regime): string {
  return `${r.judge.padEnd(16)} Δ=${r.delta.toFixed(2)} n=${String(r.n).padEnd(4)} m=${String(r.m).padEnd(3)}`;
}

const f = (x: number): string => (Number.isNaN(x) ? '  -  ' : x.toFixed(3));

function printTables(regimes: Regime[], results: CoverageStats[][]): void {
  console.log('Default estimator (rogan-gladen, nominal 90%): cover = coverage of the true difference, width = mean interval width,');
  console.log('lo>0 = intervals entirely above 0 (at Δ=0: one-sided false "candidate better" rate, bar ≤ 0.065),');
  console.log('flag = assumption flag (uninformative / inverted / differential judge / judge-free disagreement / delta disagreement),');
  console.log('diff = any differential-type flag (differential-judge or differential-bias), few = <30 labels of a class,');
  console.log('cov|unfl = coverage among unflagged results, delta = delta-method cross-check coverage.\n');
  console.log(`${'judge'.padEnd(16)} ${'Δ'.padEnd(4)} ${'n'.padEnd(4)} ${'m'.padEnd(3)}  cover  width  lo>0   flag   diff   few    cov|unfl delta  bar`);
  regimes.forEach((r, i) => {
    const rg = results[i].find((s) => s.estimator === 'rogan-gladen')!;
    const d = results[i].find((s) => s.estimator === 'rogan-gladen/delta')!;
    const bar = r.assumptionsHold ? (rg.coverage >= 0.875 && rg.coverage <= 0.96 && (r.delta !== 0 || rg.aboveZero <= 0.065) ? 'ok' : 'MISS') : '(flag)';
    console.log(`${r.judge.padEnd(16)} ${r.delta.toFixed(2)} ${String(r.n).padEnd(4)} ${String(r.m).padEnd(3)}  ${f(rg.coverage)}  ${f(rg.meanWidth)}  ${f(rg.aboveZero)}  ${f(rg.flagged)}  ${f(rg.differential)}  ${f(rg.fewLabels)}  ${f(rg.coverageUnflagged)}    ${f(d.coverage)}  ${bar}`);
  });
  console.log('\nAll estimators: coverage / mean width (lo>0 at Δ=0 in brackets)\n');
  const ids = ['paper', 'ppi++', 'human-only', 'naive'] as const;
  console.log(`${'judge'.padEnd(16)} ${'Δ'.padEnd(4)} ${'n'.padEnd(4)} ${'m'.padEnd(3)}  ${ids.map((id) => id.padEnd(21)).join(' ')}`);
  regimes.forEach((r, i) => {
    const cells = ids.map((id) => {
      const s = results[i].find((x) => x.estimator === id)!;
      return `${f(s.coverage)}/${f(s.meanWidth)}${r.delta === 0 ? ` [${f(s.aboveZero)}]` : ''}`.padEnd(21);
    });
    console.log(`${r.judge.padEnd(16)} ${r.delta.toFixed(2)} ${String(r.n).padEnd(4)} ${String(r.m).padEnd(3)}  ${cells.join(' ')}`);
  });
}

function printDifferential(regimes: Regime[], results: CoverageStats[][]): void {
  console.log('\nDifferential-type flags on rogan-gladen results (the §9 "flag, don\'t return a confident narrow interval" bar):');
  console.log('fisher = differential-judge (Fisher exact on per-system TPR/FPR, Holm; the only check before the judge-free one),');
  console.log('bias = differential-bias (rogan-gladen vs judge-free ppi++ gap, two-sided z at 0.05), any = either, error = "do not act"');
  console.log('(gap p < 0.01, or both), cover = coverage, cov|unfl = coverage where no assumption flag fired. In non-differential');
  console.log('regimes every flag is a false alarm.\n');
  console.log(`${'judge'.padEnd(16)} ${'Δ'.padEnd(4)} ${'n'.padEnd(4)} ${'m'.padEnd(3)}  fisher bias   any    error  cover  cov|unfl`);
  regimes.forEach((r, i) => {
    if (r.judge.startsWith('weak')) return;
    const rg = results[i].find((s) => s.estimator === 'rogan-gladen')!;
    console.log(`${r.judge.padEnd(16)} ${r.delta.toFixed(2)} ${String(r.n).padEnd(4)} ${String(r.m).padEnd(3)}  ${f(rg.differentialFisher)}  ${f(rg.differentialBias)}  ${f(rg.differential)}  ${f(rg.differentialError)}  ${f(rg.coverage)}  ${f(rg.coverageUnflagged)}`);
  });
  for (const m of [...new Set(regimes.map((r) => r.m))]) {
    const rows = regimes.map((r, i) => ({ r, s: results[i].find((x) => x.estimator === 'rogan-gladen')! })).filter((x) => x.r.m === m && !x.r.judge.startsWith('weak'));
    const range = (xs: number[]): string => `${f(Math.min(...xs))} .. ${f(Math.max(...xs))}`;
    const nonDiff = rows.filter((x) => x.r.assumptionsHold);
    const diff = rows.filter((x) => x.r.judge === 'differential');
    console.log(`  m=${m}: non-differential regimes, any differential flag (false alarms) ${range(nonDiff.map((x) => x.s.differential))}, error ${range(nonDiff.map((x) => x.s.differentialError))};`
      + ` differential regimes, fisher ${range(diff.map((x) => x.s.differentialFisher))}, any ${range(diff.map((x) => x.s.differential))}, error ${range(diff.map((x) => x.s.differentialError))}`);
  }
}

function printVerdict(regimes: Regime[], results: CoverageStats[][]): void {
  const rg = (i: number): CoverageStats => results[i].find((s) => s.estimator === 'rogan-gladen')!;
  const ok = regimes.map((r, i) => ({ r, s: rg(i) })).filter((x) => x.r.assumptionsHold);
  const covs = ok.map((x) => x.s.coverage);
  const falseBetter = ok.filter((x) => x.r.delta === 0).map((x) => x.s.aboveZero);
  console.log('\n§9 bar for rogan-gladen where its assumptions hold:');
  console.log(`  coverage ${f(Math.min(...covs))} .. ${f(Math.max(...covs))} (bar 0.875 .. 0.96); misses: ${ok.filter((x) => x.s.coverage < 0.875 || x.s.coverage > 0.96).map((x) => label(x.r)).join('; ') || 'none'}`);
  console.log(`  one-sided false "better" at Δ=0: max ${f(Math.max(...falseBetter))} (bar 0.065)`);
  for (const judge of ['weak(0.76,0.69)', 'differential']) {
    const bad = regimes.map((r, i) => ({ r, s: rg(i) })).filter((x) => x.r.judge === judge);
    console.log(`  ${judge}: flagged ${f(Math.min(...bad.map((x) => x.s.flagged)))} .. ${f(Math.max(...bad.map((x) => x.s.flagged)))}, ` +
      `flagged or few labels ${f(Math.min(...bad.map((x) => Math.max(x.s.flagged, x.s.fewLabels))))} .. ; coverage ${f(Math.min(...bad.map((x) => x.s.coverage)))} .. ${f(Math.max(...bad.map((x) => x.s.coverage)))}`);
  }
}

function timeOneComparison(): void {
  const input = { confusion: { tp: 45, fn: 5, fp: 6, tn: 14 }, paired: { n11: 120, n10: 10, n01: 30, n00: 40 } };
  console.log('\nTime of one comparison at S = 100 000 draws (median of 21 after warm-up; target ≤ 50 ms):');
  for (const id of ['rogan-gladen', 'paper', 'ppi++'] as const) {
    const withLabels = { ...input, baselineLabels: { tp: 22, fn: 3, fp: 3, tn: 7 }, candidateLabels: { tp: 23, fn: 2, fp: 3, tn: 7 } };
    for (let i = 0; i < 5; i++) compareSystems(id, withLabels, { seed: i });
    const times: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t = performance.now();
      compareSystems(id, withLabels, { seed: 100 + i, draws: 100_000 });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${id.padEnd(13)} ${times[10].toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[20].toFixed(1)})`);
  }
}
