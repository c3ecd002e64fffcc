// The public estimators: one system's true correctness and a candidate-vs-baseline difference, with the
// estimator chosen by id from the table in ./estimators (`auto`, the default, picks the one the labels support).
// Every input is a count, so each call is O(draws). Shared here: the checks, the verdict, "do not act" with an
// assumption-free interval, the estimators shown beside, and the clipping that keeps every number possible.
import { ppiAdequate } from './auto';
import { checkCounts, checkLevel } from './calibration';
import { estimatorOf } from './estimators';
import type { CompareContext, ComparePart, ResolvedOptions } from './estimators/descriptor';
import { checkLabelLayout } from './labelLayout';
import { Rng } from './random';
import { differenceRange } from './roganGladen';
import { STATE_CELLS, stateMoments, statesFromPaired, type SystemStates } from './stateTable';
import { clipSummary } from './summary';
import { hasAssumptionError, verdictOf } from './verdict';
import type { BesideResult, CompareInput, CompareResult, Confusion, Diagnostic, EstimateOptions, EstimatorChoice, EstimatorId, OneSystemInput,
  OneSystemResult } from './types';

/** Default Monte Carlo draws (METHOD.md §3: S >= 10⁵). */
export const DEFAULT_DRAWS = 100_000;

function resolve(o: EstimateOptions): ResolvedOptions {
  const r = { level: o.level ?? 0.9, draws: o.draws ?? DEFAULT_DRAWS, seed: o.seed ?? 1, margin: o.margin ?? 0 };
  checkLevel(r.level);
  if (!Number.isInteger(r.draws) || r.draws < 1) throw new RangeError(`draws must be a positive integer, got ${r.draws}`);
  if (!(r.margin >= 0 && r.margin < 1)) throw new RangeError(`margin must be in [0, 1), got ${r.margin}`);
  return r;
}

/** Adds two confusion matrices. */
export function addConfusion(a: Confusion, b: Confusion): Confusion {
  return { tp: a.tp + b.tp, fn: a.fn + b.fn, fp: a.fp + b.fp, tn: a.tn + b.tn };
}

const total = (c: Confusion | undefined): number => (c ? c.tp + c.fn + c.fp + c.tn : 0);
const ownLabels = (c: Confusion | undefined): Confusion | undefined => (total(c) > 0 ? c : undefined);

function sampleDiagnostics(n: number): Diagnostic[] {
  if (n === 0) return [{ code: 'no-examples', severity: 'error', message: 'No examples with verdicts: nothing to estimate.' }];
  if (n < 2) return [{ code: 'tiny-sample', severity: 'warning', message: `Only ${n} example: the sampling variance is set to its maximum.` }];
  return [];
}

function labelsNeeded(reason: string): Diagnostic {
  return { code: 'labels-needed', severity: 'warning', message: `No estimate: ${reason}.` };
}

/** The comparison context from either input form; labels on IDK outputs never get here. */
function compareContext(input: CompareInput, o: ResolvedOptions): CompareContext {
  const { baselineLabels, candidateLabels } = input;
  if (!input.states && !input.paired) throw new RangeError('a comparison needs the paired state table (states) or the verdict table (paired)');
  const states = input.states ?? statesFromPaired(input.paired!);
  checkCounts({ ...Object.fromEntries(STATE_CELLS.map((k) => [`states.${k}`, states[k]])), ...prefixed('baseline', baselineLabels),
    ...prefixed('candidate', candidateLabels), ...(input.confusion ?? {}) });
  const a = ownLabels(baselineLabels);
  const b = ownLabels(candidateLabels);
  const confusion = input.confusion ?? (a && b ? addConfusion(a, b) : a ?? b);
  if (input.labelLayout) checkLabelLayout(input.labelLayout, a, b, states);
  const moments = stateMoments(states);
  return { states, moments, confusion, baselineLabels: a, candidateLabels: b, labelLayout: input.labelLayout, options: o, rng: new Rng(o.seed),
    diagnostics: sampleDiagnostics(moments.n) };
}

/**
 * METHOD §7: when an assumption of the judge-based estimator fails, the number shown is that of an estimator
 * that does not need it (ppi++ with adequate labels of both systems, else human-only), under "do not act".
 */
function assumptionFree(ctx: CompareContext, estimator: EstimatorId, part: ComparePart): { estimator: EstimatorId; reason?: string; part: ComparePart } {
  const a = ctx.baselineLabels;
  const b = ctx.candidateLabels;
  const fallback: EstimatorId | undefined = a && b ? (ppiAdequate(a) && ppiAdequate(b) ? 'ppi++' : 'human-only') : undefined;
  if (!fallback || fallback === estimator) return { estimator, part };
  const f = estimatorOf(fallback).compare({ ...ctx, rng: new Rng(ctx.options.seed), diagnostics: [] });
  return { estimator: fallback, reason: `${estimator}'s assumption fails (${part.none ?? 'see the error'}); ${fallback} does not need it`,
    part: { ...f, crossCheck: part.crossCheck, rejectedFraction: part.rejectedFraction } };
}

