// Count reductions of the paired verdict table: everything the estimators need is O(1) to compute.
import type { PairedTable } from './types';

/** Sufficient statistics of a paired verdict table. */
export interface PairedStats {
  n: number;
  /** Mean verdict difference (n01 - n10) / n: candidate - baseline judged rate. */
  dBar: number;
  /** Sample variance of the per-example verdict difference (METHOD.md §3). */
  varX: number;
  /** Judged-correct rates of baseline and candidate. */
  jA: number;
  jB: number;
}

/** d̄ and var_x of METHOD.md §3; with n < 2 the variance takes its largest possible value, 1. */
export function pairedStats(t: PairedTable): PairedStats {
  const n = t.n11 + t.n10 + t.n01 + t.n00;
  if (n === 0) return { n, dBar: 0, varX: 1, jA: 0, jB: 0 };
  const dBar = (t.n01 - t.n10) / n;
  // Clamp at 0: rounding can make (n01+n10)/n - d̄² a hair negative when all discordant pairs agree in sign.
  const varX = n < 2 ? 1 : Math.max(0, ((t.n01 + t.n10) / n - dBar * dBar) * n / (n - 1));
  return { n, dBar, varX, jA: (t.n11 + t.n10) / n, jB: (t.n11 + t.n01) / n };
}

/** Sample variance of a 0/1 variable with k ones out of n; 0.25 (the maximum) when n < 2. */
export function bernoulliVar(k: number, n: number): number {
  if (n < 2) return 0.25;
  const p = k / n;
  return p * (1 - p) * n / (n - 1);
}
