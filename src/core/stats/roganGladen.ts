// Rogan-Gladen correction, IDK-aware (METHOD §4, v2). On answered outputs the judged rate relates to the true
// accuracy by j_ans = θ_ans·T + (1 - θ_ans)·F; with IDK outputs known to be incorrect this gives
// θ = (j - (1 - r)·F)/(T - F) and, paired, Δ = w̄(F)/(T - F) with w̄(F) = D - F·E. Bayesian Monte Carlo over
// the truncated calibration posteriors plus the judged quantity's sampling noise; everything from counts.
import { bernoulliVar } from './paired';
import { type DrawResult } from './paper';
import { betaShape, type Rng } from './random';
import { scratch } from './scratch';
import { varW, type StateMoments, type SystemStates } from './stateTable';
import { fractionAbove, summarizeDraws, zFor } from './summary';
import type { Confusion, CrossCheck } from './types';

/** Rejection budget: below ~2% acceptance the judge is no better than chance and the estimate is undefined. */
const MAX_ATTEMPTS_PER_DRAW = 50;

/** Draws from the TPR/FPR posteriors truncated to TPR > FPR. */
export interface TruncatedDraws {
  tpr: Float64Array;
  fpr: Float64Array;
  rejectedFraction: number;
}

/**
 * Rejection sampling of (TPR, FPR) from Beta posteriors restricted to TPR > FPR; undefined when almost every draw
 * is rejected. With `reuse` the draws live in the shared scratch buffers: for a caller that is done with them
 * before the next estimate starts (every estimator; not the planner, which keeps them).
 */
export function drawTruncated(c: Confusion, draws: number, rng: Rng, reuse = false): TruncatedDraws | undefined {
  const tpr = reuse ? scratch('tpr', draws) : new Float64Array(draws);
  const fpr = reuse ? scratch('fpr', draws) : new Float64Array(draws);
  const tShape = betaShape(c.tp + 1, c.fn + 1);
  const fShape = betaShape(c.fp + 1, c.tn + 1);
  const budget = draws * MAX_ATTEMPTS_PER_DRAW;
  let attempts = 0;
  for (let s = 0; s < draws; ) {
    if (attempts >= budget) return undefined;
    attempts++;
    const t = rng.betaOf(tShape);
    const f = rng.betaOf(fShape);
    if (t > f) {
      tpr[s] = t;
      fpr[s] = f;
      s++;
    }
  }
  return { tpr, fpr, rejectedFraction: (attempts - draws) / attempts };
}

/** Point estimates of TPR and FPR: the MLE, or 0.5 for an empty class. */
export function pointRates(c: Confusion): { t: number; f: number; mPos: number; mNeg: number } {
  const mPos = c.tp + c.fn;
  const mNeg = c.fp + c.tn;
  return { t: mPos > 0 ? c.tp / mPos : 0.5, f: mNeg > 0 ? c.fp / mNeg : 0.5, mPos, mNeg };
}

/** Labelled answered outputs per human class of one compared system (they are among the n judged ones). */
export interface ClassCounts {
  pos: number;
  neg: number;
}

export const classCounts = (c: Confusion | undefined): ClassCounts => (c ? { pos: c.tp + c.fn, neg: c.fp + c.tn } : { pos: 0, neg: 0 });

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** The range a true difference can take: θ_A ∈ [0, 1 - r_A], θ_B ∈ [0, 1 - r_B]. */
export function differenceRange(m: StateMoments): { lo: number; hi: number } {
  return m.n > 0 ? { lo: -(1 - m.rA), hi: 1 - m.rB } : { lo: -1, hi: 1 };
}

/**
 * Paired difference (METHOD §4): d_s ~ Normal(w̄(F_s) + b_T·(T_s - T̂) + b_F·(F_s - F̂),
 * max(0, var_w(F_s)/n - b_T²·T̂(1-T̂)/m₊ - b_F²·F̂(1-F̂)/m₋)), Δ_s = d_s/(T_s - F_s), each draw clipped to the
 * range a difference can take. b_T, b_F correct for labelled outputs being among the judged ones; they vanish
 * with labels balanced across the two systems.
 */
