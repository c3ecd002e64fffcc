// Coverage simulation of METHOD §9 (v2), vectorised over counts: each replication draws cell counts (truth ×
// state × system) instead of n examples, so its cost does not grow with n. Regimes cover judges of several
// qualities, a differential judge, IDK on either side, labels on one side or unequal, a judge whose accuracy
// depends on item difficulty, small test sets and high accuracy.
import { compareSystems } from './estimate';
import { Rng } from './random';
import { rgCompareDelta } from './roganGladen';
import { emptyLabelLayout } from './labelLayout';
import { emptyStates, stateMoments, type OutputState, type StateTable } from './stateTable';
import type { CompareResult, Confusion, ConfusionCell, DiagnosticCode, EstimatorChoice, LabelLayout, LabelSide } from './types';

/** Judge error rates on one system's answered outputs. */
export interface JudgeRates {
  tpr: number;
  fpr: number;
}

/** A class of items (e.g. easy or hard) with its own accuracies and judge. */
export interface ItemClass {
  weight: number;
  /** True accuracy (over all outputs) of baseline and candidate on this class. */
  thetaA: number;
  thetaB: number;
  judgeA: JudgeRates;
  judgeB: JudgeRates;
}

/** Where the human labels come from: random answered outputs of both systems pooled, or a number per system. */
export type LabelPlan = { pooled: number } | { baseline: number; candidate: number };

/** One cell of the simulation grid. */
export interface Regime {
  /** Family of the regime ("(0.90,0.30)", "idk-candidate", ...). */
  judge: string;
  classes: ItemClass[];
  /** IDK rates over all outputs; IDK outputs are incorrect. */
  idkA: number;
  idkB: number;
  /** True difference θ_B - θ_A. */
  delta: number;
  /** Correlation of the two systems' true correctness on the same example. */
  rho: number;
  n: number;
  labels: LabelPlan;
  /** Total labels (for display). */
  m: number;
  /** Whether a judge-based estimator's assumptions hold (informative, non-differential judge on answered outputs). */
  assumptionsHold: boolean;
}

/** The estimators the simulation scores; `rogan-gladen/delta` is the delta-method cross-check. */
export type SimEstimator = EstimatorChoice | 'rogan-gladen/delta';

/** Aggregates for one estimator in one regime. */
export interface CoverageStats {
  estimator: SimEstimator;
  reps: number;
  /** Fraction with an estimate (a difference interval). */
  estimated: number;
  /** Coverage of the true difference among results with an estimate (NaN when none has one). */
  coverage: number;
  meanWidth: number;
  /** Fraction with verdict "better" (at Δ = 0: a false "candidate better"; bar ≤ 0.065). */
  aboveZero: number;
  /** Fraction carrying an assumption flag (warning or error), a do-not-act verdict, or no estimate. */
  flagged: number;
  /** Coverage among the estimated results without an assumption flag. */
  coverageUnflagged: number;
  /** Fraction of differential-type flags (differential-judge / differential-bias, warning or error). */
  differential: number;
  /** For `auto`: how often each estimator was chosen. */
  chosen?: Record<string, number>;
}

const ASSUMPTION_FLAGS: ReadonlySet<DiagnosticCode> = new Set(['uninformative-judge', 'judge-inverted', 'differential-judge', 'differential-bias',
  'differential-untested', 'delta-disagrees', 'no-estimate']);
const DIFFERENTIAL_FLAGS: ReadonlySet<DiagnosticCode> = new Set(['differential-judge', 'differential-bias']);

const judge = (tpr: number, fpr: number): JudgeRates => ({ tpr, fpr });

function simple(name: string, a: JudgeRates, b: JudgeRates, thetaA: number, delta: number, n: number, labels: LabelPlan, ok: boolean,
  idk: { a?: number; b?: number } = {}): Regime {
  const m = 'pooled' in labels ? labels.pooled : labels.baseline + labels.candidate;
  return { judge: name, classes: [{ weight: 1, thetaA, thetaB: thetaA + delta, judgeA: a, judgeB: b }], idkA: idk.a ?? 0, idkB: idk.b ?? 0,
    delta, rho: 0.5, n, labels, m, assumptionsHold: ok };
}

