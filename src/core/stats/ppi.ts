// PPI++ (METHOD §5, IDK-aware v2): prediction-powered inference with power tuning (Angelopoulos, Duchi &
// Zrnic 2023), computed from counts. Y = human label, f = judge verdict; each system needs its own labelled
// answered outputs. IDK outputs have f = 0 and Y = 0 exactly, so their rectifier is 0 and the labelled
// (answered) rectifier is weighted by the answered fraction 1 - r.
import { otherAnsweredCovariance, pairCovariance } from './labelPairs';
import { bernoulliVar } from './paired';
import { STATE_CELLS, type StateMoments, type StateTable, type SystemStates } from './stateTable';
import type { Confusion, ConfusionCell, LabelPairs } from './types';

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

/** The rectifier Y - λf of a labelled output in confusion cell `c`. */
const rectifierValue = (lambda: number) => (c: ConfusionCell): number => (c === 'tp' ? 1 - lambda : c === 'fn' ? 1 : c === 'fp' ? -lambda : 0);

/**
 * The variances of (1 - r_A)·mean(r_A) and (1 - r_B)·mean(r_B) and their covariance. METHOD §5 adds the two
 * variances as if the label sets were independent. When k questions are labelled on both systems, the two means
 * share those k questions, whose truths are correlated, so their difference varies less:
 * Cov = (1 - r_A)(1 - r_B)·k·Cov(r_A, r_B)/(m_A·m_B), estimated over the k pairs and capped by Cauchy-Schwarz
 * (|Cov| ≤ SD·SD), so the variance of the difference never goes below 0. 0 with fewer than 2 pairs.
 */
function rectifierTerms(a: Rectifier, b: Rectifier, wA: number, wB: number, pairs: LabelPairs | undefined): { vA: number; vB: number; cov: number } {
  const vA = (wA * wA * a.rVar) / Math.max(a.m, 1);
  const vB = (wB * wB * b.rVar) / Math.max(b.m, 1);
  const { k, cov } = pairCovariance(pairs, rectifierValue(a.lambda), rectifierValue(b.lambda));
  if (k < 2 || a.m === 0 || b.m === 0) return { vA, vB, cov: 0 };
  const limit = Math.sqrt(vA * vB);
  return { vA, vB, cov: Math.min(limit, Math.max(-limit, (wA * wB * k * cov) / (a.m * b.m))) };
}

/**
 * Paired difference with separate λ for baseline (A) and candidate (B):
 * Δ̂ = mean(λ_B f_B - λ_A f_A) + (1 - r_B)·mean(r_B) - (1 - r_A)·mean(r_A),
 * SE² = Var(λ_B f_B - λ_A f_A)/n + (1 - r_A)²·Var(r_A)/m_A + (1 - r_B)²·Var(r_B)/m_B (METHOD §5), refined when
 * `pairs` says which questions are known on both systems (README › Statistics):
 * - labels on the same questions: - 2·(1 - r_A)(1 - r_B)·k·Cov(r_A, r_B)/(m_A·m_B) over the k labelled on both;
 * - IDK: the answered share 1 - r is itself measured on the n questions, and moves with the label means (an IDK
 *   output is a wrong one, so a question one system leaves IDK is more often wrong on the other too). Its
 *   sampling noise enters the n-question term as each system's answered indicator a weighted by its mean
 *   rectifier, Var(λ_B f_B + ρ_B a_B - λ_A f_A - ρ_A a_A)/n, together with its covariance with the other
 *   system's label mean, - 2·[(1 - r_B)·ρ_A·Cov(a_A, r_B over B's labels) + (1 - r_A)·ρ_B·Cov(a_B, r_A over A's labels)]/n.
 *   Without IDK on a system its terms are 0, and with no pair table this is METHOD's formula exactly.
 */
export function ppiCompare(labelsA: Confusion, labelsB: Confusion, t: StateTable, m: StateMoments,
  pairs?: LabelPairs): PointSe & { lambdaA: number; lambdaB: number } {
  const a = rectifier(labelsA, m.baseline);
  const b = rectifier(labelsB, m.candidate);
  const n = m.n;
  const wA = 1 - m.rA;
  const wB = 1 - m.rB;
  // The answered indicators' weights: 0 without a pair table or without IDK on that system.
  const rhoA = pairs && m.rA > 0 ? a.rMean : 0;
  const rhoB = pairs && m.rB > 0 ? b.rMean : 0;
  let sum = 0, sumSq = 0, sumI = 0, sumISq = 0;
  for (const k of STATE_CELLS) {
    const v = (k[1] === '1' ? b.lambda : 0) - (k[0] === '1' ? a.lambda : 0);
    const influence = v + (k[1] !== 'i' ? rhoB : 0) - (k[0] !== 'i' ? rhoA : 0);
    sum += t[k] * v;
    sumSq += t[k] * v * v;
    sumI += t[k] * influence;
    sumISq += t[k] * influence * influence;
  }
  const sampleVar = (s1: number, s2: number): number => (n > 1 ? Math.max(0, ((s2 / n - (s1 / n) ** 2) * n) / (n - 1)) : 1);
  const dMean = n > 0 ? sum / n : 0;
  const dVar = rhoA === 0 && rhoB === 0 ? sampleVar(sum, sumSq) : sampleVar(sumI, sumISq);
  const estimate = dMean + wB * b.rMean - wA * a.rMean;
  const r = rectifierTerms(a, b, wA, wB, pairs);
  let variance = (n > 0 ? dVar / n : 1) + r.vA + r.vB - 2 * r.cov;
  if (pairs && n > 0 && (rhoA !== 0 || rhoB !== 0)) {
    const idkOfCandidate = { tp: pairs.tp.idk, fn: pairs.fn.idk, fp: pairs.fp.idk, tn: pairs.tn.idk, idk: 0 };
    const covB = rhoA !== 0 ? otherAnsweredCovariance(labelsB, pairs.idk, rectifierValue(b.lambda)) : 0;
    const covA = rhoB !== 0 ? otherAnsweredCovariance(labelsA, idkOfCandidate, rectifierValue(a.lambda)) : 0;
    variance = Math.max(0, variance - (2 * (wB * rhoA * covB + wA * rhoB * covA)) / n);
  }
  return { estimate, se: Math.sqrt(variance), lambdaA: a.lambda, lambdaB: b.lambda };
}
