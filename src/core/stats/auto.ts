// `auto` (METHOD §5b): per (candidate, baseline) pair and test set, choose the estimator the labels can
// support, and say why in words a user can check against the label counts.
import { MIN_CLASS_LABELS, pTprLeFpr, UNINFORMATIVE_THRESHOLD } from './calibration';
import type { Confusion } from './types';

/** ppi++ is adequate with at least this many answered labels per system ... */
export const PPI_MIN_LABELS = 50;
/** ... and at least this many in each human class per system (METHOD §5). */
export const PPI_MIN_CLASS_LABELS = 10;
/** Own answered labels per system for the human-only estimator (METHOD §5b step 3). */
export const HUMAN_ONLY_MIN_LABELS = 30;

/** The estimator `auto` picks, or 'none', and why. */
export interface AutoChoice {
  estimator: 'ppi++' | 'rogan-gladen' | 'human-only' | 'none';
  reason: string;
}

const total = (c: Confusion | undefined): number => (c ? c.tp + c.fn + c.fp + c.tn : 0);
const pos = (c: Confusion | undefined): number => (c ? c.tp + c.fn : 0);
const neg = (c: Confusion | undefined): number => (c ? c.fp + c.tn : 0);

/** True when a system's own labels are enough for ppi++ to cover (≥ 50 answered, ≥ 10 per human class). */
export function ppiAdequate(c: Confusion | undefined): boolean {
  return total(c) >= PPI_MIN_LABELS && pos(c) >= PPI_MIN_CLASS_LABELS && neg(c) >= PPI_MIN_CLASS_LABELS;
}

/** True when the pooled calibration is adequate for rogan-gladen: ≥ 30 per human class and an informative judge. */
export function calibrationAdequate(pooled: Confusion | undefined): boolean {
  return !!pooled && pos(pooled) >= MIN_CLASS_LABELS && neg(pooled) >= MIN_CLASS_LABELS && pTprLeFpr(pooled) <= UNINFORMATIVE_THRESHOLD;
}

const own = (c: Confusion | undefined): string => `${total(c)} (${pos(c)} correct, ${neg(c)} incorrect)`;

/** METHOD §5b, steps 1-4, for a paired comparison. */
export function chooseForPair(pooled: Confusion | undefined, baseline: Confusion | undefined, candidate: Confusion | undefined): AutoChoice {
  if (ppiAdequate(baseline) && ppiAdequate(candidate)) {
    return { estimator: 'ppi++', reason: `both systems have their own labels (baseline ${own(baseline)}, candidate ${own(candidate)}; ppi++ needs ${PPI_MIN_LABELS} each with ${PPI_MIN_CLASS_LABELS} per class)` };
  }
  const calibration = calibrationText(pooled);
  if (calibrationAdequate(pooled)) {
    const one = total(baseline) > 0 !== total(candidate) > 0;
    return { estimator: 'rogan-gladen', reason: `the judge is calibrated on ${calibration} and is informative${one ? `; only the ${total(baseline) > 0 ? 'baseline' : 'candidate'} has labels` : ''}` };
  }
  if (total(baseline) >= HUMAN_ONLY_MIN_LABELS && total(candidate) >= HUMAN_ONLY_MIN_LABELS) {
    return { estimator: 'human-only', reason: `the judge cannot be calibrated (${whyNotCalibrated(pooled)}), but both systems have ${HUMAN_ONLY_MIN_LABELS}+ own labels (baseline ${total(baseline)}, candidate ${total(candidate)})` };
  }
  return { estimator: 'none', reason: `labels needed: ${whyNotCalibrated(pooled)}, and human-only needs ${HUMAN_ONLY_MIN_LABELS} labels of each system (baseline ${total(baseline)}, candidate ${total(candidate)})` };
}

/** METHOD §5b for one system's correctness: its own labels for ppi++, the pooled calibration, or its labels alone. */
export function chooseForOne(pooled: Confusion | undefined, labels: Confusion | undefined): AutoChoice {
  if (ppiAdequate(labels)) return { estimator: 'ppi++', reason: `the system has its own labels (${own(labels)})` };
  if (calibrationAdequate(pooled)) return { estimator: 'rogan-gladen', reason: `the judge is calibrated on ${calibrationText(pooled)} and is informative` };
  if (total(labels) >= HUMAN_ONLY_MIN_LABELS) return { estimator: 'human-only', reason: `the judge cannot be calibrated (${whyNotCalibrated(pooled)}); the system has ${total(labels)} own labels` };
  return { estimator: 'none', reason: `labels needed: ${whyNotCalibrated(pooled)}` };
}

function calibrationText(pooled: Confusion | undefined): string {
  return `${pos(pooled)} human-correct and ${neg(pooled)} human-incorrect labels`;
}

function whyNotCalibrated(pooled: Confusion | undefined): string {
  if (pos(pooled) < MIN_CLASS_LABELS || neg(pooled) < MIN_CLASS_LABELS) {
    return `the calibration has ${calibrationText(pooled)}, ${MIN_CLASS_LABELS} of each are needed`;
  }
  return `the judge is uninformative on ${calibrationText(pooled)} (P(TPR ≤ FPR) = ${pTprLeFpr(pooled!).toFixed(3)})`;
}