/** The v1 grid of METHOD §9: judges × true difference × n × pooled labels m. */
export function standardRegimes(options: { ns?: number[]; ms?: number[]; deltas?: number[] } = {}): Regime[] {
  const judges: { name: string; a: JudgeRates; b: JudgeRates; ok: boolean }[] = [
    { name: '(0.90,0.30)', a: judge(0.9, 0.3), b: judge(0.9, 0.3), ok: true },
    { name: '(0.883,0.10)', a: judge(0.883, 0.1), b: judge(0.883, 0.1), ok: true },
    { name: '(0.95,0.05)', a: judge(0.95, 0.05), b: judge(0.95, 0.05), ok: true },
    { name: 'weak(0.76,0.69)', a: judge(0.76, 0.69), b: judge(0.76, 0.69), ok: false },
    // The candidate's outputs are judged more leniently than the baseline's.
    { name: 'differential', a: judge(0.9, 0.1), b: judge(0.9, 0.3), ok: false },
  ];
  const out: Regime[] = [];
  for (const j of judges) for (const delta of options.deltas ?? [0, 0.05, 0.1]) for (const n of options.ns ?? [200, 2000]) {
    for (const m of options.ms ?? [60, 300]) out.push(simple(j.name, j.a, j.b, 0.7, delta, n, { pooled: m }, j.ok));
  }
  return out;
}

/** The regimes METHOD §9 v2 adds, each at Δ = 0 and Δ ≠ 0. */
export function v2Regimes(): Regime[] {
  const out: Regime[] = [];
  const j1 = judge(0.9, 0.3);
  const j2 = judge(0.883, 0.1);
  for (const delta of [0, 0.05]) {
    for (const n of [200, 2000]) {
      for (const m of [60, 300]) {
        out.push(simple('idk-candidate-30%', j1, j1, 0.6, delta, n, { pooled: m }, true, { b: 0.3 }));
        out.push(simple('idk-baseline-30%', j1, j1, 0.6, delta, n, { pooled: m }, true, { a: 0.3 }));
        out.push(simple('labels-baseline-only', j2, j2, 0.7, delta, n, { baseline: m, candidate: 0 }, true));
        out.push(simple('mediocre(0.80,0.45)', judge(0.8, 0.45), judge(0.8, 0.45), 0.7, delta, n, { pooled: m }, true));
        out.push(simple('high-accuracy', j2, j2, 0.95, delta === 0 ? 0 : 0.02, n, { pooled: m }, true));
        out.push(difficulty(delta, n, { pooled: m }));
      }
      out.push(simple('labels-200/30', j2, j2, 0.7, delta, n, { baseline: 200, candidate: 30 }, true));
      out.push(simple('labels-30/200', j2, j2, 0.7, delta, n, { baseline: 30, candidate: 200 }, true));
    }
    for (const n of [40, 80]) out.push(simple('small-n', j2, j2, 0.7, delta, n, { pooled: 60 }, true));
  }
  return out;
}

/**
 * A judge that is accurate on easy items and poor on hard ones, with the candidate gaining on hard items what it
 * loses on easy ones: the judge's error rates differ between the systems' outputs although each item class is
 * judged alike.
 */
function difficulty(delta: number, n: number, labels: LabelPlan): Regime {
  const easy = judge(0.95, 0.05);
  const hard = judge(0.8, 0.45);
  return { judge: 'difficulty', classes: [
    { weight: 0.5, thetaA: 0.9, thetaB: 0.8, judgeA: easy, judgeB: easy },
    { weight: 0.5, thetaA: 0.5, thetaB: 0.6 + 2 * delta, judgeA: hard, judgeB: hard },
  ], idkA: 0, idkB: 0, delta, rho: 0.5, n, labels, m: 'pooled' in labels ? labels.pooled : labels.baseline + labels.candidate, assumptionsHold: false };
}

