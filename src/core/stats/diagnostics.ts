// Checks on the assumptions behind an estimate: the non-differential judge tests (Fisher exact on per-system
// TPR/FPR, and the judge-free cross-check against ppi++) and the agreement of the Monte Carlo interval with its
// delta-method cross-check.
import { gammaLn, normalCdf } from './jstat';
import { pairedStats } from './paired';
import { ppiCompare } from './ppi';
import { zFor } from './summary';
import type { Confusion, CrossCheck, Diagnostic, PairedTable, Summary } from './types';

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
  /** The calibration the judge-based estimator uses (pooled labels). */
  pooled: Confusion;
  paired: PairedTable;
  /** Interval level, for the ppi++ interval quoted in the message. */
  level: number;
}

/** Labels per class and system from which the non-differential checks detect a moderate difference reliably. */
export const RELIABLE_CLASS_LABELS = 100;

const pct = (x: number): string => `${(100 * x).toFixed(1)}`;

/**
 * Diagnostics for the non-differential assumption (METHOD.md §4, §9), given per-system labels when there are any:
 * the Fisher exact test of per-system TPR/FPR (`differential-judge`, a warning) and, with at least
 * MIN_SYSTEM_LABELS labels per system, the judge-free cross-check (`differential-bias`): a warning when the
 * Rogan-Gladen and ppi++ differences disagree at DISAGREEMENT_ALPHA, an error ("do not act on this interval")
 * when they disagree at p < 0.01 or the Fisher test agrees. Both point to the ppi++ interval.
 */
