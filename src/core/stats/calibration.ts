// Judge calibration (METHOD.md §2): Beta posteriors of TPR and FPR under uniform priors, exact quantiles.
import { betaInv, betaLn } from './jstat';
import type { Confusion, Diagnostic } from './types';

/** Minimum human positives and negatives before a calibration counts as adequate (METHOD.md §8). */
export const MIN_CLASS_LABELS = 30;
/** P(TPR <= FPR) above which a metric is marked uninformative (METHOD.md §2). */
export const UNINFORMATIVE_THRESHOLD = 0.01;

/** Posterior mean and equal-tailed interval of a rate. */
export interface RatePosterior {
  mean: number;
  lo: number;
  hi: number;
  /** Beta parameters of the posterior. */
  alpha: number;
  beta: number;
}

/** The paper's Table 1 row for one metric, plus the informativeness check. */
export interface Calibration {
  level: number;
  tpr: RatePosterior;
  fpr: RatePosterior;
  /** Posterior probability that the metric's TPR is not above its FPR. */
  pTprLeFpr: number;
  /** True when pTprLeFpr exceeds 1%: the verdicts cannot reliably tell correct from incorrect. */
  uninformative: boolean;
  /** Human positives (TP + FN) and negatives (FP + TN). */
  positives: number;
  negatives: number;
  diagnostics: Diagnostic[];
}

/** Throws unless every count is a finite non-negative integer. */
export function checkCounts(counts: Record<string, number>): void {
  for (const [k, v] of Object.entries(counts)) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${k} must be a non-negative integer, got ${v}`);
  }
}

/** Throws unless 0 < level < 1. */
export function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be between 0 and 1, got ${level}`);
}

function ratePosterior(alpha: number, beta: number, level: number): RatePosterior {
  const tail = (1 - level) / 2;
  return { mean: alpha / (alpha + beta), lo: betaInv(tail, alpha, beta), hi: betaInv(1 - tail, alpha, beta), alpha, beta };
}

/**
 * P(Y > X) for independent X ~ Beta(a1, b1), Y ~ Beta(a2, b2) with integer a2, in closed form
 * (a finite sum of a2 terms), so it is exact and costs O(a2) instead of a numerical integral.
 */
export function pBetaGreater(a1: number, b1: number, a2: number, b2: number): number {
  const base = betaLn(a1, b1);
  let sum = 0;
  for (let i = 0; i < a2; i++) sum += Math.exp(betaLn(a1 + i, b1 + b2) - Math.log(b2 + i) - betaLn(1 + i, b2) - base);
  return Math.min(1, Math.max(0, sum));
}

/** P(TPR <= FPR) under the uniform-prior posteriors of a confusion matrix. */
export function pTprLeFpr(c: Confusion): number {
  return pBetaGreater(c.tp + 1, c.fn + 1, c.fp + 1, c.tn + 1);
}

/** Warnings for too few human positives or negatives (fewer than 30 makes the calibration inadequate). */
export function labelDiagnostics(c: Confusion, what = 'calibration'): Diagnostic[] {
  const out: Diagnostic[] = [];
  const pos = c.tp + c.fn;
  const neg = c.fp + c.tn;
  if (pos < MIN_CLASS_LABELS) {
    out.push({ code: 'few-positives', severity: 'warning',
      message: `The ${what} has ${pos} human-correct labels; ${MIN_CLASS_LABELS} are needed for an adequate estimate of the judge's true-positive rate.` });
  }
  if (neg < MIN_CLASS_LABELS) {
    out.push({ code: 'few-negatives', severity: 'warning',
      message: `The ${what} has ${neg} human-incorrect labels; ${MIN_CLASS_LABELS} are needed for an adequate estimate of the judge's false-positive rate.` });
  }
  return out;
}

/** Diagnostic for a judge whose TPR may not exceed its FPR. */
export function uninformativeDiagnostic(p: number): Diagnostic {
  return { code: 'uninformative-judge', severity: 'error',
    message: `P(TPR <= FPR) = ${p.toFixed(3)}: this metric's verdicts cannot reliably tell correct from incorrect outputs; do not base a decision on it.` };
}

/** Beta posteriors of TPR and FPR with exact equal-tailed intervals (default level 0.9). */
export function calibrate(confusion: Confusion, level = 0.9): Calibration {
  checkCounts({ ...confusion });
  checkLevel(level);
  const p = pTprLeFpr(confusion);
  const uninformative = p > UNINFORMATIVE_THRESHOLD;
  const diagnostics = labelDiagnostics(confusion);
  if (uninformative) diagnostics.push(uninformativeDiagnostic(p));
  return {
    level,
    tpr: ratePosterior(confusion.tp + 1, confusion.fn + 1, level),
    fpr: ratePosterior(confusion.fp + 1, confusion.tn + 1, level),
    pTprLeFpr: p,
    uninformative,
    positives: confusion.tp + confusion.fn,
    negatives: confusion.fp + confusion.tn,
    diagnostics,
  };
}