export function rgCompare(tr: TruncatedDraws, pooled: Confusion, m: StateMoments, kA: ClassCounts, kB: ClassCounts,
  level: number, margin: number, rng: Rng): DrawResult {
  const { t: tHat, f: fHat, mPos, mNeg } = pointRates(pooled);
  const n = Math.max(m.n, 1);
  const bT = mPos > 0 ? (kB.pos - kA.pos) / n : 0;
  const bF = mNeg > 0 ? (kB.neg - kA.neg) / n : 0;
  const shrink = (mPos > 0 ? (bT * bT * tHat * (1 - tHat)) / mPos : 0) + (mNeg > 0 ? (bF * bF * fHat * (1 - fHat)) / mNeg : 0);
  const range = differenceRange(m);
  const draws = tr.tpr.length;
  const out = scratch('draws', draws);
  for (let s = 0; s < draws; s++) {
    const T = tr.tpr[s];
    const F = tr.fpr[s];
    const mean = m.D - F * m.E + bT * (T - tHat) + bF * (F - fHat);
    const sd = Math.sqrt(Math.max(0, varW(m, F) / n - shrink));
    out[s] = clamp((mean + sd * rng.normal()) / (T - F), range.lo, range.hi);
  }
  const pAbove = fractionAbove(out, 0);
  const pNotInferior = margin === 0 ? pAbove : fractionAbove(out, -margin);
  return { summary: summarizeDraws(out, level), pAbove, pNotInferior };
}

/** One system: θ_s = clip((j_s - (1 - r)·F_s)/(T_s - F_s), 0, 1 - r), j_s ~ Normal(j, j(1-j)/(n-1)). */
export function rgOne(tr: TruncatedDraws, s: SystemStates, level: number, rng: Rng): DrawResult {
  const n = s.correct + s.incorrect + s.idk;
  const j = n > 0 ? s.correct / n : 0.5;
  const r = n > 0 ? s.idk / n : 0;
  const sd = Math.sqrt(n > 1 ? (j * (1 - j)) / (n - 1) : 0.25);
  const draws = tr.tpr.length;
  const out = scratch('draws', draws);
  for (let k = 0; k < draws; k++) {
    out[k] = clamp((j + sd * rng.normal() - (1 - r) * tr.fpr[k]) / (tr.tpr[k] - tr.fpr[k]), 0, 1 - r);
  }
  const pAbove = fractionAbove(out, 0.5);
  return { summary: summarizeDraws(out, level), pAbove, pNotInferior: pAbove };
}

/** Delta-method Wald interval of one system's estimate; undefined when T̂ <= F̂. */
export function rgOneDelta(c: Confusion, s: SystemStates, level: number): CrossCheck | undefined {
  const { t, f, mPos, mNeg } = pointRates(c);
  const n = s.correct + s.incorrect + s.idk;
  if (t <= f || n === 0) return undefined;
  const r = s.idk / n;
  const theta = (s.correct / n - (1 - r) * f) / (t - f);
  const v = (bernoulliVar(s.correct, n) / n + theta * theta * (mPos > 0 ? (t * (1 - t)) / mPos : 0.25)
    + (theta - (1 - r)) ** 2 * (mNeg > 0 ? (f * (1 - f)) / mNeg : 0.25)) / ((t - f) * (t - f));
  const half = zFor(level) * Math.sqrt(v);
  return { estimate: theta, lo: theta - half, hi: theta + half };
}

/**
 * Delta-method Wald interval of the difference (METHOD §4):
 * Var(Δ̂) = [var_w(F̂)/n + Δ̂²·T(1-T)/m₊ + (Δ̂ - E)²·F(1-F)/m₋]/(T - F)²; undefined when T̂ <= F̂.
 */
export function rgCompareDelta(c: Confusion, m: StateMoments, level: number): CrossCheck | undefined {
  const { t, f, mPos, mNeg } = pointRates(c);
  if (t <= f || m.n === 0) return undefined;
  const delta = (m.D - f * m.E) / (t - f);
  const v = (varW(m, f) / m.n + delta * delta * (mPos > 0 ? (t * (1 - t)) / mPos : 0.25)
    + (delta - m.E) ** 2 * (mNeg > 0 ? (f * (1 - f)) / mNeg : 0.25)) / ((t - f) * (t - f));
  const half = zFor(level) * Math.sqrt(v);
  return { estimate: delta, lo: delta - half, hi: delta + half };
}
