// The public estimators: one system's true correctness and a candidate-vs-baseline difference, with the
// estimator chosen by id from the table in ./estimators. Every input is a count, so each call is O(draws).
import { checkCounts, checkLevel } from './calibration';
import { estimatorOf } from './estimators';
import type { ResolvedOptions } from './estimators/descriptor';
import { pairedStats } from './paired';
import { Rng } from './random';
import type { CompareInput, CompareResult, Confusion, Diagnostic, EstimateOptions, EstimatorId, OneSystemInput, OneSystemResult } from './types';

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

function sampleDiagnostics(n: number): Diagnostic[] {
  if (n === 0) return [{ code: 'no-examples', severity: 'error', message: 'No examples with verdicts: nothing to estimate.' }];
  if (n < 2) return [{ code: 'tiny-sample', severity: 'warning', message: `Only ${n} example: the sampling variance is set to its maximum.` }];
  return [];
}

/** Estimates one system's true correctness rate with the chosen estimator. */
export function estimateOne(estimator: EstimatorId, input: OneSystemInput, options: EstimateOptions = {}): OneSystemResult {
  const descriptor = estimatorOf(estimator);
  const o = resolve(options);
  const { confusion, judged, n } = input;
  checkCounts({ ...confusion, judged, n, ...(input.labels ?? {}) });
  if (judged > n) throw new RangeError(`judged (${judged}) cannot exceed n (${n})`);
  const diagnostics = sampleDiagnostics(n);
  const part = descriptor.estimateOne({ confusion, labels: input.labels ?? confusion, judged, n, options: o, rng: new Rng(o.seed), diagnostics });
  return { estimator, level: o.level, judgedRate: n > 0 ? judged / n : 0, n, ...part, diagnostics };
}

/** Compares a candidate with the baseline on paired verdicts (difference = candidate - baseline). */
export function compareSystems(estimator: EstimatorId, input: CompareInput, options: EstimateOptions = {}): CompareResult {
  const descriptor = estimatorOf(estimator);
  const o = resolve(options);
  const { paired, baselineLabels, candidateLabels } = input;
  checkCounts({ ...paired, ...prefixed('baseline', baselineLabels), ...prefixed('candidate', candidateLabels), ...(input.confusion ?? {}) });
  const confusion = input.confusion
    ?? (baselineLabels && candidateLabels ? addConfusion(baselineLabels, candidateLabels) : baselineLabels ?? candidateLabels);
  const stats = pairedStats(paired);
  const diagnostics = sampleDiagnostics(stats.n);
  const part = descriptor.compare({ paired, stats, confusion, baselineLabels, candidateLabels, options: o, rng: new Rng(o.seed), diagnostics });
  return { estimator, level: o.level, margin: o.margin, judgedRates: { baseline: stats.jA, candidate: stats.jB }, n: stats.n, ...part, diagnostics };
}

function prefixed(prefix: string, c: Confusion | undefined): Record<string, number> {
  return c ? { [`${prefix}.tp`]: c.tp, [`${prefix}.fn`]: c.fn, [`${prefix}.fp`]: c.fp, [`${prefix}.tn`]: c.tn } : {};
}