/** Cell counts of one simulated replication. */
export interface Replication {
  states: StateTable;
  baselineLabels: Confusion;
  candidateLabels: Confusion;
  /** Which questions are labelled on which system. */
  labelLayout: LabelLayout;
  /** With `prefix`: the labels after the first `prefix` draws only (a random subset of the same labels). */
  prefixLabels?: { baseline: Confusion; candidate: Confusion };
}

/** Probabilities of one system's states given its truth: truth 1 → '1'/'0'; truth 0 → 'i'/'1'/'0'. */
function stateProbs(truth: number, j: JudgeRates, q: number): [OutputState, number][] {
  return truth ? [['1', j.tpr], ['0', 1 - j.tpr], ['i', 0]] : [['i', q], ['1', (1 - q) * j.fpr], ['0', (1 - q) * (1 - j.fpr)]];
}

/** Splits `count` multinomially over `probs` (which sum to 1). */
function multinomial(count: number, probs: readonly number[], rng: Rng): number[] {
  const out: number[] = [];
  let left = count;
  let mass = 1;
  probs.forEach((p, i) => {
    const k = i === probs.length - 1 ? left : rng.binomial(left, mass > 0 ? Math.min(1, Math.max(0, p / mass)) : 0);
    out.push(k);
    left -= k;
    mass -= p;
  });
  return out;
}

/** Questions with the same truths and states on both systems; `null` = that system's output is IDK (never labelled). */
interface QuestionCell {
  baseline: ConfusionCell | null;
  candidate: ConfusionCell | null;
  count: number;
}

const cellOf = (truth: number, state: OutputState): ConfusionCell | null =>
  (state === 'i' ? null : truth ? (state === '1' ? 'tp' : 'fn') : state === '1' ? 'fp' : 'tn');

/** Draws one replication: truths (correlated Bernoulli pairs), states, then labels from the answered outputs. */
export function simulateReplication(r: Regime, rng: Rng, prefix?: number): Replication {
  const states = emptyStates();
  const questions: QuestionCell[] = [];
  const meanA = r.classes.reduce((s, c) => s + c.weight * c.thetaA, 0);
  const meanB = r.classes.reduce((s, c) => s + c.weight * c.thetaB, 0);
  const qA = meanA < 1 ? r.idkA / (1 - meanA) : 0;
  const qB = meanB < 1 ? r.idkB / (1 - meanB) : 0;
  const perClass = multinomial(r.n, r.classes.map((c) => c.weight), rng);
  r.classes.forEach((c, ci) => {
    const tA = c.thetaA;
    const tB = c.thetaB;
    const p11 = tA * tB + r.rho * Math.sqrt(tA * (1 - tA) * tB * (1 - tB));
    const truths = multinomial(perClass[ci], [p11, tA - p11, tB - p11, 1 - tA - tB + p11], rng);
    [[1, 1], [1, 0], [0, 1], [0, 0]].forEach(([truthA, truthB], cell) => {
      const pa = stateProbs(truthA, c.judgeA, qA);
      const pb = stateProbs(truthB, c.judgeB, qB);
      const byA = multinomial(truths[cell], pa.map((x) => x[1]), rng);
      pa.forEach(([sa], ia) => {
        const byB = multinomial(byA[ia], pb.map((x) => x[1]), rng);
        pb.forEach(([sb], ib) => {
          const k = byB[ib];
          states[`${sa}${sb}`] += k;
          if (k > 0) questions.push({ baseline: cellOf(truthA, sa), candidate: cellOf(truthB, sb), count: k });
        });
      });
    });
  });
  return { states, ...drawLabels(questions, r.labels, rng, prefix) };
}

/**
 * Labels on random answered outputs, drawn without replacement (pooled over both systems, or so many per
 * system), and which questions got a label on both: within a question cell, given how many of its baseline and
 * candidate outputs were drawn, the two drawn sets are independent uniform subsets, so their overlap is
 * hypergeometric.
 */