export function differentialDiagnostics(baseline?: Confusion, candidate?: Confusion, context?: CrossCheckContext): Diagnostic[] {
  if (!baseline || !candidate) {
    return [{ code: 'differential-untested', severity: 'info',
      message: 'The judge is assumed to err at the same rates on both systems; label outputs of both systems to test it.' }];
  }
  const t = nonDifferentialTest(baseline, candidate);
  const g = context && judgeFreeCheck(context.pooled, baseline, candidate, context.paired);
  const ppiText = g && context
    ? `ppi++ (no assumption on the judge) gives ${pct(g.ppi)} points [${pct(g.ppi - zFor(context.level) * g.ppiSe)}, ${pct(g.ppi + zFor(context.level) * g.ppiSe)}]`
    : `prefer ppi++ (no assumption on the judge; it needs at least ${MIN_SYSTEM_LABELS} labels per system)`;
  const out: Diagnostic[] = [];
  if (t.differential) {
    out.push({ code: 'differential-judge', severity: 'warning',
      message: `The judge's error rates differ between the systems (Fisher exact: TPR p = ${t.pTpr.toFixed(3)}, FPR p = ${t.pFpr.toFixed(3)}, Holm-adjusted p = ${t.p.toFixed(3)}), so the corrected difference may be biased; ${ppiText}.` });
  }
  if (g?.disagrees) {
    const strong = g.p < STRONG_DISAGREEMENT_ALPHA || t.differential;
    out.push({ code: 'differential-bias', severity: strong ? 'error' : 'warning',
      message: `The Rogan-Gladen-corrected difference (${pct(g.rg)} points) disagrees with the judge-free ppi++ one on the same labels (z = ${g.z.toFixed(2)}, p = ${g.p.toFixed(3)}): the judge probably errs differently on the two systems, so ${strong ? 'do not act on this interval' : 'this interval may be biased'}; ${ppiText}.` });
  }
  if (out.length === 0 && !t.powered) {
    out.push({ code: 'differential-untested', severity: 'warning',
      message: `Too few labels per system and class (fewer than ${MIN_TEST_LABELS}) to test whether the judge errs at the same rates on both systems.` });
  } else if (out.length === 0) {
    // Both checks passed, but with few labels per class they miss a moderate difference in error rates about
    // half the time (bench:coverage, differential regime): say so, so the regime is visible, not hidden.
    const fewest = Math.min(baseline.tp + baseline.fn, baseline.fp + baseline.tn, candidate.tp + candidate.fn, candidate.fp + candidate.tn);
    if (fewest < RELIABLE_CLASS_LABELS) {
      out.push({ code: 'judge-check-low-power', severity: 'info',
        message: `No sign that the judge errs differently on the two systems, but with ${fewest} labels in the smallest class per system the checks would miss a moderate difference about half the time; if the candidate answers differently in kind (length, refusals), compare with ppi++: ${ppiText}.` });
    }
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
 * Hausman-type test of the non-differential assumption through its consequence (METHOD.md §4, §9): under
 * it both the Rogan-Gladen and the PPI++ difference estimate the true difference, so their gap is ~0; a
 * differential judge biases Rogan-Gladen but not PPI++. The gap's variance is the delta method over the three
 * independent samples (paired verdicts, baseline labels, candidate labels), with each label's influence on
 * both estimators, so the positive correlation of the two estimators is not double-counted. `pooled` is the
 * calibration Rogan-Gladen uses; when it is not the sum of the per-system labels it is treated as a separate
 * sample. Undefined when either system has fewer than MIN_SYSTEM_LABELS labels, n < 2 or T̂ <= F̂. O(1).
 */
export function judgeFreeCheck(pooled: Confusion, baseline: Confusion, candidate: Confusion, t: PairedTable): JudgeFreeCheck | undefined {
  const mA = baseline.tp + baseline.fn + baseline.fp + baseline.tn;
  const mB = candidate.tp + candidate.fn + candidate.fp + candidate.tn;
  const { n, dBar } = pairedStats(t);
  const mPos = pooled.tp + pooled.fn;
  const mNeg = pooled.fp + pooled.tn;
  if (mA < MIN_SYSTEM_LABELS || mB < MIN_SYSTEM_LABELS || n < 2 || mPos === 0 || mNeg === 0) return undefined;
  const T = pooled.tp / mPos;
  const F = pooled.fp / mNeg;
  const k = T - F;
  if (!(k > 0)) return undefined;
  const rg = dBar / k;
  const ppi = ppiCompare(baseline, candidate, t);
  const lA = ppi.lambdaA;
  const lB = ppi.lambdaB;
  // Paired verdicts: per-example influence x/k - D, x = f_B - f_A, D = λ_B f_B - λ_A f_A (cells 11, 10, 01, 00).
  let v = cellVar(lA - lB, -1 / k + lA, 1 / k - lB, 0, t.n11, t.n10, t.n01, t.n00) / n;
  // Labels: each one's influence on Rogan-Gladen through T̂ and F̂ (when it is part of the pooled calibration),
  // plus its influence ±r/m on ppi++ through the rectifier r = Y - λf (TP 1-λ, FN 1, FP -λ, TN 0).
  const shared = baseline.tp + candidate.tp === pooled.tp && baseline.fn + candidate.fn === pooled.fn
    && baseline.fp + candidate.fp === pooled.fp && baseline.tn + candidate.tn === pooled.tn;
  const iTp = -rg * (1 - T) / (k * mPos);
  const iFn = rg * T / (k * mPos);
  const iFp = rg * (1 - F) / (k * mNeg);
  const iTn = -rg * F / (k * mNeg);
  const w = shared ? 1 : 0;
  // G = rg - ppi and ppi = ... - mean(r_A) + mean(r_B): baseline rectifiers enter with +, candidate's with -.
  v += mA * cellVar(w * iTp + (1 - lA) / mA, w * iFn + 1 / mA, w * iFp - lA / mA, w * iTn, baseline.tp, baseline.fn, baseline.fp, baseline.tn);
  v += mB * cellVar(w * iTp - (1 - lB) / mB, w * iFn - 1 / mB, w * iFp + lB / mB, w * iTn, candidate.tp, candidate.fn, candidate.fp, candidate.tn);
  if (!shared) v += (mPos + mNeg) * cellVar(iTp, iFn, iFp, iTn, pooled.tp, pooled.fn, pooled.fp, pooled.tn);
  const gap = rg - ppi.estimate;
  const se = Math.sqrt(v);
  const z = se > 0 ? gap / se : gap === 0 ? 0 : Math.sign(gap) * Infinity;
  const p = 2 * (1 - normalCdf(Math.abs(z)));
  return { rg, ppi: ppi.estimate, ppiSe: ppi.se, gap, se, z, p, disagrees: p < DISAGREEMENT_ALPHA };
}
