// Planner (METHOD §8, v2): how many more labels reach a target half-width on the difference (posterior-predictive,
// so a mediocre judge or few labels are not planned optimistically), the floor labels cannot beat, and which outputs
// to label next.
import { counted } from '../../protocol/legend';
import { MIN_CLASS_LABELS, pTprLeFpr, UNINFORMATIVE_THRESHOLD } from './calibration';
import { betaShape, Rng } from './random';
import { drawTruncated } from './roganGladen';
import { stateMoments, statesFromPaired, statesTotal, varW, type StateMoments, type StateTable } from './stateTable';
import { summarizeDraws, zFor } from './summary';
import type { Confusion, PairedTable } from './types';

/** Inputs of the planner. */
export interface PlanInput {
  /** The paired state table (METHOD §1), or the 2 × 2 verdict table of two systems without IDK. */
  states?: StateTable;
  paired?: PairedTable;
  /** Current (pooled) calibration labels on answered outputs. */
  confusion: Confusion;
  /** Target half-width of the difference interval (fraction). */
  targetHalfWidth: number;
  level?: number;
  /** Planning value of the difference; by default every posterior draw brings its own (E[Δ²], METHOD §8). */
  delta?: number;
  /** Posterior draws for the prediction (default 1000) and the seed. */
  draws?: number;
  seed?: number;
}

/** What the planner recommends. */
export interface Plan {
  level: number;
  /** Predicted half-width with the current labels (Infinity when the judge looks uninformative). */
  halfWidthNow: number;
  /** Half-width with unlimited labels: z·sqrt(var_w/n)/(T - F) (averaged over the posterior). */
  floor: number;
  /** False when the floor exceeds the target: more test questions, not labels, are needed. */
  reachableWithLabels: boolean;
  /** Additional labels (answered outputs, both verdicts) to reach the target and at least 30 per class; 0 when not reachable. */
  moreLabels: number;
  /** Paired questions needed for the floor alone to meet the target (at the current judge quality). */
  questionsForTarget: number;
  /** True with at least 30 human positives and 30 negatives. */
  adequate: boolean;
  message: string;
}

/** Largest number of extra labels the search considers. */
const MAX_LABELS = 100_000;

/** Posterior draws the prediction averages over: (T, F), the difference, the answered accuracy and the label noise. */
interface PlanDraws {
  t: Float64Array;
  f: Float64Array;
  delta: Float64Array;
  /** Share of new answered labels that are human-correct. */
  share: Float64Array;
  /** Standard normal deviates of the future counts' sampling noise (class split, TP among positives, FP among negatives). */
  zShare: Float64Array;
  zT: Float64Array;
  zF: Float64Array;
}

function planDraws(input: PlanInput, m: StateMoments, draws: number): PlanDraws | undefined {
  const rng = new Rng(input.seed ?? 1);
  const tr = drawTruncated(input.confusion, draws, rng);
  if (!tr) return undefined;
  const c = input.confusion;
  const n = Math.max(m.n, 1);
  const delta = new Float64Array(draws);
  const share = new Float64Array(draws);
  for (let s = 0; s < draws; s++) {
    const T = tr.tpr[s]!;
    const F = tr.fpr[s]!;
    delta[s] = input.delta ?? (m.D - F * m.E + Math.sqrt(varW(m, F) / n) * rng.normal()) / (T - F);
    // The labels are a random sample of answered outputs, so their class split is what tells the share of
    // human-correct answers: Beta(m₊ + 1, m₋ + 1), independent of (T, F) given the labels.
    share[s] = rng.beta(c.tp + c.fn + 1, c.fp + c.tn + 1);
  }
  const normals = (): Float64Array => Float64Array.from({ length: draws }, () => rng.normal());
  return { t: tr.tpr, f: tr.fpr, delta, share, zShare: normals(), zT: normals(), zF: normals() };
}

/**
 * The same draws with the future labels centred on today's estimates (T̂, F̂ and the class share) instead of on
 * posterior draws; the sampling noise of the future labels (the normal deviates) is kept.
 */