function drawLabels(questions: QuestionCell[], plan: LabelPlan, rng: Rng, prefix?: number): Omit<Replication, 'states'> {
  const sizes = (side: 'baseline' | 'candidate'): number[] => questions.map((q) => (q[side] ? q.count : 0));
  let onA: number[];
  let onB: number[];
  let prefixLabels: Replication['prefixLabels'];
  if ('pooled' in plan) {
    const early: number[] = [];
    const drawn = drawUrn([...sizes('baseline'), ...sizes('candidate')], plan.pooled, rng, prefix, early);
    onA = drawn.slice(0, questions.length);
    onB = drawn.slice(questions.length);
    if (prefix !== undefined) {
      prefixLabels = { baseline: confusionOf(questions, 'baseline', early.slice(0, questions.length)),
        candidate: confusionOf(questions, 'candidate', early.slice(questions.length)) };
    }
  } else {
    onA = drawUrn(sizes('baseline'), plan.baseline, rng);
    onB = drawUrn(sizes('candidate'), plan.candidate, rng);
  }
  const labelLayout = emptyLabelLayout();
  questions.forEach((q, i) => {
    const a = onA[i] ?? 0;
    const b = onB[i] ?? 0;
    const both = q.baseline && q.candidate && a > 0 && b > 0 ? hypergeometric(q.count, a, b, rng) : 0;
    if (q.baseline && q.candidate) labelLayout[q.baseline][q.candidate] += both;
    if (q.baseline) labelLayout[q.baseline][unlabelledSide(q.candidate)] += a - both;
    if (q.candidate) labelLayout[unlabelledSide(q.baseline)][q.candidate] += b - both;
  });
  return { baselineLabels: confusionOf(questions, 'baseline', onA), candidateLabels: confusionOf(questions, 'candidate', onB), labelLayout, prefixLabels };
}

/** How an output of this cell looks when it is not labelled: judged correct, judged incorrect, or IDK (null). */
const unlabelledSide = (c: ConfusionCell | null): LabelSide => (c === null ? 'idk' : c === 'tp' || c === 'fp' ? 'correct' : 'incorrect');

function confusionOf(questions: QuestionCell[], side: 'baseline' | 'candidate', drawn: number[]): Confusion {
  const c: Confusion = { tp: 0, fn: 0, fp: 0, tn: 0 };
  questions.forEach((q, i) => {
    const cell = q[side];
    if (cell) c[cell] += drawn[i] ?? 0;
  });
  return c;
}

/** Marked items among `draws` drawn without replacement from `total` items of which `marked` are marked. */
function hypergeometric(total: number, marked: number, draws: number, rng: Rng): number {
  let hits = 0;
  let left = total;
  let markedLeft = marked;
  for (let i = 0; i < draws && markedLeft > 0; i++, left--) {
    if (rng.uniform() * left < markedLeft) {
      hits++;
      markedLeft--;
    }
  }
  return hits;
}

/** Draws m items without replacement from an urn with the given cell counts; `early` gets the counts after `prefix` draws. */
function drawUrn(pool: number[], m: number, rng: Rng, prefix?: number, early?: number[]): number[] {
  const left = [...pool];
  const drawn = pool.map(() => 0);
  let remaining = left.reduce((a, b) => a + b, 0);
  if (prefix === 0) early?.push(...drawn);
  for (let k = 0; k < Math.min(m, remaining + k); k++) {
    if (remaining <= 0) break;
    let u = rng.uniform() * remaining;
    let i = 0;
    while (i < left.length - 1 && u >= left[i]) u -= left[i++];
    while (left[i] === 0) i--; // rounding can carry u past the last non-empty pool
    left[i]--;
    drawn[i]++;
    remaining--;
    if (k + 1 === prefix) early?.push(...drawn);
  }
  if (early && prefix !== undefined && early.length === 0) early.push(...drawn);
  return drawn;
}

export const SIM_ESTIMATORS: readonly SimEstimator[] = ['auto', 'rogan-gladen', 'rogan-gladen/delta', 'paper', 'ppi++', 'human-only', 'naive'];

