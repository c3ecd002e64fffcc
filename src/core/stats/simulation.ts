// Coverage simulation of METHOD.md §9, vectorised over counts: each replication draws cell counts
// (truth × verdict × system) instead of n examples, so its cost does not grow with n.
import { compareSystems } from './estimate';
import { Rng } from './random';
import { rgCompareDelta } from './roganGladen';
import type { CompareResult, Confusion, Diagnostic, DiagnosticCode, EstimatorId, PairedTable } from './types';

/** Judge error rates on one system. */
export interface JudgeRates {
  tpr: number;
  fpr: number;
}

/** One cell of the simulation grid. */
export interface Regime {
  judge: string;
  /** Judge rates on the baseline's and on the candidate's outputs (equal unless differential). */
  judgeA: JudgeRates;
  judgeB: JudgeRates;
  /** True correctness of the baseline; the candidate's is baseRate + delta. */
  baseRate: number;
  delta: number;
  /** Correlation of the two systems' true correctness on the same example. */
  rho: number;
  /** Paired examples. */
  n: number;
  /** Human labels, drawn without replacement from the 2n pooled outputs. */
  m: number;
  /** Whether the default estimator's assumptions hold (informative, non-differential judge). */
  assumptionsHold: boolean;
}

/** The estimators the simulation scores; `rogan-gladen/delta` is the delta-method cross-check. */
export type SimEstimator = EstimatorId | 'rogan-gladen/delta';

/** Aggregates for one estimator in one regime. */
export interface CoverageStats {
  estimator: SimEstimator;
  reps: number;
  /** Fraction of intervals containing the true difference. */
  coverage: number;
  meanWidth: number;
  /** Fraction of intervals entirely above 0 (meaningful when delta = 0: a false "candidate better"). */
  aboveZero: number;
  /** Fraction of results carrying an assumption flag (uninformative, inverted, differential, delta disagreement). */
  flagged: number;
  /** Fraction carrying a few-labels warning (fewer than 30 positives/negatives, or per system). */
  fewLabels: number;
  /** Coverage among the results without an assumption flag (NaN when all are flagged). */
  coverageUnflagged: number;
  /** Fraction carrying the Fisher-test `differential-judge` warning. */
  differentialFisher: number;
  /** Fraction carrying the judge-free cross-check `differential-bias` (warning or error). */
  differentialBias: number;
  /** Fraction carrying any differential-type flag (`differential-judge` or `differential-bias`, not info). */
  differential: number;
  /** Fraction where a differential-type flag is an error (do not act on the interval). */
  differentialError: number;
}

const ASSUMPTION_FLAGS: ReadonlySet<DiagnosticCode> = new Set(['uninformative-judge', 'judge-inverted', 'differential-judge', 'differential-bias', 'delta-disagrees']);
const DIFFERENTIAL_FLAGS: ReadonlySet<DiagnosticCode> = new Set(['differential-judge', 'differential-bias']);

/** Differential-type flags of one result, as bits: 1 Fisher, 2 cross-check, 4 any, 8 error. */
function differentialBits(ds: readonly Diagnostic[]): number {
  let bits = 0;
  for (const d of ds) {
    if (!DIFFERENTIAL_FLAGS.has(d.code) || d.severity === 'info') continue;
    bits |= (d.code === 'differential-judge' ? 1 : 2) | 4 | (d.severity === 'error' ? 8 : 0);
  }
  return bits;
}
const FEW_LABELS: ReadonlySet<DiagnosticCode> = new Set(['few-positives', 'few-negatives', 'few-labels-per-system']);

