// Which questions are labelled on which system (README › Statistics, "labels on the same questions"). METHOD §5
// and §6 treat each system's labels as a sample of its own, independent of everything else. When labels cover
// much of a test set that is not so: the two systems are labelled on many of the same questions, whose truths
// are correlated (a question one system gets wrong is more often wrong for the other); the labelled outputs are
// also among the judged ones; and an IDK output is a known wrong answer. The label layout, a 7 × 7 count table
// of the questions with a label on at least one system, is all the covariances need, so everything stays a count.
import { checkCounts } from './calibration';
import type { OutputState, StateTable } from './stateTable';
import type { Confusion, ConfusionCell, LabelLayout, LabelSide } from './types';

export const CONFUSION_CELLS: readonly ConfusionCell[] = ['tp', 'fn', 'fp', 'tn'];
export const LABEL_SIDES: readonly LabelSide[] = [...CONFUSION_CELLS, 'correct', 'incorrect', 'idk'];

const emptyRow = (): Record<LabelSide, number> => ({ tp: 0, fn: 0, fp: 0, tn: 0, correct: 0, incorrect: 0, idk: 0 });

/** A layout with no label. */
export function emptyLabelLayout(): LabelLayout {
  return { tp: emptyRow(), fn: emptyRow(), fp: emptyRow(), tn: emptyRow(), correct: emptyRow(), incorrect: emptyRow(), idk: emptyRow() };
}

export const isLabelled = (s: LabelSide): s is ConfusionCell => s === 'tp' || s === 'fn' || s === 'fp' || s === 'tn';
/** 1 when the output was judged correct. */
export const judgedCorrect = (s: LabelSide): number => (s === 'tp' || s === 'fp' || s === 'correct' ? 1 : 0);
/** 1 when the output is answered (not IDK). */
export const answered = (s: LabelSide): number => (s === 'idk' ? 0 : 1);
/** The human label of a labelled output. */
export const humanCorrect = (s: LabelSide): number => (s === 'tp' || s === 'fn' ? 1 : 0);

const stateOf = (s: LabelSide): OutputState => (s === 'idk' ? 'i' : judgedCorrect(s) ? '1' : '0');

/** An unlabelled output's side in the layout, from its state. */
export const unlabelledSide = (state: OutputState): LabelSide => (state === '1' ? 'correct' : state === '0' ? 'incorrect' : 'idk');

/**
 * Throws unless every count is a non-negative integer, no cell lacks a label on both sides, every labelled output
 * of each system is there exactly once (the rows and columns add up to its confusion matrix), and no pair of states
 * holds more questions than the state table has.
 */
export function checkLabelLayout(l: LabelLayout, baseline: Confusion | undefined, candidate: Confusion | undefined, states: StateTable): void {
  const counts: Record<string, number> = {};
  for (const a of LABEL_SIDES) {
    if (typeof l[a] !== 'object' || l[a] === null) throw new RangeError(`labelLayout.${a} must be an object with the keys ${LABEL_SIDES.join(', ')}`);
    for (const b of LABEL_SIDES) counts[`labelLayout.${a}.${b}`] = l[a][b] ?? 0;
  }
  checkCounts(counts);
  for (const a of LABEL_SIDES) for (const b of LABEL_SIDES) {
    if (!isLabelled(a) && !isLabelled(b) && l[a][b] > 0) throw new RangeError(`labelLayout.${a}.${b} must be 0: the layout counts questions with a label on at least one system`);
  }
  for (const c of CONFUSION_CELLS) {
    const onBaseline = LABEL_SIDES.reduce((s, b) => s + l[c][b], 0);
    const onCandidate = LABEL_SIDES.reduce((s, a) => s + l[a][c], 0);
    if (onBaseline !== (baseline?.[c] ?? 0)) throw new RangeError(`labelLayout.${c} has ${onBaseline} baseline outputs labelled ${c}; the baseline's labels have ${baseline?.[c] ?? 0}`);
    if (onCandidate !== (candidate?.[c] ?? 0)) throw new RangeError(`labelLayout.*.${c} has ${onCandidate} candidate outputs labelled ${c}; the candidate's labels have ${candidate?.[c] ?? 0}`);
  }
  const byState: Record<string, number> = {};
  for (const a of LABEL_SIDES) for (const b of LABEL_SIDES) byState[`${stateOf(a)}${stateOf(b)}`] = (byState[`${stateOf(a)}${stateOf(b)}`] ?? 0) + l[a][b];
  for (const [cell, k] of Object.entries(byState)) {
    const have = states[cell as keyof StateTable];
    if (k > have) throw new RangeError(`labelLayout has ${k} questions in state ${cell} (baseline, candidate); the state table has ${have}`);
  }
}

/** Count, means and sample (co)variances (k − 1 denominators) of two per-question values over some of the layout's questions. */
export interface LayoutMoments { k: number; meanX: number; meanY: number; varX: number; varY: number; cov: number }

/**
 * The moments of x and y, each a function of a question's two sides, over the questions of the layout for which
 * `where` holds; variances and covariance are 0 with fewer than 2 questions.
 */
export function layoutMoments(l: LabelLayout, where: (a: LabelSide, b: LabelSide) => boolean,
  x: (a: LabelSide, b: LabelSide) => number, y: (a: LabelSide, b: LabelSide) => number): LayoutMoments {
  let k = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (const a of LABEL_SIDES) for (const b of LABEL_SIDES) {
    const c = l[a][b];
    if (c === 0 || !where(a, b)) continue;
    const u = x(a, b), v = y(a, b);
    k += c; sx += c * u; sy += c * v; sxx += c * u * u; syy += c * v * v; sxy += c * u * v;
  }
  if (k === 0) return { k, meanX: 0, meanY: 0, varX: 0, varY: 0, cov: 0 };
  const meanX = sx / k, meanY = sy / k;
  if (k < 2) return { k, meanX, meanY, varX: 0, varY: 0, cov: 0 };
  const d = k - 1;
  return { k, meanX, meanY, varX: Math.max(0, (sxx - k * meanX * meanX) / d), varY: Math.max(0, (syy - k * meanY * meanY) / d), cov: (sxy - k * meanX * meanY) / d };
}

export const bothLabelled = (a: LabelSide, b: LabelSide): boolean => isLabelled(a) && isLabelled(b);

/**
 * Correlation of the two systems' human labels over the k questions labelled on both, as Newcombe's (1998) paired
 * interval uses it: phi with its numerator AD − BC moved k/2 towards 0 when positive (a continuity correction; the
 * plain phi lets the interval cover as little as 0.81 at 30 labels on the same questions, exact enumeration).
 * 0 without such questions or when either system's labels there are all alike (the correlation is then undefined).
 */
export function humanLabelCorrelation(l: LabelLayout | undefined): { k: number; phi: number } {
  if (!l) return { k: 0, phi: 0 };
  const m = layoutMoments(l, bothLabelled, (a) => humanCorrect(a), (_a, b) => humanCorrect(b));
  if (!(m.varX > 0 && m.varY > 0)) return { k: m.k, phi: 0 };
  // The moments are sample moments (divisor k − 1): AD − BC = cov·k·(k − 1).
  const scale = m.k * (m.k - 1);
  const crossProducts = m.cov * scale;
  const shrunk = crossProducts > 0 ? Math.max(crossProducts - m.k / 2, 0) : crossProducts;
  return { k: m.k, phi: shrunk / (Math.sqrt(m.varX * m.varY) * scale) };
}
