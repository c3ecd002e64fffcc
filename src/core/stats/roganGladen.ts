// Rogan-Gladen correction (METHOD.md §4), the default estimator: θ = (j - FPR)/(TPR - FPR), by Bayesian Monte
// Carlo over the truncated calibration posteriors plus the judged quantity's sampling noise.
import { bernoulliVar, pairedStats } from './paired';
import { type DrawResult } from './paper';
import { type Rng } from './random';
import { fractionAbove, summarizeDraws, zFor } from './summary';
import type { Confusion, CrossCheck, PairedTable } from './types';

/** Rejection budget: below ~2% acceptance the judge is no better than chance and the estimate is undefined. */
const MAX_ATTEMPTS_PER_DRAW = 50;

/** Draws from the TPR/FPR posteriors truncated to TPR > FPR, or null when almost every draw is rejected. */
export interface TruncatedDraws {
  tpr: Float64Array;
  fpr: Float64Array;
  rejectedFraction: number;
}

/** Rejection sampling of (TPR, FPR) from Beta posteriors restricted to TPR > FPR. */
export function drawTruncated(c: Confusion, draws: number, rng: Rng): TruncatedDraws | undefined {
  const tpr = new Float64Array(draws);
  const fpr = new Float64Array(draws);
  const budget = draws * MAX_ATTEMPTS_PER_DRAW;
  let attempts = 0;
  for (let s = 0; s < draws; ) {
    if (attempts >= budget) return undefined;
    attempts++;
    const t = rng.beta(c.tp + 1, c.fn + 1);
    const f = rng.beta(c.fp + 1, c.tn + 1);
    if (t > f) {
      tpr[s] = t;
      fpr[s] = f;
      s++;
    }
  }
  return { tpr, fpr, rejectedFraction: (attempts - draws) / attempts };
}

/** Point estimates of TPR and FPR for the delta method: the MLE, or the posterior mean for an empty class. */
function pointRates(c: Confusion): { t: number; f: number; mPos: number; mNeg: number } {
  const mPos = c.tp + c.fn;
  const mNeg = c.fp + c.tn;
  return { t: mPos > 0 ? c.tp / mPos : 0.5, f: mNeg > 0 ? c.fp / mNeg : 0.5, mPos, mNeg };
}

/** One system: θ_s = clip((j_s - FPR_s)/(TPR_s - FPR_s), 0, 1), j_s ~ Normal(j, j(1-j)/(n-1)). */
export function rgOne(tr: TruncatedDraws, judged: number, n: number, level: number, rng: Rng): DrawResult {
  const j = n > 0 ? judged / n : 0.5;
  const sd = Math.sqrt(n > 1 ? (j * (1 - j)) / (n - 1) : 0.25);
  const draws = tr.tpr.length;
  const out = new Float64Array(draws);
  for (let s = 0; s < draws; s++) {
    const theta = (j + sd * rng.normal() - tr.fpr[s]) / (tr.tpr[s] - tr.fpr[s]);
    out[s] = theta < 0 ? 0 : theta > 1 ? 1 : theta;
  }
  const pAbove = fractionAbove(out, 0.5);
  return { summary: summarizeDraws(out, level), pAbove, pNotInferior: pAbove };
}

/** Paired difference: Δ_s = d_s/(TPR_s - FPR_s), d_s ~ Normal(d̄, var_x/n). */
export function rgCompare(tr: TruncatedDraws, t: PairedTable, level: number, margin: number, rng: Rng): DrawResult {
  const { n, dBar, varX } = pairedStats(t);
  const sd = n > 0 ? Math.sqrt(varX / n) : 1;
  const draws = tr.tpr.length;
  const out = new Float64Array(draws);
  for (let s = 0; s < draws; s++) out[s] = (dBar + sd * rng.normal()) / (tr.tpr[s] - tr.fpr[s]);
  const pAbove = fractionAbove(out, 0);
  const pNotInferior = margin === 0 ? pAbove : fractionAbove(out, -margin);
  return { summary: summarizeDraws(out, level), pAbove, pNotInferior };
}

/** Delta-method Wald interval for one system's Rogan-Gladen estimate; undefined when T̂ <= F̂. */
export function rgOneDelta(c: Confusion, judged: number, n: number, level: number): CrossCheck | undefined {
  const { t, f, mPos, mNeg } = pointRates(c);
  if (t <= f || n === 0) return undefined;
  const j = judged / n;
  const theta = (j - f) / (t - f);
  const v = (bernoulliVar(judged, n) / n + theta * theta * (mPos > 0 ? t * (1 - t) / mPos : 0.25)
    + (1 - theta) * (1 - theta) * (mNeg > 0 ? f * (1 - f) / mNeg : 0.25)) / ((t - f) * (t - f));
  const half = zFor(level) * Math.sqrt(v);
  return { estimate: theta, lo: theta - half, hi: theta + half };
}

/** Delta-method Wald interval of METHOD.md §4 for the difference; undefined when T̂ <= F̂. */
export function rgCompareDelta(c: Confusion, paired: PairedTable, level: number): CrossCheck | undefined {
  const { t, f, mPos, mNeg } = pointRates(c);
  const { n, dBar, varX } = pairedStats(paired);
  if (t <= f || n === 0) return undefined;
  const delta = dBar / (t - f);
  const v = (varX / n + delta * delta * ((mPos > 0 ? t * (1 - t) / mPos : 0.25) + (mNeg > 0 ? f * (1 - f) / mNeg : 0.25)))
    / ((t - f) * (t - f));
  const half = zFor(level) * Math.sqrt(v);
  return { estimate: delta, lo: delta - half, hi: delta + half };
}
