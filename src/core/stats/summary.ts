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

/** Mean, median and the equal-tailed interval at `level` of the draws; reorders them in place. */
export function summarizeDraws(draws: Float64Array, level: number): Summary {
  let sum = 0;
  for (let i = 0; i < draws.length; i++) sum += draws[i];
  const tail = (1 - level) / 2;
  // Selection instead of a full sort keeps a summary O(S): each quantile only narrows the range for the next.
  const lo = quantileSelect(draws, tail, 0);
  const median = quantileSelect(draws, 0.5, Math.floor((draws.length - 1) * tail) + 1);
  const hi = quantileSelect(draws, 1 - tail, Math.floor((draws.length - 1) * 0.5) + 1);
  return { point: median, mean: sum / draws.length, median, lo, hi };
}

/**
 * Type-7 quantile p of `a`, where every element before `from` is already no larger than the rest
 * (so selection can start there). Leaves a partially ordered.
 */
function quantileSelect(a: Float64Array, p: number, from: number): number {
  const h = (a.length - 1) * p;
  const k = Math.floor(h);
  select(a, Math.min(k, a.length - 1), Math.min(from, k));
  if (k + 1 >= a.length || h === k) return a[k];
  let next = a[k + 1];
  for (let i = k + 2; i < a.length; i++) if (a[i] < next) next = a[i];
  return a[k] + (h - k) * (next - a[k]);
}

/** Hoare quickselect with median-of-three pivots: puts the k-th smallest of a[left..] at index k. */
function select(a: Float64Array, k: number, left: number): void {
  let l = left;
  let r = a.length - 1;
  while (r > l) {
    const m = (l + r) >>> 1;
    // Median of three as the pivot avoids quadratic behaviour on sorted or constant input.
    if (a[m] < a[l]) swap(a, m, l);
    if (a[r] < a[l]) swap(a, r, l);
    if (a[r] < a[m]) swap(a, r, m);
    const pivot = a[m];
    let i = l;
    let j = r;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else return;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
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

/** Wald-type summary: the point estimate as point, mean and median, estimate ± z·se. */
export function waldSummary(estimate: number, se: number, level: number): Summary {
  const half = zFor(level) * se;
  return { point: estimate, mean: estimate, median: estimate, lo: estimate - half, hi: estimate + half };
}

/** A closed-form summary of a point and its interval. */
export function closedSummary(estimate: number, lo: number, hi: number): Summary {
  return { point: estimate, mean: estimate, median: estimate, lo, hi };
}

/** Clips a summary to [lo, hi] (the range the quantity can take), keeping the point inside its interval. */
export function clipSummary(s: Summary, lo: number, hi: number): Summary {
  const c = (x: number): number => (x < lo ? lo : x > hi ? hi : x);
  const l = c(s.lo);
  const h = c(s.hi);
  const inside = (x: number): number => (x < l ? l : x > h ? h : x);
  return { point: inside(c(s.point)), mean: c(s.mean), median: c(s.median), lo: l, hi: h };
}

/** P(true value > threshold) under a Normal(estimate, se²) approximation; se = 0 gives 1, 0.5 or 0. */
export function normalAbove(estimate: number, se: number, threshold: number): number {
  if (se > 0) return normalCdf((estimate - threshold) / se);
  return estimate > threshold ? 1 : estimate === threshold ? 0.5 : 0;
}
