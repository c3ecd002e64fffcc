// PPI++ (METHOD §5, IDK-aware v2): prediction-powered inference with power tuning (Angelopoulos, Duchi &
// Zrnic 2023), computed from counts. Y = human label, f = judge verdict; each system needs its own labelled
// answered outputs. IDK outputs have f = 0 and Y = 0 exactly, so their rectifier is 0 and the labelled
// (answered) rectifier is weighted by the answered fraction 1 - r.
import { bernoulliVar } from './paired';
import { STATE_CELLS, type StateMoments, type StateTable, type SystemStates } from './stateTable';
import type { Confusion } from './types';

/** Point estimate and standard error of a closed-form estimator. */
export interface PointSe {
  estimate: number;
  se: number;
}

/** Power-tuning weight λ and the rectifier Y - λf summarised over one system's labelled answered outputs. */
interface Rectifier {
  lambda: number;
  m: number;
  rMean: number;
  rVar: number;
}

/**
 * λ = clip(Cov(Y, f)/((1 + m/n_ans)·Var(f)), 0, 1) with Var(f) over the system's answered verdicts (the
 * labelled ones are among them), and the rectifier r = Y - λf, which takes the values 1-λ (TP), 1 (FN), -λ (FP), 0 (TN).
 */
function rectifier(c: Confusion, s: SystemStates): Rectifier {
  const m = c.tp + c.fn + c.fp + c.tn;
  if (m === 0) return { lambda: 0, m, rMean: 0.5, rVar: 0.25 };
  const answered = s.correct + s.incorrect;
  const yMean = (c.tp + c.fn) / m;
  const fMean = (c.tp + c.fp) / m;
  const covYf = m > 1 ? ((c.tp / m - yMean * fMean) * m) / (m - 1) : 0;
  const varF = bernoulliVar(s.correct, answered);
  const raw = varF > 0 ? covYf / ((1 + m / Math.max(answered, 1)) * varF) : 0;
  const lambda = Math.min(1, Math.max(0, raw));
  const rMean = (c.tp * (1 - lambda) + c.fn - c.fp * lambda) / m;
  const rSq = (c.tp * (1 - lambda) ** 2 + c.fn + c.fp * lambda * lambda) / m;
  const rVar = m > 1 ? Math.max(0, ((rSq - rMean * rMean) * m) / (m - 1)) : 0.25;
  return { lambda, m, rMean, rVar };
}

/** One system: θ̂ = λ·mean(f over all n) + (1 - r)·mean(Y - λf over the m labelled answered outputs). */
export function ppiOne(labels: Confusion, s: SystemStates): PointSe & { lambda: number } {
  const r = rectifier(labels, s);
  const n = s.correct + s.incorrect + s.idk;
  const answeredShare = n > 0 ? 1 - s.idk / n : 1;
  const j = n > 0 ? s.correct / n : 0;
  const estimate = r.lambda * j + answeredShare * r.rMean;
  const se = Math.sqrt((n > 0 ? (r.lambda * r.lambda * bernoulliVar(s.correct, n)) / n : 0) + (answeredShare ** 2 * r.rVar) / Math.max(r.m, 1));
  return { estimate, se, lambda: r.lambda };
}

/**
 * Paired difference with separate λ for baseline (A) and candidate (B):
 * Δ̂ = mean(λ_B f_B - λ_A f_A) + (1 - r_B)·mean(r_B) - (1 - r_A)·mean(r_A),
 * SE² = Var(λ_B f_B - λ_A f_A)/n + (1 - r_A)²·Var(r_A)/m_A + (1 - r_B)²·Var(r_B)/m_B.
 */
export function ppiCompare(labelsA: Confusion, labelsB: Confusion, t: StateTable, m: StateMoments): PointSe & { lambdaA: number; lambdaB: number } {
  const a = rectifier(labelsA, m.baseline);
  const b = rectifier(labelsB, m.candidate);
  const n = m.n;
  let sum = 0;
  let sumSq = 0;
  for (const k of STATE_CELLS) {
    const v = (k[1] === '1' ? b.lambda : 0) - (k[0] === '1' ? a.lambda : 0);
    sum += t[k] * v;
    sumSq += t[k] * v * v;
  }
  const dMean = n > 0 ? sum / n : 0;
  const dVar = n > 1 ? Math.max(0, ((sumSq / n - dMean * dMean) * n) / (n - 1)) : 1;
  const wA = 1 - m.rA;
  const wB = 1 - m.rB;
  const estimate = dMean + wB * b.rMean - wA * a.rMean;
  const se = Math.sqrt((n > 0 ? dVar / n : 1) + (wA * wA * a.rVar) / Math.max(a.m, 1) + (wB * wB * b.rVar) / Math.max(b.m, 1));
  return { estimate, se, lambdaA: a.lambda, lambdaB: b.lambda };
}