/** Compares a candidate with the baseline (difference = candidate - baseline) with an estimator or `auto`. */
export function compareSystems(requested: EstimatorChoice, input: CompareInput, options: EstimateOptions = {}): CompareResult {
  const descriptor = estimatorOf(requested);
  const o = resolve(options);
  const ctx = compareContext(input, o);
  const m = ctx.moments;
  const base = { requested, level: o.level, margin: o.margin, judgedRates: { baseline: m.jA, candidate: m.jB }, idkRates: { baseline: m.rA, candidate: m.rB }, n: m.n };
  let part = descriptor.compare(ctx);
  const chosen = part.chosen ?? { estimator: requested as EstimatorId, reason: 'chosen in the settings' };
  if (chosen.estimator === 'none') {
    ctx.diagnostics.push(labelsNeeded(chosen.reason));
    return { ...base, estimator: 'none', reason: chosen.reason, verdict: 'inconclusive', draws: 0, beside: beside(ctx, 'none'), diagnostics: ctx.diagnostics };
  }
  let estimator = chosen.estimator;
  let reason = chosen.reason;
  const judgeBased = estimator === 'rogan-gladen' || estimator === 'paper';
  const assumptionError = hasAssumptionError(ctx.diagnostics) || (judgeBased && part.none !== undefined && total(ctx.confusion) > 0);
  if (assumptionError && judgeBased) {
    const f = assumptionFree(ctx, estimator, part);
    ({ estimator, part } = f);
    reason = f.reason ?? reason;
  }
  if (part.none) ctx.diagnostics.push({ code: 'no-estimate', severity: 'error', message: `No estimate from ${estimator}: ${part.none}.` });
  const range = differenceRange(m);
  const difference = part.difference && clipSummary(part.difference, range.lo, range.hi);
  return { ...base, estimator, reason, verdict: verdictOf(difference, o.margin, assumptionError), difference, pBetter: part.pBetter,
    pNotInferior: part.pNotInferior, draws: part.draws, rejectedFraction: part.rejectedFraction, crossCheck: part.crossCheck,
    beside: [...(part.beside ?? []), ...beside(ctx, estimator)], diagnostics: dedupe(ctx.diagnostics) };
}

/** Closed-form estimators shown beside the chosen one: human-only (when both systems have labels) and naive. */
function beside(ctx: CompareContext, chosen: EstimatorId | 'none'): BesideResult[] {
  const out: BesideResult[] = [];
  const range = differenceRange(ctx.moments);
  const add = (e: 'human-only' | 'naive', note: string): void => {
    if (e === chosen) return;
    const p = estimatorOf(e).compare({ ...ctx, diagnostics: [] });
    if (p.difference) out.push({ estimator: e, difference: clipSummary(p.difference, range.lo, range.hi), note });
  };
  if (ctx.baselineLabels && ctx.candidateLabels) add('human-only', 'human labels only');
  if (ctx.moments.n > 0) add('naive', 'uncalibrated: the judge taken to be always right');
  return out;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  return ds.filter((x, i) => ds.findIndex((y) => y.code === x.code && y.message === x.message) === i);
}

function prefixed(prefix: string, c: Confusion | undefined): Record<string, number> {
  return c ? { [`${prefix}.tp`]: c.tp, [`${prefix}.fn`]: c.fn, [`${prefix}.fp`]: c.fp, [`${prefix}.tn`]: c.tn } : {};
}

/** Estimates one system's true correctness rate (IDK outputs counted incorrect) with an estimator or `auto`. */
export function estimateOne(requested: EstimatorChoice, input: OneSystemInput, options: EstimateOptions = {}): OneSystemResult {
  const descriptor = estimatorOf(requested);
  const o = resolve(options);
  const { confusion, judged, n } = input;
  const idk = input.idk ?? 0;
  checkCounts({ ...confusion, judged, n, idk, ...(input.labels ?? {}) });
  if (judged + idk > n) throw new RangeError(`judged (${judged}) plus IDK (${idk}) cannot exceed n (${n})`);
  const states: SystemStates = { correct: judged, incorrect: n - judged - idk, idk };
  const diagnostics = sampleDiagnostics(n);
  const part = descriptor.estimateOne({ confusion, labels: ownLabels(input.labels), states, options: o, rng: new Rng(o.seed), diagnostics });
  const chosen = part.chosen ?? { estimator: requested as EstimatorId, reason: 'chosen in the settings' };
  if (chosen.estimator === 'none') diagnostics.push(labelsNeeded(chosen.reason));
  const answered = n > 0 ? 1 - idk / n : 1;
  return { estimator: chosen.estimator, requested, reason: chosen.reason, level: o.level, judgedRate: n > 0 ? judged / n : 0, idkRate: n > 0 ? idk / n : 0, n,
    estimate: part.estimate && clipSummary(part.estimate, 0, answered), draws: part.draws, rejectedFraction: part.rejectedFraction, crossCheck: part.crossCheck, diagnostics };
}
