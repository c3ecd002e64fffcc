// PPI++ (METHOD §5, IDK-aware v2): prediction-powered inference with power tuning (Angelopoulos, Duchi &
// Zrnic 2023), computed from counts. Y = human label, f = judge verdict; each system needs its own labelled
// answered outputs. IDK outputs have f = 0 and Y = 0 exactly, so their rectifier is 0 and the labelled
// (answered) rectifier is weighted by the answered fraction 1 - r.
import { answered, bothLabelled, isLabelled, judgedCorrect, layoutMoments } from './labelLayout';
import { bernoulliVar } from './paired';
import { STATE_CELLS, type StateMoments, type StateTable, type SystemStates } from './stateTable';
import type { Confusion, LabelLayout, LabelSide } from './types';

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

/** The rectifier Y - λf of a labelled output (cell `c`): 1 - λ (TP), 1 (FN), -λ (FP), 0 (TN); 0 for any other side. */
const rectifierValue = (lambda: number) => (c: LabelSide): number => (c === 'tp' ? 1 - lambda : c === 'fn' ? 1 : c === 'fp' ? -lambda : 0);

/**
 * Paired difference with separate λ for baseline (A) and candidate (B):
 * Δ̂ = mean(λ_B f_B - λ_A f_A) + (1 - r_B)·mean(r_B) - (1 - r_A)·mean(r_A),
 * SE² = Var(λ_B f_B - λ_A f_A)/n + (1 - r_A)²·Var(r_A)/m_A + (1 - r_B)²·Var(r_B)/m_B (METHOD §5). With the label
 * layout the variance is that of the same estimator with the covariances METHOD leaves out (pairedVariance).
 */
export function ppiCompare(labelsA: Confusion, labelsB: Confusion, t: StateTable, m: StateMoments,
  layout?: LabelLayout): PointSe & { lambdaA: number; lambdaB: number } {
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
  const se = layout && n > 1 && a.m > 1 && b.m > 1 ? Math.sqrt(pairedVariance(a, b, t, m, layout))
    : Math.sqrt((n > 0 ? dVar / n : 1) + (wA * wA * a.rVar) / Math.max(a.m, 1) + (wB * wB * b.rVar) / Math.max(b.m, 1));
  return { estimate, se, lambdaA: a.lambda, lambdaB: b.lambda };
}

/**
 * The delta-method variance of the ppi++ difference when the label layout is known. Per question the estimator's
 * influence is g = λ_B f_B + ρ_B a_B - λ_A f_A - ρ_A a_A over the n questions (f = judged correct, a = answered,
 * ρ = mean rectifier), plus (1 - r)·(r - ρ)/m on each labelled output. METHOD §5 keeps only Var(λ_B f_B - λ_A f_A)/n
 * and the two label variances. What it leaves out, and when it matters:
 * - labels on the same questions: the two label means share those k questions, whose truths are correlated, so
 *   their difference varies less by 2·(1 - r_A)(1 - r_B)·k·Cov(r_A, r_B)/(m_A·m_B);
 * - the labelled outputs are among the judged ones: 2·[(1 - r_B)·Cov(g, r_B over B's labels) - (1 - r_A)·Cov(g, r_A
 *   over A's labels)]/n, which matters with a good judge (a large λ) and labels on much of the test set;
 * - IDK: the answered share 1 - r is measured on the same n questions and an IDK output is a wrong one, so it moves
 *   with the label means; that is the ρ·a part of g (a constant, so nothing changes, without IDK).
 * With labels on a small part of the test set all three are small; with most outputs labelled, METHOD's formula
 * was 10–30% too wide or, with a good judge, 15% too narrow (simulation, README › Statistics).
 */
function pairedVariance(a: Rectifier, b: Rectifier, t: StateTable, m: StateMoments, layout: LabelLayout): number {
  const wA = 1 - m.rA;
  const wB = 1 - m.rB;
  const n = m.n;
  const g = (sa: LabelSide, sb: LabelSide): number => b.lambda * judgedCorrect(sb) + b.rMean * answered(sb) - a.lambda * judgedCorrect(sa) - a.rMean * answered(sa);
  // Var(g)/n over the n questions, from the state table (a question's state is all g depends on).
  let s1 = 0, s2 = 0;
  for (const k of STATE_CELLS) {
    const v = g(STATE_SIDE[k[0]!]!, STATE_SIDE[k[1]!]!);
    s1 += t[k] * v;
    s2 += t[k] * v * v;
  }
  const varG = Math.max(0, ((s2 / n - (s1 / n) ** 2) * n) / (n - 1));
  const rA = rectifierValue(a.lambda);
  const rB = rectifierValue(b.lambda);
  const vA = (wA * wA * a.rVar) / a.m;
  const vB = (wB * wB * b.rVar) / b.m;
  const pairs = layoutMoments(layout, bothLabelled, (sa) => rA(sa), (_sa, sb) => rB(sb));
  // Capped by Cauchy-Schwarz (|Cov| ≤ SD·SD of the two label means): a handful of pairs cannot make the variance negative.
  const limit = Math.sqrt(vA * vB);
  const shared = Math.min(limit, Math.max(-limit, (wA * wB * pairs.k * pairs.cov) / (a.m * b.m)));
  const onB = layoutMoments(layout, (_sa, sb) => isLabelled(sb), g, (_sa, sb) => rB(sb));
  const onA = layoutMoments(layout, (sa) => isLabelled(sa), g, (sa) => rA(sa));
  return Math.max(0, varG / n + vA + vB - 2 * shared + (2 * (wB * onB.cov - wA * onA.cov)) / n);
}

/** The side of an unlabelled output in each state. */
const STATE_SIDE: Record<string, LabelSide> = { '1': 'correct', '0': 'incorrect', i: 'idk' };