interface Acc { estimator: SimEstimator; estimated: number; covered: number; width: number; above: number; flagged: number; unflagged: number;
  coveredUnflagged: number; diff: number; chosen: Record<string, number> }

/** Runs `reps` replications of one regime and scores every estimator on the same data. */
export function simulateRegime(r: Regime, reps: number, options: { draws?: number; seed?: number; level?: number; margin?: number;
  estimators?: readonly SimEstimator[] } = {}): CoverageStats[] {
  const level = options.level ?? 0.9;
  const draws = options.draws ?? 2000;
  const estimators = options.estimators ?? SIM_ESTIMATORS;
  const rng = new Rng(options.seed ?? 1);
  const acc: Acc[] = estimators.map((estimator) => ({ estimator, estimated: 0, covered: 0, width: 0, above: 0, flagged: 0, unflagged: 0,
    coveredUnflagged: 0, diff: 0, chosen: {} }));
  for (let rep = 0; rep < reps; rep++) {
    const sim = simulateReplication(r, rng);
    const seed = rng.nextUint32();
    const input = { states: sim.states, baselineLabels: sim.baselineLabels, candidateLabels: sim.candidateLabels, labelLayout: sim.labelLayout };
    let rg: CompareResult | undefined;
    for (const a of acc) {
      let res: CompareResult;
      if (a.estimator === 'rogan-gladen/delta') {
        const pooled = { tp: sim.baselineLabels.tp + sim.candidateLabels.tp, fn: sim.baselineLabels.fn + sim.candidateLabels.fn,
          fp: sim.baselineLabels.fp + sim.candidateLabels.fp, tn: sim.baselineLabels.tn + sim.candidateLabels.tn };
        rg ??= compareSystems('rogan-gladen', input, { level, draws, seed, margin: options.margin });
        const d = rgCompareDelta(pooled, stateMoments(sim.states), level);
        res = { ...rg, difference: d && { point: d.estimate, mean: d.estimate, median: d.estimate, lo: d.lo, hi: d.hi } };
        res.verdict = res.verdict === 'do-not-act' ? res.verdict : d && d.lo > 0 ? 'better' : 'inconclusive';
      } else {
        res = compareSystems(a.estimator, input, { level, draws, seed, margin: options.margin });
        if (a.estimator === 'rogan-gladen') rg = res;
      }
      score(a, res, r.delta);
    }
  }
  return acc.map((a) => ({ estimator: a.estimator, reps, estimated: a.estimated / reps, coverage: a.estimated ? a.covered / a.estimated : NaN,
    meanWidth: a.estimated ? a.width / a.estimated : NaN, aboveZero: a.above / reps, flagged: a.flagged / reps,
    coverageUnflagged: a.unflagged ? a.coveredUnflagged / a.unflagged : NaN, differential: a.diff / reps,
    ...(a.estimator === 'auto' ? { chosen: Object.fromEntries(Object.entries(a.chosen).map(([k, v]) => [k, v / reps])) } : {}) }));
}

function score(a: Acc, res: CompareResult, delta: number): void {
  const flagged = res.verdict === 'do-not-act' || !res.difference
    || res.diagnostics.some((x) => ASSUMPTION_FLAGS.has(x.code) && x.severity !== 'info');
  if (res.diagnostics.some((x) => DIFFERENTIAL_FLAGS.has(x.code) && x.severity !== 'info')) a.diff++;
  if (flagged) a.flagged++;
  if (res.verdict === 'better') a.above++;
  a.chosen[res.estimator] = (a.chosen[res.estimator] ?? 0) + 1;
  if (!res.difference) return;
  a.estimated++;
  const covered = res.difference.lo <= delta && delta <= res.difference.hi;
  if (covered) a.covered++;
  a.width += res.difference.hi - res.difference.lo;
  if (!flagged) {
    a.unflagged++;
    if (covered) a.coveredUnflagged++;
  }
}
