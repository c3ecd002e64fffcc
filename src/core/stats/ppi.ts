// PPI++ (METHOD.md §5): prediction-powered inference with power tuning (Angelopoulos, Duchi & Zrnic 2023),
// computed from counts. Y = human label, f = judge verdict; each system needs its own labelled outputs.
import { bernoulliVar, pairedStats } from './paired';
import type { Confusion, PairedTable } from './types';

/** Point estimate and standard error of a closed-form estimator. */
export interface PointSe {
  estimate: number;
  se: number;
}

/** Power-tuning weight λ and the rectifier r = Y - λf summarised over one system's labelled outputs. */
interface Rectifier {
  lambda: number;
  m: number;
  rMean: number;
  rVar: number;
}

function rectifier(c: Confusion, judged: number, n: number): Rectifier {
  const m = c.tp + c.fn + c.fp + c.tn;
  if (m === 0) return { lambda: 0, m, rMean: 0.5, rVar: 0.25 };
  const yMean = (c.tp + c.fn) / m;
  const fMean = (c.tp + c.fp) / m;
  const covYf = m > 1 ? (c.tp / m - yMean * fMean) * m / (m - 1) : 0;
  // Var(f) over the labelled and the unlabelled verdicts together.
  const varF = bernoulliVar(judged + c.tp + c.fp, n + m);
  const raw = varF > 0 ? covYf / ((1 + m / Math.max(n, 1)) * varF) : 0;
  const lambda = Math.min(1, Math.max(0, raw));
  // r takes the values 1-λ (TP), 1 (FN), -λ (FP), 0 (TN).
  const rMean = (c.tp * (1 - lambda) + c.fn - c.fp * lambda) / m;
  const rSq = (c.tp * (1 - lambda) ** 2 + c.fn + c.fp * lambda * lambda) / m;
  const rVar = m > 1 ? Math.max(0, (rSq - rMean * rMean) * m / (m - 1)) : 0.25;
  return { lambda, m, rMean, rVar };
}

/** One system: θ̂ = λ·mean(f over all n) + mean(Y - λf over the m labelled). */
export function ppiOne(labels: Confusion, judged: number, n: number): PointSe & { lambda: number } {
  const r = rectifier(labels, judged, n);
  const j = n > 0 ? judged / n : 0;
  const estimate = r.lambda * j + r.rMean;
  const se = Math.sqrt((n > 0 ? r.lambda * r.lambda * bernoulliVar(judged, n) / n : 0) + r.rVar / Math.max(r.m, 1));
  return { estimate, se, lambda: r.lambda };
}

/** Paired difference with separate λ for baseline (A) and candidate (B). */
export function ppiCompare(labelsA: Confusion, labelsB: Confusion, t: PairedTable): PointSe & { lambdaA: number; lambdaB: number } {
  const { n } = pairedStats(t);
  const a = rectifier(labelsA, t.n11 + t.n10, n);
  const b = rectifier(labelsB, t.n11 + t.n01, n);
  // D_i = λ_B f_B - λ_A f_A takes one value per cell of the paired table.
  const v11 = b.lambda - a.lambda;
  const v10 = -a.lambda;
  const v01 = b.lambda;
  let dMean = 0;
  let dVar = 0;
  if (n > 0) {
    dMean = (t.n11 * v11 + t.n10 * v10 + t.n01 * v01) / n;
    const dSq = (t.n11 * v11 * v11 + t.n10 * v10 * v10 + t.n01 * v01 * v01) / n;
    dVar = n > 1 ? Math.max(0, (dSq - dMean * dMean) * n / (n - 1)) : 1;
  }
  const estimate = dMean + b.rMean - a.rMean;
  const se = Math.sqrt((n > 0 ? dVar / n : 0) + a.rVar / Math.max(a.m, 1) + b.rVar / Math.max(b.m, 1));
  return { estimate, se, lambdaA: a.lambda, lambdaB: b.lambda };
}