function centredOnEstimates(d: PlanDraws, c: Confusion): PlanDraws {
  const mPos = c.tp + c.fn;
  const mNeg = c.fp + c.tn;
  const fill = (x: number): Float64Array => new Float64Array(d.t.length).fill(x);
  return { ...d, t: fill(mPos > 0 ? c.tp / mPos : 0.5), f: fill(mNeg > 0 ? c.fp / mNeg : 0.5), share: fill(mPos + mNeg > 0 ? mPos / (mPos + mNeg) : 0.5) };
}

/** Inner draws per outer draw: enough for an unbiased 90% range (128 gave ranges ~2% short), small enough for a search of ~25 evaluations. */
const INNER_DRAWS = 256;
/** Outer draws of the truth (T, F) from the current posterior. */
const OUTER_DRAWS = 64;

/** Binomial(k, p) drawn through a fixed standard normal deviate z, so the same z gives counts that grow with k. */
function coupledBinomial(k: number, p: number, z: number): number {
  const x = Math.round(k * p + z * Math.sqrt(k * p * (1 - p)));
  return x < 0 ? 0 : x > k ? k : x;
}

/**
 * The calibration counts after `k` more labels in outer draw s: today's labels plus the ones the sampler would
 * collect if (T, F) and the class share were this draw's — a random sample of answered outputs, so the class split
 * and each class's verdicts carry binomial noise (METHOD §8).
 */
function futureCounts(d: PlanDraws, s: number, c: Confusion, k: number): Confusion {
  const kPos = coupledBinomial(k, d.share[s]!, d.zShare[s]!);
  const tp = coupledBinomial(kPos, d.t[s]!, d.zT[s]!);
  const fp = coupledBinomial(k - kPos, d.f[s]!, d.zF[s]!);
  return { tp: c.tp + tp, fn: c.fn + kPos - tp, fp: c.fp + fp, tn: c.tn + k - kPos - fp };
}

/**
 * Rogan-Gladen's own test (P(TPR ≤ FPR) ≤ 1%); the exact sum costs O(FP), so a calibration whose posteriors are more
 * than 5 standard deviations apart (P < 1e-6 by the normal approximation) passes without it.
 */
function informativeJudge(c: Confusion): boolean {
  const a1 = c.tp + 1, b1 = c.fn + 1, a2 = c.fp + 1, b2 = c.tn + 1;
  const gap = a1 / (a1 + b1) - a2 / (a2 + b2);
  const v = (a1 * b1) / ((a1 + b1) ** 2 * (a1 + b1 + 1)) + (a2 * b2) / ((a2 + b2) ** 2 * (a2 + b2 + 1));
  return gap > 5 * Math.sqrt(v) || pTprLeFpr(c) <= UNINFORMATIVE_THRESHOLD;
}

/** A prediction after some more labels: the mean half-width of the intervals Rogan-Gladen gives, and how often it gives one. */
export interface Prediction {
  /** Mean half-width over the futures where Rogan-Gladen gives an interval (Infinity when none does). */
  halfWidth: number;
  /** Share of the futures where it gives one (the calibration passes its test, P(TPR ≤ FPR) ≤ 1%). */
  intervalShare: number;
}

/**
 * Posterior-predictive mean half-width after `extra` more labels (METHOD §8): for each draw of the true (T, F) from
 * the current posterior, the labels the sampler would collect, and the half-width of the Rogan-Gladen interval those
 * augmented counts would give on the same paired questions (its own Monte Carlo, the interval the user would see);
 * averaged over the draws. Rogan-Gladen gives an interval only when the calibration is informative
 * (P(TPR ≤ FPR) ≤ 1%), so the average is over the futures where it does: the half-width a user gets when they get
 * one, the quantity the validation measures. Whether labels are worth advising at all (most futures give an
 * interval) is plan()'s decision, from intervalShare. Common random numbers (a fixed seed, the same deviates at
 * every k) keep the prediction smooth in `extra`, so the search below is well defined.
 */
