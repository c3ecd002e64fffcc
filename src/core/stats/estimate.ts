// The public estimators: one system's true correctness and a candidate-vs-baseline difference,
// with the estimator chosen by id. Every input is a count, so each call is O(draws).
import { MIN_CLASS_LABELS, checkCounts, checkLevel, labelDiagnostics, pTprLeFpr, UNINFORMATIVE_THRESHOLD, uninformativeDiagnostic } from './calibration';
import { differentialDiagnostics, crossCheckDiagnostics } from './diagnostics';
import { naivePaired, newcombe, wilson } from './baselines';
import { pairedStats } from './paired';
import { paperCompare, paperOne } from './paper';
import { ppiCompare, ppiOne } from './ppi';
import { Rng } from './random';
import { drawTruncated, rgCompare, rgCompareDelta, rgOne, rgOneDelta } from './roganGladen';
import { normalAbove, waldSummary } from './summary';
import type { CompareInput, CompareResult, Confusion, Diagnostic, EstimateOptions, EstimatorId, OneSystemInput, OneSystemResult, Summary } from './types';

/** Default Monte Carlo draws (METHOD.md §3: S >= 10⁵). */
export const DEFAULT_DRAWS = 100_000;

interface Resolved {
  level: number;
  draws: number;
  seed: number;
  margin: number;
}

