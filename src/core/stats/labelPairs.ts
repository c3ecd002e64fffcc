// Questions where both systems' outputs are known to be right or wrong (README › Statistics, "labels on the same
// questions"). When labels cover much of a test set, the two systems are labelled on many of the same questions,
// and whether the baseline got a question right says something about whether the candidate did. The two label
// means then move together, and adding their variances as if independent overstates the variance of their
// difference. An IDK output is known to be wrong without a label, so a question labelled on one system and IDK
// on the other also ties the two together. A 5 × 5 count table of these questions is all the covariances need,
// so everything stays a count.
import { checkCounts } from './calibration';
import type { StateTable } from './stateTable';
import type { Confusion, ConfusionCell, KnownCell, LabelPairs } from './types';

export const CONFUSION_CELLS: readonly ConfusionCell[] = ['tp', 'fn', 'fp', 'tn'];
export const KNOWN_CELLS: readonly KnownCell[] = [...CONFUSION_CELLS, 'idk'];

const emptyRow = (): Record<KnownCell, number> => ({ tp: 0, fn: 0, fp: 0, tn: 0, idk: 0 });

/** A table with no question known on both systems. */
export function emptyLabelPairs(): LabelPairs {
  return { tp: emptyRow(), fn: emptyRow(), fp: emptyRow(), tn: emptyRow(), idk: emptyRow() };
}

/** Questions labelled on both systems (IDK rows and columns left out). */
export function pairsTotal(p: LabelPairs | undefined): number {
  let k = 0;
  if (p) for (const a of CONFUSION_CELLS) for (const b of CONFUSION_CELLS) k += p[a][b];
  return k;
}

/** The state ('1', '0', 'i') of an output in a known cell: judged correct, judged incorrect, IDK. */
const stateOf = (c: KnownCell): '1' | '0' | 'i' => (c === 'idk' ? 'i' : c === 'tp' || c === 'fp' ? '1' : '0');

/**
 * Throws unless every count is a non-negative integer, no labelled cell holds more outputs than that system's
 * labels do, and no (state, state) combination holds more questions than the state table has.
 */
export function checkLabelPairs(p: LabelPairs, baseline: Confusion | undefined, candidate: Confusion | undefined, states: StateTable): void {
  const counts: Record<string, number> = {};
  for (const a of KNOWN_CELLS) {
    if (typeof p[a] !== 'object' || p[a] === null) throw new RangeError(`labelPairs.${a} must be an object {tp, fn, fp, tn, idk}`);
    for (const b of KNOWN_CELLS) counts[`labelPairs.${a}.${b}`] = p[a][b] ?? 0;
  }
  checkCounts(counts);
  if (p.idk.idk > 0) throw new RangeError('labelPairs.idk.idk must be 0: an IDK output is never labelled');
  for (const c of CONFUSION_CELLS) {
    const onBaseline = KNOWN_CELLS.reduce((s, b) => s + p[c][b], 0);
    const onCandidate = KNOWN_CELLS.reduce((s, a) => s + p[a][c], 0);
    if (onBaseline > (baseline?.[c] ?? 0)) throw new RangeError(`labelPairs.${c} holds ${onBaseline} baseline outputs labelled ${c}; the baseline's labels have ${baseline?.[c] ?? 0}`);
    if (onCandidate > (candidate?.[c] ?? 0)) throw new RangeError(`labelPairs.*.${c} holds ${onCandidate} candidate outputs labelled ${c}; the candidate's labels have ${candidate?.[c] ?? 0}`);
  }
  const byState: Record<string, number> = {};
  for (const a of KNOWN_CELLS) for (const b of KNOWN_CELLS) byState[`${stateOf(a)}${stateOf(b)}`] = (byState[`${stateOf(a)}${stateOf(b)}`] ?? 0) + p[a][b];
  for (const [cell, k] of Object.entries(byState)) {
    const have = states[cell as keyof StateTable];
    if (k > have) throw new RangeError(`labelPairs has ${k} questions in state ${cell} (baseline, candidate), but the state table has ${have}`);
  }
}

/**
 * Sample covariance (k − 1 denominator) over the k questions labelled on both systems of a value of the baseline's
 * output and a value of the candidate's, each a function of the output's confusion cell; 0 with fewer than 2.
 */
export function pairCovariance(p: LabelPairs | undefined, valueA: (c: ConfusionCell) => number, valueB: (c: ConfusionCell) => number): { k: number; cov: number } {
  const k = pairsTotal(p);
  if (!p || k < 2) return { k, cov: 0 };
  let sa = 0, sb = 0, sab = 0;
  for (const a of CONFUSION_CELLS) for (const b of CONFUSION_CELLS) {
    const c = p[a][b];
    sa += c * valueA(a);
    sb += c * valueB(b);
    sab += c * valueA(a) * valueB(b);
  }
  return { k, cov: (sab - (sa * sb) / k) / (k - 1) };
}

/**
 * Over one system's m labelled outputs, the sample covariance of "the other system answered this question" (0 when
 * its output is IDK) with a value of the labelled output's cell; `idkOther[c]` = labelled outputs in cell c whose
 * question the other system left IDK. 0 with fewer than 2 labels.
 */
export function otherAnsweredCovariance(own: Confusion, idkOther: Record<KnownCell, number>, value: (c: ConfusionCell) => number): number {
  const m = CONFUSION_CELLS.reduce((s, c) => s + own[c], 0);
  if (m < 2) return 0;
  let answered = 0, sv = 0, sav = 0;
  for (const c of CONFUSION_CELLS) {
    const a = own[c] - idkOther[c];
    answered += a;
    sv += own[c] * value(c);
    sav += a * value(c);
  }
  return (sav - (answered * sv) / m) / (m - 1);
}

const human = (c: ConfusionCell): number => (c === 'tp' || c === 'fn' ? 1 : 0);

/**
 * Correlation (phi) of the two systems' human labels over the questions labelled on both, from their 2 × 2
 * table; 0 when either system's labels there are all alike (the correlation is then undefined).
 */
export function humanLabelCorrelation(p: LabelPairs | undefined): { k: number; phi: number } {
  const k = pairsTotal(p);
  if (!p || k < 2) return { k, phi: 0 };
  let n11 = 0, n10 = 0, n01 = 0, n00 = 0;
  for (const a of CONFUSION_CELLS) for (const b of CONFUSION_CELLS) {
    const c = p[a][b];
    if (human(a) && human(b)) n11 += c;
    else if (human(a)) n10 += c;
    else if (human(b)) n01 += c;
    else n00 += c;
  }
  const margins = (n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00);
  return { k, phi: margins > 0 ? (n11 * n00 - n10 * n01) / Math.sqrt(margins) : 0 };
}