function predictedHalfWidth(d: PlanDraws, m: StateMoments, c: Confusion, extra: number, level: number): Prediction {
  const rng = new Rng(12345);
  const range = { lo: -(1 - m.rA), hi: 1 - m.rB };
  const n = Math.max(m.n, 1);
  const inner = new Float64Array(INNER_DRAWS);
  const outer = Math.min(OUTER_DRAWS, d.t.length);
  // Only answered outputs not labelled yet can be labelled.
  const pool = Math.max(0, Math.round(m.n * (2 - m.rA - m.rB)) - (c.tp + c.fn + c.fp + c.tn));
  const k = Math.min(extra, pool);
  let sum = 0;
  let informative = 0;
  for (let s = 0; s < outer; s++) {
    const f = futureCounts(d, s, c, k);
    if (!informativeJudge(f)) continue;
    const tShape = betaShape(f.tp + 1, f.fn + 1);
    const fShape = betaShape(f.fp + 1, f.tn + 1);
    for (let i = 0; i < INNER_DRAWS; i++) {
      let t2 = 0, f2 = 0;
      for (let tries = 0; tries < 20 && t2 <= f2; tries++) {
        t2 = rng.betaOf(tShape);
        f2 = rng.betaOf(fShape);
      }
      const dd = m.D - f2 * m.E + Math.sqrt(varW(m, f2) / n) * rng.normal();
      const x = t2 > f2 ? dd / (t2 - f2) : dd >= 0 ? range.hi : range.lo;
      inner[i] = x < range.lo ? range.lo : x > range.hi ? range.hi : x;
    }
    const q = summarizeDraws(inner, level);
    sum += (q.hi - q.lo) / 2;
    informative++;
  }
  return { halfWidth: informative > 0 ? sum / informative : Infinity, intervalShare: informative / Math.max(outer, 1) };
}

/**
 * The prediction the planner uses: METHOD §8's posterior-predictive mean half-width A, corrected for its bias at a
 * fixed truth. A averages over (T, F) drawn from today's posterior, and the half-width is convex in 1/(T - F), so
 * A is too wide by about the posterior's spread — as much as 20% with 40 labels of a good judge. B, the same
 * computation with the future labels centred on today's estimates (T̂, F̂), is too wide by about the same amount
 * again, because T̂ itself varies around the truth. So the truth's half-width is about B·(B/A): the bootstrap bias
 * correction, in ratio form so it stays positive (to first order it is 2B - A). With many labels A = B and it
 * changes nothing; with no more labels both are today's interval. Where A gives no interval (Infinity) neither does
 * this; where only B gives none, A stands.
 */
function correctedHalfWidth(d: PlanDraws, centred: PlanDraws, m: StateMoments, c: Confusion, extra: number, level: number, minShare = 0): Prediction {
  const a = predictedHalfWidth(d, m, c, extra, level);
  // Below minShare the caller does not use the width, so B (a second posterior-predictive pass) is not computed.
  if (!Number.isFinite(a.halfWidth) || !(a.halfWidth > 0) || a.intervalShare < minShare) return a;
  const b = predictedHalfWidth(centred, m, c, extra, level).halfWidth;
  return { halfWidth: Number.isFinite(b) ? (b * b) / a.halfWidth : a.halfWidth, intervalShare: a.intervalShare };
}

/**
 * What plan() advises on: the predicted half-width where most futures give an interval, else Infinity (labels are
 * not expected to give one yet, so no target is promised).
 */
const ADVISABLE_SHARE = 0.5;
const advisable = (p: Prediction): number => (p.intervalShare >= ADVISABLE_SHARE ? p.halfWidth : Infinity);

function predictedFloor(d: PlanDraws, m: StateMoments, z: number): number {
  let sum = 0;
  for (let s = 0; s < d.t.length; s++) sum += (z * Math.sqrt(varW(m, d.f[s]!) / Math.max(m.n, 1))) / (d.t[s]! - d.f[s]!);
  return sum / d.t.length;
}

