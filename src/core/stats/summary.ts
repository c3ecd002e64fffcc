// Summaries of Monte Carlo draws and of closed-form (Wald-type) intervals.
import { normalCdf, normalInv } from './jstat';
import type { Summary } from './types';

/** Linear-interpolation quantile (type 7) of an ascending array. */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const i = Math.floor(h);
  const f = h - i;
  return i + 1 < sorted.length ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
}

/** Mean, median and the equal-tailed interval at `level` of the draws; sorts them in place. */
export function summarizeDraws(draws: Float64Array, level: number): Summary {
  let sum = 0;
  for (let i = 0; i < draws.length; i++) sum += draws[i];
  draws.sort();
  const tail = (1 - level) / 2;
  return { mean: sum / draws.length, median: quantileSorted(draws, 0.5), lo: quantileSorted(draws, tail), hi: quantileSorted(draws, 1 - tail) };
}

/** Fraction of draws above `threshold`, ties counting one half (so identical systems give 0.5). */
export function fractionAbove(draws: Float64Array, threshold: number): number {
  let above = 0;
  let ties = 0;
  for (let i = 0; i < draws.length; i++) {
    if (draws[i] > threshold) above++;
    else if (draws[i] === threshold) ties++;
  }
  return (above + ties / 2) / draws.length;
}

/** Two-sided standard normal critical value for an interval at `level`. */
export function zFor(level: number): number {
  return normalInv(1 - (1 - level) / 2);
}

/** Wald-type summary: the point estimate as mean and median, estimate ± z·se. */
export function waldSummary(estimate: number, se: number, level: number): Summary {
  const half = zFor(level) * se;
  return { mean: estimate, median: estimate, lo: estimate - half, hi: estimate + half };
}

/** P(true value > threshold) under a Normal(estimate, se²) approximation; se = 0 gives 1, 0.5 or 0. */
export function normalAbove(estimate: number, se: number, threshold: number): number {
  if (se > 0) return normalCdf((estimate - threshold) / se);
  return estimate > threshold ? 1 : estimate === threshold ? 0.5 : 0;
}
