// The paper's estimator (METHOD.md §3), reproduction mode. Per-example posteriors depend only on the verdict,
// so each Monte Carlo draw is O(1) and a whole comparison is O(S) whatever n is.
import { pairedStats } from './paired';
import { betaShape, type Rng } from './random';
import { scratch } from './scratch';
import { fractionAbove, summarizeDraws } from './summary';
import type { Confusion, PairedTable, Summary } from './types';

/** Draw-level outcome of an MC estimator, before diagnostics are attached. */
export interface DrawResult {
  summary: Summary;
  pAbove: number;
  pNotInferior: number;
}

/** One system: μ_s = j·a_s + (1 - j)·b_s with the fixed 0.5 prior. */
export function paperOne(c: Confusion, judged: number, n: number, draws: number, level: number, rng: Rng): DrawResult {
  const j = n > 0 ? judged / n : 0;
  const out = scratch('draws', draws);
  const tShape = betaShape(c.tp + 1, c.fn + 1);
  const fShape = betaShape(c.fp + 1, c.tn + 1);
  for (let s = 0; s < draws; s++) {
    const t = rng.betaOf(tShape);
    const f = rng.betaOf(fShape);
    out[s] = j * (t / (t + f)) + (1 - j) * ((1 - t) / (2 - t - f));
  }
  const pAbove = fractionAbove(out, 0.5);
  const summary = summarizeDraws(out, level);
  // The paper reports the mean of the draws (METHOD §3).
  return { summary: { ...summary, point: summary.mean }, pAbove, pNotInferior: pAbove };
}

/** Paired difference: Δ_s ~ Normal(g_s·d̄, g_s²·var_x/n), g_s = a_s - b_s; one normal draw per (TPR, FPR) draw. */
export function paperCompare(c: Confusion, t: PairedTable, draws: number, level: number, margin: number, rng: Rng): DrawResult {
  const { n, dBar, varX } = pairedStats(t);
  const sd = n > 0 ? Math.sqrt(varX / n) : 1;
  const out = scratch('draws', draws);
  const tShape = betaShape(c.tp + 1, c.fn + 1);
  const fShape = betaShape(c.fp + 1, c.tn + 1);
  for (let s = 0; s < draws; s++) {
    const tpr = rng.betaOf(tShape);
    const fpr = rng.betaOf(fShape);
    const g = tpr / (tpr + fpr) - (1 - tpr) / (2 - tpr - fpr);
    out[s] = g * (dBar + sd * rng.normal());
  }
  const pAbove = fractionAbove(out, 0);
  const pNotInferior = margin === 0 ? pAbove : fractionAbove(out, -margin);
  const summary = summarizeDraws(out, level);
  return { summary: { ...summary, point: summary.mean }, pAbove, pNotInferior };
}