/** Smallest number of extra labels whose predicted half-width reaches h (the prediction falls as labels grow). */
function searchLabels(pred: (k: number) => number, h: number): number | undefined {
  if (pred(0) <= h) return 0;
  let hi = 16;
  while (pred(hi) > h) {
    if (hi >= MAX_LABELS) return undefined;
    hi *= 2;
  }
  let lo = hi / 2;
  // To within 5%: a label count is advice, and each step costs a posterior-predictive evaluation.
  while (hi - lo > Math.max(1, 0.05 * hi)) {
    const mid = Math.floor((lo + hi) / 2);
    if (pred(mid) <= h) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** How many more labels reach a target half-width on the difference, or why labels cannot (METHOD §8, v2). */
export function plan(input: PlanInput): Plan {
  const level = input.level ?? 0.9;
  const z = zFor(level);
  const h = input.targetHalfWidth;
  if (!(h > 0)) throw new RangeError(`target half-width must be positive, got ${h}`);
  const c = input.confusion;
  const mPos = c.tp + c.fn;
  const mNeg = c.fp + c.tn;
  const states = input.states ?? (input.paired ? statesFromPaired(input.paired) : undefined);
  if (!states) throw new RangeError('the planner needs the paired state table (states) or the verdict table (paired)');
  const m = stateMoments(states);
  const adequate = mPos >= MIN_CLASS_LABELS && mNeg >= MIN_CLASS_LABELS;
  const d = m.n > 0 ? planDraws(input, m, input.draws ?? 1000) : undefined;
  if (!d) {
    return { level, halfWidthNow: Infinity, floor: Infinity, reachableWithLabels: false, moreLabels: 0, questionsForTarget: Infinity, adequate,
      message: m.n === 0 ? 'No paired examples yet: run both systems on the test set first.'
        : 'The labelled judge is no better than chance (TPR <= FPR): use a better metric instead of labelling more.' };
  }
  const centred = centredOnEstimates(d, c);
  const pred = (k: number): number => advisable(correctedHalfWidth(d, centred, m, c, k, level, ADVISABLE_SHARE));
  const halfWidthNow = pred(0);
  const floor = predictedFloor(d, m, z);
  const questionsForTarget = Math.ceil(m.n * (floor / h) ** 2);
  // Labels come from answered outputs at random, so they split between the classes at the current share.
  const share = mean(d.share);
  const forAdequacy = Math.max(0, Math.ceil(Math.max((MIN_CLASS_LABELS - mPos) / Math.max(share, 0.05), (MIN_CLASS_LABELS - mNeg) / Math.max(1 - share, 0.05))));
  if (!Number.isFinite(halfWidthNow)) {
    // No judge-based interval today, and the floor averaged over so wide a posterior says little: labels come first.
    const first = searchLabels((k) => (Number.isFinite(pred(k)) ? 0 : 1), 0.5);
    if (first !== undefined) {
      return { level, halfWidthNow, floor, reachableWithLabels: true, moreLabels: Math.max(first, forAdequacy), questionsForTarget, adequate,
        message: `The judge does not look informative on these labels yet: label about ${counted(Math.max(first, forAdequacy), 'more output')}, both verdicts, then plan again.` };
    }
  }
  const forTarget = floor < h ? searchLabels(pred, h) : undefined;
  if (forTarget === undefined) {
    return { level, halfWidthNow, floor, reachableWithLabels: false, moreLabels: forAdequacy, questionsForTarget, adequate,
      message: `More test questions needed: even unlimited labels leave a half-width of ${pp(floor)} (target ${pp(h)}); about ${counted(questionsForTarget, 'paired question')} ${questionsForTarget === 1 ? 'is' : 'are'} needed at this judge quality.` };
  }
  const moreLabels = Math.max(forTarget, forAdequacy);
  return { level, halfWidthNow, floor, reachableWithLabels: true, moreLabels, questionsForTarget, adequate,
    message: moreLabels === 0 ? `The current labels reach ±${pp(halfWidthNow)} (target ±${pp(h)}).`
      : `Label about ${counted(moreLabels, 'more output')} to reach ±${pp(h)} (now ±${pp(halfWidthNow)}; labels cannot go below ±${pp(floor)}).` };
}

/**
 * The planner's prediction after `extra` more labels (for validation against simulation): the mean half-width of
 * the Rogan-Gladen intervals those labels give, and the share of futures that give one.
 */
export function predictOutcome(input: PlanInput, extra: number): Prediction {
  const states = input.states ?? statesFromPaired(input.paired!);
  const m = stateMoments(states);
  const d = planDraws(input, m, input.draws ?? 1000);
  return d ? correctedHalfWidth(d, centredOnEstimates(d, input.confusion), m, input.confusion, extra, input.level ?? 0.9) : { halfWidth: Infinity, intervalShare: 0 };
}

/** The predicted mean half-width after `extra` more labels, over the futures where Rogan-Gladen gives an interval. */
export function predictAfter(input: PlanInput, extra: number): number {
  return predictOutcome(input, extra).halfWidth;
}

const mean = (x: Float64Array): number => x.reduce((a, b) => a + b, 0) / Math.max(x.length, 1);

/** A half-width as shown; a projection above 100 pp (possible for the asymptotics, never for a difference) says so instead. */
function pp(x: number): string {
  return x > 1 ? 'over 100 pp' : `${(100 * x).toFixed(1)} pp`;
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

/** What a comparison needs to resolve an inconclusive verdict. */
export interface ResolveInput {
  states: StateTable;
  pooled: Confusion;
  baselineLabels?: Confusion;
  candidateLabels?: Confusion;
  /** The shown difference (absent: no estimate) and the estimator behind it. */
  difference?: { point: number; lo: number; hi: number };
  estimator: string;
  margin: number;
  level?: number;
}

const labelTotal = (c: Confusion | undefined): number => (c ? c.tp + c.fn + c.fp + c.tn : 0);

/**
 * METHOD §7: what would resolve an inconclusive result, in words: "N more test questions" when the planner's floor
 * is above the half-width needed, else "M more labels, from <system>'s outputs, both verdicts" (the candidate's
 * while it has fewer labels, which also tests the non-differential assumption).
 */
export function whatWouldResolve(input: ResolveInput): string {
  const from = labelTotal(input.candidateLabels) <= labelTotal(input.baselineLabels) ? "the candidate's" : "the baseline's";
  const d = input.difference;
  if (!d) {
    const c = input.pooled;
    const share = labelTotal(c) > 0 ? (c.tp + c.fn) / labelTotal(c) : 0.5;
    const need = Math.ceil(Math.max((MIN_CLASS_LABELS - c.tp - c.fn) / Math.max(share, 0.05), (MIN_CLASS_LABELS - c.fp - c.tn) / Math.max(1 - share, 0.05), 0));
    return need > 0 ? `about ${counted(need, 'more label')}, from both systems' outputs, both verdicts` : `more labels of each system's outputs, both verdicts`;
  }
  // The half-width that would exclude 0 (better or worse) or -margin (non-inferior) around the same point.
  const p = d.point;
  const needed = p >= 0 ? p + input.margin : Math.max(-p, p + input.margin);
  if (needed < 0.005) return 'the two look the same: only a non-inferiority margin (decision.nonInferiorityMargin) can resolve it';
  if (input.estimator === 'ppi++' || input.estimator === 'human-only') {
    const now = (d.hi - d.lo) / 2;
    const m = Math.min(labelTotal(input.baselineLabels), labelTotal(input.candidateLabels));
    const grow = (now / needed) ** 2 - 1;
    const more = Math.ceil(m * grow);
    const mo = stateMoments(input.states);
    const unlabelled = Math.min(mo.baseline.correct + mo.baseline.incorrect, mo.candidate.correct + mo.candidate.incorrect) - m;
    if (more > unlabelled) return `about ${counted(Math.max(Math.ceil(mo.n * grow), 1), 'more test question')}, labelled on both systems (every answered output is nearly labelled already)`;
    return `about ${counted(Math.max(more, 1), 'more label')} from each system's outputs, both verdicts (${input.estimator} needs labels of both)`;
  }
  const pl = plan({ states: input.states, confusion: input.pooled, targetHalfWidth: needed, level: input.level, draws: 300 });
  if (!pl.reachableWithLabels) return `about ${counted(Math.max(pl.questionsForTarget - statesTotal(input.states), 1), 'more test question')} (labels alone cannot narrow it enough)`;
  return `about ${counted(Math.max(pl.moreLabels, 1), 'more label')}, from ${from} outputs, both verdicts`;
}

/** A system's share of the blind-labelling queue: its strata and how many of its answered outputs are labelled. */
export interface SystemLabels {
  system: string;
  isBaseline: boolean;
  labelled: number;
}

/** One pick of the steered queue: from which stratum the next output comes, and why (no system, no verdict named). */
export interface LabelPick {
  system: string;
  verdict: 0 | 1;
  reason: string;
}

/** Own labels per system before the non-differential assumption can be tested (the judge-free cross-check's minimum). */
const UNTESTED_BELOW = 30;

export const REASON_UNTESTED = 'the judge is not yet checked on the outputs of every system, so this one comes first';
export const REASON_SPREAD = 'a random output, spread over the systems and the judge verdicts, to narrow the interval';

/**
 * The planner's order for the next `count` labels (METHOD §4, §8): while the non-differential assumption is untested,
 * outputs of the systems with fewer than 30 labels come first, candidates before the baseline; then every stratum in
 * proportion to its size. Within a system the verdicts stay in proportion at every point of the queue (the next pick
 * is the verdict furthest behind its share), so wherever a labeller stops the calibration is not tilted toward one
 * verdict, which would bias TPR and FPR.
 */
export function labelOrder(strata: readonly Stratum[], systems: readonly SystemLabels[], count: number): LabelPick[] {
  const left = strata.map((s) => s.unlabelled);
  const labelled = new Map(systems.map((s) => [s.system, s.labelled]));
  const picks: LabelPick[] = [];
  const untested = systems.filter((s) => s.labelled < UNTESTED_BELOW).sort((a, b) => Number(a.isBaseline) - Number(b.isBaseline) || a.labelled - b.labelled);
  for (const s of untested) {
    const mine = strata.map((x, i) => (x.system === s.system ? i : -1)).filter((i) => i >= 0);
    const taken = mine.map(() => 0);
    const sizes = mine.map((i) => left[i]!);
    while (picks.length < count && (labelled.get(s.system) ?? 0) < UNTESTED_BELOW) {
      const j = behindMost(sizes, taken, mine.map((i) => left[i]!));
      if (j < 0) break;
      taken[j]++;
      left[mine[j]!]--;
      labelled.set(s.system, (labelled.get(s.system) ?? 0) + 1);
      picks.push({ system: s.system, verdict: strata[mine[j]!]!.verdict, reason: REASON_UNTESTED });
    }
  }
  const sizes = left.slice();
  const taken = strata.map(() => 0);
  while (picks.length < count) {
    const i = behindMost(sizes, taken, left);
    if (i < 0) break;
    taken[i]++;
    left[i]--;
    picks.push({ system: strata[i]!.system, verdict: strata[i]!.verdict, reason: REASON_SPREAD });
  }
  return picks;
}

/** The stratum furthest behind its proportional share after one more pick (-1 when every stratum is empty). */
function behindMost(sizes: readonly number[], taken: readonly number[], left: readonly number[]): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  const next = taken.reduce((a, b) => a + b, 0) + 1;
  let best = -1;
  let bestGap = -Infinity;
  sizes.forEach((size, i) => {
    if (left[i]! <= 0) return;
    const gap = (next * size) / total - taken[i]!;
    if (gap > bestGap) { bestGap = gap; best = i; }
  });
  return best;
}