function resolve(o: EstimateOptions): Resolved {
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

function clip01(s: Summary): Summary {
  const c = (x: number): number => Math.min(1, Math.max(0, x));
  return { mean: c(s.mean), median: c(s.median), lo: c(s.lo), hi: c(s.hi) };
}

function clipDiff(s: Summary): Summary {
  const c = (x: number): number => Math.min(1, Math.max(-1, x));
  return { mean: c(s.mean), median: c(s.median), lo: c(s.lo), hi: c(s.hi) };
}

/** Label-count and informativeness diagnostics of a calibration used by `paper` and `rogan-gladen`. */
function calibrationDiagnostics(c: Confusion): Diagnostic[] {
  const out = labelDiagnostics(c);
  const p = pTprLeFpr(c);
  if (p > UNINFORMATIVE_THRESHOLD) out.push(uninformativeDiagnostic(p));
  return out;
}

function sampleDiagnostics(n: number): Diagnostic[] {
  if (n === 0) return [{ code: 'no-examples', severity: 'error', message: 'No examples with verdicts: nothing to estimate.' }];
  if (n < 2) return [{ code: 'tiny-sample', severity: 'warning', message: `Only ${n} example: the sampling variance is set to its maximum.` }];
  return [];
}

function invertedDiagnostic(): Diagnostic {
  return { code: 'judge-inverted', severity: 'error',
    message: `Almost every posterior draw has TPR <= FPR: the judge is no better than chance on the labelled outputs, so no correction is possible.` };
}

function perSystemLabelDiagnostics(labels: Confusion[], names: string[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  labels.forEach((l, i) => {
    const m = l.tp + l.fn + l.fp + l.tn;
    if (m < MIN_CLASS_LABELS) {
      out.push({ code: 'few-labels-per-system', severity: 'warning',
        message: `${names[i]} has ${m} labelled outputs; ${MIN_CLASS_LABELS} are needed for a reliable interval (use cross-fitting or a bootstrap below that).` });
    }
  });
  return out;
}

/** Estimates one system's true correctness rate with the chosen estimator. */
export function estimateOne(estimator: EstimatorId, input: OneSystemInput, options: EstimateOptions = {}): OneSystemResult {
  const o = resolve(options);
  const { confusion, judged, n } = input;
  checkCounts({ ...confusion, judged, n, ...(input.labels ?? {}) });
  if (judged > n) throw new RangeError(`judged (${judged}) cannot exceed n (${n})`);
  const labels = input.labels ?? confusion;
  const base = { estimator, level: o.level, judgedRate: n > 0 ? judged / n : 0, n };
  const diagnostics = sampleDiagnostics(n);
  const rng = new Rng(o.seed);
  switch (estimator) {
    case 'paper': {
      const r = paperOne(confusion, judged, n, o.draws, o.level, rng);
      diagnostics.push(...calibrationDiagnostics(confusion), { code: 'paper-mode', severity: 'info',
        message: 'Paper reproduction mode: the fixed 0.5 prior pulls the estimate toward 50% and the interval holds calibration uncertainty only.' });
      return { ...base, estimate: r.summary, draws: o.draws, diagnostics };
    }
    case 'rogan-gladen': {
      diagnostics.push(...calibrationDiagnostics(confusion));
      const tr = drawTruncated(confusion, o.draws, rng);
      const crossCheck = rgOneDelta(confusion, judged, n, o.level);
      if (!tr) {
        diagnostics.push(invertedDiagnostic());
        return { ...base, estimate: { mean: 0.5, median: 0.5, lo: 0, hi: 1 }, draws: 0, rejectedFraction: 1, crossCheck, diagnostics };
      }
      const r = rgOne(tr, judged, n, o.level, rng);
      diagnostics.push(...crossCheckDiagnostics(r.summary, crossCheck && clipCross(crossCheck, 0, 1)));
      return { ...base, estimate: r.summary, draws: o.draws, rejectedFraction: tr.rejectedFraction, crossCheck, diagnostics };
    }
    case 'ppi++': {
      const r = ppiOne(labels, judged, n);
      diagnostics.push(...perSystemLabelDiagnostics([labels], ['This system']));
      return { ...base, estimate: clip01(waldSummary(r.estimate, r.se, o.level)), draws: 0, diagnostics };
    }
    case 'human-only': {
      const m = labels.tp + labels.fn + labels.fp + labels.tn;
      const w = wilson(labels.tp + labels.fn, m, o.level);
      diagnostics.push(...perSystemLabelDiagnostics([labels], ['This system']));
      return { ...base, estimate: { mean: w.estimate, median: w.estimate, lo: w.lo, hi: w.hi }, draws: 0, diagnostics };
    }
    case 'naive': {
      const w = wilson(judged, n, o.level);
      diagnostics.push(uncalibrated());
      return { ...base, estimate: { mean: w.estimate, median: w.estimate, lo: w.lo, hi: w.hi }, draws: 0, diagnostics };
    }
  }
}

function uncalibrated(): Diagnostic {
  return { code: 'uncalibrated', severity: 'info', message: 'Uncalibrated: raw judge verdicts, taking the judge to be always right.' };
}

function clipCross(c: { estimate: number; lo: number; hi: number }, lo: number, hi: number): { estimate: number; lo: number; hi: number } {
  return { estimate: c.estimate, lo: Math.max(lo, c.lo), hi: Math.min(hi, c.hi) };
}

/** Compares a candidate with the baseline on paired verdicts (difference = candidate - baseline). */
export function compareSystems(estimator: EstimatorId, input: CompareInput, options: EstimateOptions = {}): CompareResult {
  const o = resolve(options);
  const { paired, baselineLabels, candidateLabels } = input;
  checkCounts({ ...paired, ...prefixed('baseline', baselineLabels), ...prefixed('candidate', candidateLabels), ...(input.confusion ?? {}) });
  const confusion = input.confusion
    ?? (baselineLabels && candidateLabels ? addConfusion(baselineLabels, candidateLabels) : baselineLabels ?? candidateLabels);
  const ps = pairedStats(paired);
  const base = { estimator, level: o.level, margin: o.margin, judgedRates: { baseline: ps.jA, candidate: ps.jB }, n: ps.n };
  const diagnostics = sampleDiagnostics(ps.n);
  const rng = new Rng(o.seed);
  const needLabels = (what: string): never => {
    throw new RangeError(`${estimator} needs ${what}`);
  };
  switch (estimator) {
    case 'paper': {
      const c = confusion ?? needLabels('calibration labels (a confusion matrix)');
      const r = paperCompare(c, paired, o.draws, o.level, o.margin, rng);
      diagnostics.push(...calibrationDiagnostics(c), ...differentialDiagnostics(baselineLabels, candidateLabels, { pooled: c, paired, level: o.level }), { code: 'paper-mode', severity: 'info',
        message: 'Paper reproduction mode: the difference is shrunk toward 0 by the fixed 0.5 prior, so it is not the true difference.' });
      return { ...base, difference: r.summary, pBetter: r.pAbove, pNotInferior: r.pNotInferior, draws: o.draws, diagnostics };
    }
    case 'rogan-gladen': {
      const c = confusion ?? needLabels('calibration labels (a confusion matrix)');
      diagnostics.push(...calibrationDiagnostics(c), ...differentialDiagnostics(baselineLabels, candidateLabels, { pooled: c, paired, level: o.level }));
      const tr = drawTruncated(c, o.draws, rng);
      const crossCheck = rgCompareDelta(c, paired, o.level);
      if (!tr) {
        diagnostics.push(invertedDiagnostic());
        return { ...base, difference: { mean: 0, median: 0, lo: -1, hi: 1 }, pBetter: 0.5, pNotInferior: 0.5, draws: 0, rejectedFraction: 1, crossCheck, diagnostics };
      }
      const r = rgCompare(tr, paired, o.level, o.margin, rng);
      if (ps.n > 0 && (ps.dBar !== 0 || ps.varX !== 0)) diagnostics.push(...crossCheckDiagnostics(r.summary, crossCheck));
      return { ...base, difference: r.summary, pBetter: r.pAbove, pNotInferior: r.pNotInferior, draws: o.draws,
        rejectedFraction: tr.rejectedFraction, crossCheck, diagnostics };
    }
    case 'ppi++': {
      const a = baselineLabels ?? needLabels('labelled outputs of both systems (baseline and candidate)');
      const b = candidateLabels ?? needLabels('labelled outputs of both systems (baseline and candidate)');
      const r = ppiCompare(a, b, paired);
      diagnostics.push(...perSystemLabelDiagnostics([a, b], ['The baseline', 'The candidate']));
      return { ...base, difference: clipDiff(waldSummary(r.estimate, r.se, o.level)), pBetter: normalAbove(r.estimate, r.se, 0),
        pNotInferior: normalAbove(r.estimate, r.se, -o.margin), draws: 0, diagnostics };
    }
    case 'human-only': {
      const a = baselineLabels ?? needLabels('labelled outputs of both systems (baseline and candidate)');
      const b = candidateLabels ?? needLabels('labelled outputs of both systems (baseline and candidate)');
      const r = newcombe(a.tp + a.fn, a.tp + a.fn + a.fp + a.tn, b.tp + b.fn, b.tp + b.fn + b.fp + b.tn, o.level);
      diagnostics.push(...perSystemLabelDiagnostics([a, b], ['The baseline', 'The candidate']));
      return { ...base, difference: { mean: r.estimate, median: r.estimate, lo: r.lo, hi: r.hi }, pBetter: normalAbove(r.estimate, r.se, 0),
        pNotInferior: normalAbove(r.estimate, r.se, -o.margin), draws: 0, diagnostics };
    }
    case 'naive': {
      const r = naivePaired(paired);
      diagnostics.push(uncalibrated());
      return { ...base, difference: clipDiff(waldSummary(r.estimate, r.se, o.level)), pBetter: normalAbove(r.estimate, r.se, 0),
        pNotInferior: normalAbove(r.estimate, r.se, -o.margin), draws: 0, diagnostics };
    }
  }
}

function prefixed(prefix: string, c: Confusion | undefined): Record<string, number> {
  return c ? { [`${prefix}.tp`]: c.tp, [`${prefix}.fn`]: c.fn, [`${prefix}.fp`]: c.fp, [`${prefix}.tn`]: c.tn } : {};
}
