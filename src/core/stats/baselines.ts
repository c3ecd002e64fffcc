// Human-only and naive baselines (METHOD.md §6), shown beside the chosen estimator.
import { pairedStats } from './paired';
import { zFor } from './summary';
import type { PairedTable } from './types';

/** Wilson score interval for k successes out of m; [0, 1] around 0.5 when m = 0. */
export function wilson(k: number, m: number, level: number): { estimate: number; lo: number; hi: number } {
  if (m === 0) return { estimate: 0.5, lo: 0, hi: 1 };
  const z = zFor(level);
  const p = k / m;
  const z2 = z * z;
  const denom = 1 + z2 / m;
  const centre = (p + z2 / (2 * m)) / denom;
  const half = (z / denom) * Math.sqrt(p * (1 - p) / m + z2 / (4 * m * m));
  return { estimate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/** Newcombe's hybrid score interval (method 10) for pB - pA from independent samples. */
export function newcombe(kA: number, mA: number, kB: number, mB: number, level: number): { estimate: number; lo: number; hi: number; se: number } {
  const a = wilson(kA, mA, level);
  const b = wilson(kB, mB, level);
  const estimate = b.estimate - a.estimate;
  const lo = estimate - Math.sqrt((b.estimate - b.lo) ** 2 + (a.hi - a.estimate) ** 2);
  const hi = estimate + Math.sqrt((b.hi - b.estimate) ** 2 + (a.estimate - a.lo) ** 2);
  // For P(better): an unpooled normal approximation; the empty sample contributes its maximal variance.
  const va = mA > 0 ? a.estimate * (1 - a.estimate) / mA : 0.25;
  const vb = mB > 0 ? b.estimate * (1 - b.estimate) / mB : 0.25;
  return { estimate, lo, hi, se: Math.sqrt(va + vb) };
}

/**
 * Human-only difference, IDK-aware (METHOD §6): (1 - r_B)·θ_ans,B - (1 - r_A)·θ_ans,A by MOVER (Zou & Donner)
 * with the Wilson limits of each answered accuracy scaled by its answered share (r is measured on all n and
 * treated as known). `correlation` is that of the two estimated accuracies, 0 for independent label sets: when
 * the systems are labelled on some of the same questions it is positive, and MOVER subtracts
 * 2·correlation·(θ_B - l_B)·(u_A - θ_A) under the square root (Newcombe's paired form; 0 gives METHOD's formula).
 * `se` is the one-sided standard error on the side of 0, so P(better) from it agrees with the interval: lo > 0
 * exactly when P(better) > 1 - (1 - level)/2.
 */
export function moverDifference(a: { correct: number; labelled: number; answeredShare: number },
  b: { correct: number; labelled: number; answeredShare: number }, level: number, correlation = 0): { estimate: number; lo: number; hi: number; se: number } {
  const wa = wilson(a.correct, a.labelled, level);
  const wb = wilson(b.correct, b.labelled, level);
  const sa = a.answeredShare;
  const sb = b.answeredShare;
  const estimate = sb * wb.estimate - sa * wa.estimate;
  const lo = estimate - moverHalf(sb * (wb.estimate - wb.lo), sa * (wa.hi - wa.estimate), correlation);
  const hi = estimate + moverHalf(sb * (wb.hi - wb.estimate), sa * (wa.estimate - wa.lo), correlation);
  const z = zFor(level);
  const se = (estimate >= 0 ? estimate - lo : hi - estimate) / z;
  return { estimate, lo, hi, se };
}

/** sqrt(x² + y² - 2·ρ·x·y), the MOVER half-width of a difference of two correlated estimates; hypot when ρ = 0. */
function moverHalf(x: number, y: number, rho: number): number {
  return rho === 0 ? Math.hypot(x, y) : Math.sqrt(Math.max(0, x * x + y * y - 2 * rho * x * y));
}

/** Naive paired z-test on raw verdicts: d̄ ± z·sqrt(var_x/n) (uncalibrated). */
export function naivePaired(t: PairedTable): { estimate: number; se: number } {
  const { n, dBar, varX } = pairedStats(t);
  return { estimate: dBar, se: n > 0 ? Math.sqrt(varX / n) : 1 };
}
