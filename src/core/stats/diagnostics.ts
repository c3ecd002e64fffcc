// Checks on the assumptions behind an estimate: the non-differential judge tests (Fisher exact on per-system
// TPR/FPR, and the judge-free cross-check against ppi++) and the agreement of the Monte Carlo interval with its
// delta-method cross-check.
import { gammaLn, normalCdf } from './jstat';
import { ppiCompare } from './ppi';
import { zFor } from './summary';
import { STATE_CELLS, stateMoments, type StateTable } from './stateTable';
import type { Confusion, CrossCheck, Diagnostic, LabelLayout, Summary } from './types';

/** Per-class label count below which the non-differential test has too little power to be trusted. */
export const MIN_TEST_LABELS = 10;
/** Significance level of the non-differential test (after Holm across the TPR and FPR tests). */
export const DIFFERENTIAL_ALPHA = 0.05;

function logChoose(n: number, k: number): number {
  return gammaLn(n + 1) - gammaLn(k + 1) - gammaLn(n - k + 1);
}

/** Two-sided Fisher exact test of the 2×2 table [[a, b], [c, d]]: sums tables no more likely than the observed. */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const row1 = a + b;
  const col1 = a + c;
  const n = a + b + c + d;
  if (row1 === 0 || col1 === 0 || row1 === n || col1 === n) return 1;
  const logDenom = logChoose(n, col1);
  const logP = (x: number): number => logChoose(row1, x) + logChoose(n - row1, col1 - x) - logDenom;
  const observed = logP(a);
  let p = 0;
  for (let x = Math.max(0, col1 - (n - row1)); x <= Math.min(row1, col1); x++) {
    const lp = logP(x);
    // Relative tolerance so tables tied with the observed one in exact arithmetic are counted.
    if (lp <= observed + 1e-7) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

/** Holm step-down adjusted p-values, in the input order. */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const k = pValues.length;
  const adjusted = new Array<number>(k);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (k - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** Outcome of testing that the judge errs at the same rates on both systems. */
export interface NonDifferentialTest {
  /** Fisher exact p-values comparing the systems' TPR and FPR. */
  pTpr: number;
  pFpr: number;
  /** Holm-adjusted smallest p-value of the two. */
  p: number;
  differential: boolean;
  /** False when some class has fewer than MIN_TEST_LABELS labels on a system, so the test has little power. */
  powered: boolean;
}

/** Fisher exact tests of per-system TPR and FPR (METHOD.md §4), Holm-adjusted across the two. */
export function nonDifferentialTest(baseline: Confusion, candidate: Confusion): NonDifferentialTest {
  const pTpr = fisherExact(baseline.tp, baseline.fn, candidate.tp, candidate.fn);
  const pFpr = fisherExact(baseline.fp, baseline.tn, candidate.fp, candidate.tn);
  const p = Math.min(...holm([pTpr, pFpr]));
  const powered = [baseline.tp + baseline.fn, baseline.fp + baseline.tn, candidate.tp + candidate.fn, candidate.fp + candidate.tn]
    .every((m) => m >= MIN_TEST_LABELS);
  return { pTpr, pFpr, p, differential: p < DIFFERENTIAL_ALPHA, powered };
}

/** What the judge-free cross-check needs besides the per-system labels. */
export interface CrossCheckContext {
  /** The calibration the judge-based estimator uses (pooled answered labels). */
  pooled: Confusion;
  states: StateTable;
  /** Interval level, for the ppi++ interval quoted in the message. */
  level: number;
  /** Which questions are labelled on which system, when known: the quoted ppi++ interval is then the ppi++ estimator's. */
  labelLayout?: LabelLayout;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}`;
const total = (c: Confusion | undefined): number => (c ? c.tp + c.fn + c.fp + c.tn : 0);

/**
 * Diagnostics for the non-differential assumption (METHOD §4): untested (a warning) while only one system, or
 * neither, has labels or a class has fewer than MIN_TEST_LABELS per system; otherwise the Fisher exact test of
 * per-system TPR/FPR and, with MIN_SYSTEM_LABELS labels per system, the judge-free cross-check against ppi++.
 * A failed test is an error ("do not act on this number"); a mild disagreement of the cross-check alone is a warning.
 */
export function differentialDiagnostics(baseline: Confusion | undefined, candidate: Confusion | undefined, context?: CrossCheckContext): Diagnostic[] {
  if (total(baseline) === 0 || total(candidate) === 0) {
    const other = total(baseline) > 0 ? 'the candidate' : total(candidate) > 0 ? 'the baseline' : 'both systems';
    return [{ code: 'differential-untested', severity: 'warning',
      message: `Untested assumption: the judge is assumed to err at the same rates on both systems' answered outputs; label ${other}'s outputs to test it.` }];
  }
  const t = nonDifferentialTest(baseline!, candidate!);
  const g = context && judgeFreeCheck(context.pooled, baseline!, candidate!, context.states, context.labelLayout);
  const ppiText = g && context
    ? `ppi++ (no assumption on the judge) gives ${pct(g.ppi)} points [${pct(g.ppi - zFor(context.level) * g.ppiSe)}, ${pct(g.ppi + zFor(context.level) * g.ppiSe)}]`
    : `ppi++ needs no assumption on the judge (it needs ${MIN_SYSTEM_LABELS}+ labels per system)`;
  const out: Diagnostic[] = [];
  if (t.differential) {
    out.push({ code: 'differential-judge', severity: 'error',
      message: `The judge's error rates differ between the systems (Fisher exact: TPR p = ${t.pTpr.toFixed(3)}, FPR p = ${t.pFpr.toFixed(3)}, Holm-adjusted p = ${t.p.toFixed(3)}), so the judge-corrected difference is biased; ${ppiText}.` });
  }
  if (g?.disagrees) {
    const strong = g.p < STRONG_DISAGREEMENT_ALPHA || t.differential;
    out.push({ code: 'differential-bias', severity: strong ? 'error' : 'warning',
      message: `The judge-corrected difference (${pct(g.rg)} points) disagrees with the judge-free ppi++ one on the same labels (z = ${g.z.toFixed(2)}, p = ${g.p.toFixed(3)}): the judge probably errs differently on the two systems, so ${strong ? 'do not act on this number' : 'it may be biased'}; ${ppiText}.` });
  }
  if (out.length === 0 && !t.powered) {
    out.push({ code: 'differential-untested', severity: 'warning',
      message: `Untested assumption: fewer than ${MIN_TEST_LABELS} labels of some class on one system, too few to test whether the judge errs at the same rates on both; label more outputs of both systems.` });
  }
  return out;
}