/** The §9 grid: judges × true difference × n × m. */
export function standardRegimes(options: { ns?: number[]; ms?: number[]; deltas?: number[] } = {}): Regime[] {
  const judges: { judge: string; a: JudgeRates; b: JudgeRates; ok: boolean }[] = [
    { judge: '(0.90,0.30)', a: { tpr: 0.9, fpr: 0.3 }, b: { tpr: 0.9, fpr: 0.3 }, ok: true },
    { judge: '(0.883,0.10)', a: { tpr: 0.883, fpr: 0.1 }, b: { tpr: 0.883, fpr: 0.1 }, ok: true },
    { judge: '(0.95,0.05)', a: { tpr: 0.95, fpr: 0.05 }, b: { tpr: 0.95, fpr: 0.05 }, ok: true },
    { judge: 'weak(0.76,0.69)', a: { tpr: 0.76, fpr: 0.69 }, b: { tpr: 0.76, fpr: 0.69 }, ok: false },
    // The candidate's outputs are judged more leniently than the baseline's.
    { judge: 'differential', a: { tpr: 0.9, fpr: 0.1 }, b: { tpr: 0.9, fpr: 0.3 }, ok: false },
  ];
  const out: Regime[] = [];
  for (const j of judges) {
    for (const delta of options.deltas ?? [0, 0.05, 0.1]) {
      for (const n of options.ns ?? [200, 2000]) {
        for (const m of options.ms ?? [60, 300]) {
          out.push({ judge: j.judge, judgeA: j.a, judgeB: j.b, baseRate: 0.7, delta, rho: 0.5, n, m, assumptionsHold: j.ok });
        }
      }
    }
  }
  return out;
}

/** Cell counts of one simulated replication. */
export interface Replication {
  paired: PairedTable;
  baselineLabels: Confusion;
  candidateLabels: Confusion;
}

/** Draws one replication: truths (correlated Bernoulli pairs), verdicts, then labels from the pooled outputs. */
export function simulateReplication(r: Regime, rng: Rng): Replication {
  const tA = r.baseRate;
  const tB = r.baseRate + r.delta;
  const p11 = tA * tB + r.rho * Math.sqrt(tA * (1 - tA) * tB * (1 - tB));
  const truthProbs = [p11, tA - p11, tB - p11, 1 - tA - tB + p11]; // (tA,tB) = 11, 10, 01, 00
  const truthA = [1, 1, 0, 0];
  const truthB = [1, 0, 1, 0];
  // outputs[system][truth][verdict]
  const outputs = [[[0, 0], [0, 0]], [[0, 0], [0, 0]]];
  const paired: PairedTable = { n11: 0, n10: 0, n01: 0, n00: 0 };
  let left = r.n;
  let mass = 1;
  for (let cell = 0; cell < 4; cell++) {
    const count = cell === 3 ? left : rng.binomial(left, Math.min(1, truthProbs[cell] / mass));
    left -= count;
    mass -= truthProbs[cell];
    const rateA = truthA[cell] ? r.judgeA.tpr : r.judgeA.fpr;
    const rateB = truthB[cell] ? r.judgeB.tpr : r.judgeB.fpr;
    // Conditionally independent judge: the two verdicts are independent given the truths.
    const vA1 = rng.binomial(count, rateA);
    const both = rng.binomial(vA1, rateB);
    const onlyB = rng.binomial(count - vA1, rateB);
    paired.n11 += both;
    paired.n10 += vA1 - both;
    paired.n01 += onlyB;
    paired.n00 += count - vA1 - onlyB;
    outputs[0][truthA[cell]][1] += vA1;
    outputs[0][truthA[cell]][0] += count - vA1;
    outputs[1][truthB[cell]][1] += both + onlyB;
    outputs[1][truthB[cell]][0] += count - both - onlyB;
  }
  // Labels: m outputs drawn without replacement from the 2n pooled outputs (an urn over 8 cells).
  const pool = Float64Array.from([0, 1].flatMap((s) => [1, 0].flatMap((t) => [1, 0].map((v) => outputs[s][t][v]))));
  const drawn = new Float64Array(8);
  let remaining = 2 * r.n;
  for (let k = 0; k < Math.min(r.m, 2 * r.n); k++) {
    let u = rng.uniform() * remaining;
    let i = 0;
    while (i < 7 && u >= pool[i]) u -= pool[i++];
    pool[i]--;
    drawn[i]++;
    remaining--;
  }
  const confusion = (o: number): Confusion => ({ tp: drawn[o], fn: drawn[o + 1], fp: drawn[o + 2], tn: drawn[o + 3] });
  return { paired, baselineLabels: confusion(0), candidateLabels: confusion(4) };
}

