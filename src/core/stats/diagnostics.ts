// Checks on the assumptions behind an estimate: the non-differential judge test (Fisher exact) and the
// agreement of the Monte Carlo interval with its delta-method cross-check.
import { gammaLn } from './jstat';
import type { Confusion, CrossCheck, Diagnostic, Summary } from './types';

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

/** Diagnostics for the non-differential assumption, given per-system labels when there are any. */
export function differentialDiagnostics(baseline?: Confusion, candidate?: Confusion): Diagnostic[] {
  if (!baseline || !candidate) {
    return [{ code: 'differential-untested', severity: 'info',
      message: 'The judge is assumed to err at the same rates on both systems; label outputs of both systems to test it.' }];
  }
  const t = nonDifferentialTest(baseline, candidate);
  if (t.differential) {
    return [{ code: 'differential-judge', severity: 'warning',
      message: `The judge's error rates differ between the systems (Fisher exact: TPR p = ${t.pTpr.toFixed(3)}, FPR p = ${t.pFpr.toFixed(3)}, Holm-adjusted p = ${t.p.toFixed(3)}), so the corrected difference may be biased; prefer ppi++.` }];
  }
  if (!t.powered) {
    return [{ code: 'differential-untested', severity: 'warning',
      message: `Too few labels per system and class (fewer than ${MIN_TEST_LABELS}) to test whether the judge errs at the same rates on both systems.` }];
  }
  return [];
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