/**
 * Warns when the Monte Carlo interval and the delta-method interval disagree, which happens when the
 * posterior of 1/(TPR - FPR) is far from normal (a weak judge or few labels).
 */
export function crossCheckDiagnostics(mc: Summary, delta: CrossCheck | undefined): Diagnostic[] {
  const mcWidth = mc.hi - mc.lo;
  const deltaWidth = delta ? delta.hi - delta.lo : Infinity;
  const ratio = mcWidth > 0 ? deltaWidth / mcWidth : deltaWidth > 0 ? Infinity : 1;
  const shift = delta && mcWidth > 0 ? Math.abs((delta.lo + delta.hi) / 2 - (mc.lo + mc.hi) / 2) / mcWidth : 0;
  if (ratio > 1 / 1.5 && ratio < 1.5 && shift < 0.25) return [];
  return [{ code: 'delta-disagrees', severity: 'warning',
    message: delta
      ? `The delta-method cross-check [${delta.lo.toFixed(3)}, ${delta.hi.toFixed(3)}] disagrees with the Monte Carlo interval [${mc.lo.toFixed(3)}, ${mc.hi.toFixed(3)}]: the calibration is too uncertain for a normal approximation; label more outputs.`
      : 'The delta-method cross-check is undefined (the labelled TPR does not exceed the FPR); label more outputs.' }];
}

/** Labels each system needs before the judge-free cross-check is run (PPI++'s own minimum, METHOD.md §5). */
export const MIN_SYSTEM_LABELS = 30;
/** Two-sided level of the judge-free cross-check (a warning). */
export const DISAGREEMENT_ALPHA = 0.05;
/** Two-sided level at which the cross-check alone makes the result an error (do not act on the interval). */
export const STRONG_DISAGREEMENT_ALPHA = 0.01;

/** Outcome of comparing the Rogan-Gladen difference with the judge-free PPI++ difference on the same data. */
export interface JudgeFreeCheck {
  /** Plug-in Rogan-Gladen difference d̄/(T̂ - F̂) with the pooled calibration. */
  rg: number;
  /** PPI++ difference and its standard error (METHOD.md §5). */
  ppi: number;
  ppiSe: number;
  /** rg - ppi, its standard error (joint delta method, shared data accounted for), z and two-sided p. */
  gap: number;
  se: number;
  z: number;
  p: number;
  disagrees: boolean;
}

/** Sample variance of a variable taking values v0..v3 with counts c0..c3 (0 with fewer than two observations). */
function cellVar(v0: number, v1: number, v2: number, v3: number, c0: number, c1: number, c2: number, c3: number): number {
  const k = c0 + c1 + c2 + c3;
  if (k < 2) return 0;
  const mean = (c0 * v0 + c1 * v1 + c2 * v2 + c3 * v3) / k;
  const sq = (c0 * v0 * v0 + c1 * v1 * v1 + c2 * v2 * v2 + c3 * v3 * v3) / k;
  return Math.max(0, (sq - mean * mean) * k / (k - 1));
}

