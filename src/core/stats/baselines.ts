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

/** Naive paired z-test on raw verdicts: d̄ ± z·sqrt(var_x/n) (uncalibrated). */
export function naivePaired(t: PairedTable): { estimate: number; se: number } {
  const { n, dBar, varX } = pairedStats(t);
  return { estimate: dBar, se: n > 0 ? Math.sqrt(varX / n) : 1 };
}