const SIM_ESTIMATORS: readonly SimEstimator[] = ['rogan-gladen', 'rogan-gladen/delta', 'paper', 'ppi++', 'human-only', 'naive'];

/** Runs `reps` replications of one regime and scores every estimator on the same data. */
export function simulateRegime(r: Regime, reps: number, options: { draws?: number; seed?: number; level?: number; estimators?: readonly SimEstimator[] } = {}): CoverageStats[] {
  const level = options.level ?? 0.9;
  const draws = options.draws ?? 2000;
  const estimators = options.estimators ?? SIM_ESTIMATORS;
  const rng = new Rng(options.seed ?? 1);
  const acc = estimators.map((estimator) => ({ estimator, covered: 0, width: 0, above: 0, flagged: 0, few: 0, unflagged: 0, coveredUnflagged: 0,
    fisher: 0, bias: 0, diff: 0, diffError: 0 }));
  for (let rep = 0; rep < reps; rep++) {
    const sim = simulateReplication(r, rng);
    const seed = rng.nextUint32();
    const input = { paired: sim.paired, baselineLabels: sim.baselineLabels, candidateLabels: sim.candidateLabels };
    let rg: CompareResult | undefined;
    for (const a of acc) {
      let lo: number, hi: number, flagged: boolean, few: boolean, bits: number;
      if (a.estimator === 'rogan-gladen/delta') {
        const pooled = { tp: sim.baselineLabels.tp + sim.candidateLabels.tp, fn: sim.baselineLabels.fn + sim.candidateLabels.fn,
          fp: sim.baselineLabels.fp + sim.candidateLabels.fp, tn: sim.baselineLabels.tn + sim.candidateLabels.tn };
        const d = rgCompareDelta(pooled, sim.paired, level);
        lo = d ? d.lo : -1;
        hi = d ? d.hi : 1;
        rg ??= compareSystems('rogan-gladen', input, { level, draws, seed });
        flagged = rg.diagnostics.some((x) => ASSUMPTION_FLAGS.has(x.code) && x.severity !== 'info');
        few = rg.diagnostics.some((x) => FEW_LABELS.has(x.code));
        bits = differentialBits(rg.diagnostics);
      } else {
        const res = compareSystems(a.estimator, input, { level, draws, seed });
        if (a.estimator === 'rogan-gladen') rg = res;
        lo = res.difference.lo;
        hi = res.difference.hi;
        flagged = res.diagnostics.some((x) => ASSUMPTION_FLAGS.has(x.code) && x.severity !== 'info');
        few = res.diagnostics.some((x) => FEW_LABELS.has(x.code));
        bits = differentialBits(res.diagnostics);
      }
      if (bits & 1) a.fisher++;
      if (bits & 2) a.bias++;
      if (bits & 4) a.diff++;
      if (bits & 8) a.diffError++;
      const covered = lo <= r.delta && r.delta <= hi;
      if (covered) a.covered++;
      a.width += hi - lo;
      if (lo > 0) a.above++;
      if (flagged) a.flagged++;
      else {
        a.unflagged++;
        if (covered) a.coveredUnflagged++;
      }
      if (few) a.few++;
    }
  }
  return acc.map((a) => ({ estimator: a.estimator, reps, coverage: a.covered / reps, meanWidth: a.width / reps, aboveZero: a.above / reps,
    flagged: a.flagged / reps, fewLabels: a.few / reps, coverageUnflagged: a.unflagged > 0 ? a.coveredUnflagged / a.unflagged : NaN,
    differentialFisher: a.fisher / reps, differentialBias: a.bias / reps, differential: a.diff / reps, differentialError: a.diffError / reps }));
}
