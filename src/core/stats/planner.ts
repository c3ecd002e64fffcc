// Planner (METHOD.md §8): how many more labels reach a target half-width on the difference, the floor that
// labels cannot beat, and which outputs to label next.
import { MIN_CLASS_LABELS } from './calibration';
import { pairedStats } from './paired';
import { zFor } from './summary';
import type { Confusion, PairedTable } from './types';

/** Inputs of the planner. */
export interface PlanInput {
  paired: PairedTable;
  /** Current (pooled) calibration labels. */
  confusion: Confusion;
  /** Target half-width of the difference interval (fraction). */
  targetHalfWidth: number;
  level?: number;
  /** Planning value of the difference; defaults to the current Rogan-Gladen point estimate. */
  delta?: number;
}

/** What the planner recommends. */
export interface Plan {
  level: number;
  /** Delta-method half-width with the current labels (Infinity when the judge looks uninformative). */
  halfWidthNow: number;
  /** Half-width with unlimited labels: z·sqrt(var_x/n)/(T - F). */
  floor: number;
  /** False when the floor exceeds the target: more test questions, not labels, are needed. */
  reachableWithLabels: boolean;
  /** Additional labels (random outputs) to reach the target and at least 30 per class; 0 when not reachable. */
  moreLabels: number;
  /** Paired questions needed for the floor alone to meet the target (at the current judge quality). */
  questionsForTarget: number;
  /** True with at least 30 human positives and 30 negatives. */
  adequate: boolean;
  message: string;
}

/** Inverts the Rogan-Gladen delta-method variance for the number of labels (METHOD.md §8). */
export function plan(input: PlanInput): Plan {
  const level = input.level ?? 0.9;
  const z = zFor(level);
  const h = input.targetHalfWidth;
  if (!(h > 0)) throw new RangeError(`target half-width must be positive, got ${h}`);
  const c = input.confusion;
  const mPos = c.tp + c.fn;
  const mNeg = c.fp + c.tn;
  const m = mPos + mNeg;
  // Posterior means keep the plan finite when a class has no labels yet.
  const t = (c.tp + 1) / (mPos + 2);
  const f = (c.fp + 1) / (mNeg + 2);
  const { n, dBar, varX } = pairedStats(input.paired);
  const adequate = mPos >= MIN_CLASS_LABELS && mNeg >= MIN_CLASS_LABELS;
  const gap = t - f;
  if (gap <= 0 || n === 0) {
    return { level, halfWidthNow: Infinity, floor: Infinity, reachableWithLabels: false, moreLabels: 0, questionsForTarget: Infinity, adequate,
      message: n === 0 ? 'No paired examples yet: run both systems on the test set first.'
        : 'The labelled judge is no better than chance (TPR <= FPR): use a better metric instead of labelling more.' };
  }
  const delta = Math.abs(input.delta ?? dBar / gap);
  const classTerm = (share: number): number => t * (1 - t) / share + f * (1 - f) / (1 - share);
  const share = m > 0 ? Math.min(0.95, Math.max(0.05, mPos / m)) : 0.5;
  const labelVar = delta * delta * (t * (1 - t) / Math.max(mPos, 1) + f * (1 - f) / Math.max(mNeg, 1));
  const halfWidthNow = z * Math.sqrt(varX / n + labelVar) / gap;
  const floor = z * Math.sqrt(varX / n) / gap;
  const questionsForTarget = Math.ceil(varX * (z / (h * gap)) ** 2);
  // Labels are drawn at random, so they split between the classes at the current share.
  const forAdequacy = Math.ceil(MIN_CLASS_LABELS / Math.min(share, 1 - share));
  if (floor >= h) {
    return { level, halfWidthNow, floor, reachableWithLabels: false, moreLabels: Math.max(0, forAdequacy - m), questionsForTarget, adequate,
      message: `More test questions needed: even unlimited labels leave a half-width of ${pp(floor)} (target ${pp(h)}); about ${questionsForTarget} paired questions are needed at this judge quality.` };
  }
  const room = (h * gap / z) ** 2 - varX / n;
  const forTarget = delta > 0 ? Math.ceil(delta * delta * classTerm(share) / room) : 0;
  const moreLabels = Math.max(0, Math.max(forTarget, forAdequacy) - m);
  return { level, halfWidthNow, floor, reachableWithLabels: true, moreLabels, questionsForTarget, adequate,
    message: moreLabels === 0 ? `The current labels reach ±${pp(halfWidthNow)} (target ±${pp(h)}).`
      : `Label about ${moreLabels} more outputs to reach ±${pp(h)} (now ±${pp(halfWidthNow)}; labels cannot go below ±${pp(floor)}).` };
}

function pp(x: number): string {
  return `${(100 * x).toFixed(1)} pp`;
}

/** A pool of outputs of one system with one judge verdict. */
export interface Stratum {
  system: string;
  verdict: 0 | 1;
  /** Outputs in this stratum not labelled yet. */
  unlabelled: number;
}

/** How many outputs to label next from one stratum. */
export interface LabelRequest {
  system: string;
  verdict: 0 | 1;
  count: number;
}

/**
 * Spreads `count` new labels over the strata (system × verdict) in proportion to their size, so both systems
 * and both verdicts fill up while the sample stays self-weighting: oversampling one verdict would bias the
 * TPR/FPR posteriors, which assume labels drawn at random from the outputs.
 */
export function nextLabels(strata: readonly Stratum[], count: number): LabelRequest[] {
  const total = strata.reduce((s, x) => s + x.unlabelled, 0);
  const want = Math.min(count, total);
  if (want <= 0) return strata.map((s) => ({ system: s.system, verdict: s.verdict, count: 0 }));
  const exact = strata.map((s) => (want * s.unlabelled) / total);
  const counts = exact.map(Math.floor);
  let left = want - counts.reduce((a, b) => a + b, 0);
  // Largest remainders get the leftover labels.
  const order = exact.map((x, i) => ({ r: x - counts[i], i })).sort((a, b) => b.r - a.r);
  for (const { i } of order) {
    if (left === 0) break;
    if (counts[i] < strata[i].unlabelled) {
      counts[i]++;
      left--;
    }
  }
  return strata.map((s, i) => ({ system: s.system, verdict: s.verdict, count: counts[i] }));
}