/**
 * Hausman-type test of the non-differential assumption through its consequence (METHOD §4): under it both the
 * IDK-aware Rogan-Gladen and the ppi++ difference estimate the true difference, so their gap is ~0; a differential
 * judge biases Rogan-Gladen but not ppi++. The gap's variance is the delta method over the paired outputs and the
 * labels, with each label's influence on both estimators, so their positive correlation is not double-counted.
 * `pooled` is the calibration Rogan-Gladen uses; when it is not the sum of the per-system labels it is treated
 * as a separate sample. Undefined when either system has fewer than MIN_SYSTEM_LABELS labels, n < 2 or T̂ <= F̂. O(1).
 * With the label layout, `ppiSe` is the ppi++ estimator's own (labels on the same questions counted); the gap's
 * variance still treats each system's labels as a sample of their own (README › Statistics).
 */
export function judgeFreeCheck(pooled: Confusion, baseline: Confusion, candidate: Confusion, states: StateTable, layout?: LabelLayout): JudgeFreeCheck | undefined {
  const mo = stateMoments(states);
  const mA = total(baseline);
  const mB = total(candidate);
  const mPos = pooled.tp + pooled.fn;
  const mNeg = pooled.fp + pooled.tn;
  if (mA < MIN_SYSTEM_LABELS || mB < MIN_SYSTEM_LABELS || mo.n < 2 || mPos === 0 || mNeg === 0) return undefined;
  const T = pooled.tp / mPos;
  const F = pooled.fp / mNeg;
  const k = T - F;
  if (!(k > 0)) return undefined;
  const rg = (mo.D - F * mo.E) / k;
  const ppi = ppiCompare(baseline, candidate, states, mo, layout);
  const lA = ppi.lambdaA;
  const lB = ppi.lambdaB;
  // Paired outputs: per-question influence (dx - F·da)/k - (λ_B x_B - λ_A x_A), one value per cell.
  let sum = 0, sumSq = 0;
  for (const c of STATE_CELLS) {
    const xA = c[0] === '1' ? 1 : 0, xB = c[1] === '1' ? 1 : 0;
    const da = (c[1] === 'i' ? 0 : 1) - (c[0] === 'i' ? 0 : 1);
    const v = (xB - xA - F * da) / k - (lB * xB - lA * xA);
    sum += states[c] * v;
    sumSq += states[c] * v * v;
  }
  let v = Math.max(0, (sumSq / mo.n - (sum / mo.n) ** 2) * mo.n / (mo.n - 1)) / mo.n;
  // Labels: each one's influence on Rogan-Gladen through T̂ (∂Δ/∂T = -Δ/k) and F̂ (∂Δ/∂F = (Δ - E)/k), when it is
  // part of the pooled calibration, plus its influence on ppi++ through the weighted rectifier (1 - r)·(Y - λf)/m.
  const shared = baseline.tp + candidate.tp === pooled.tp && baseline.fn + candidate.fn === pooled.fn
    && baseline.fp + candidate.fp === pooled.fp && baseline.tn + candidate.tn === pooled.tn;
  const iTp = -rg * (1 - T) / (k * mPos);
  const iFn = rg * T / (k * mPos);
  const iFp = (rg - mo.E) * (1 - F) / (k * mNeg);
  const iTn = -(rg - mo.E) * F / (k * mNeg);
  const w = shared ? 1 : 0;
  const wA = (1 - mo.rA) / mA;
  const wB = (1 - mo.rB) / mB;
  // G = rg - ppi and ppi = ... - (1 - r_A)·mean(r_A) + (1 - r_B)·mean(r_B): baseline rectifiers enter with +, the candidate's with -.
  v += mA * cellVar(w * iTp + wA * (1 - lA), w * iFn + wA, w * iFp - wA * lA, w * iTn, baseline.tp, baseline.fn, baseline.fp, baseline.tn);
  v += mB * cellVar(w * iTp - wB * (1 - lB), w * iFn - wB, w * iFp + wB * lB, w * iTn, candidate.tp, candidate.fn, candidate.fp, candidate.tn);
  if (!shared) v += (mPos + mNeg) * cellVar(iTp, iFn, iFp, iTn, pooled.tp, pooled.fn, pooled.fp, pooled.tn);
  const gap = rg - ppi.estimate;
  const se = Math.sqrt(v);
  const z = se > 0 ? gap / se : gap === 0 ? 0 : Math.sign(gap) * Infinity;
  const p = 2 * (1 - normalCdf(Math.abs(z)));
  return { rg, ppi: ppi.estimate, ppiSe: ppi.se, gap, se, z, p, disagrees: p < DISAGREEMENT_ALPHA };
}
