// What every estimator provides, and the helpers several of them share. One file per estimator sits next to
// this one; `index.ts` is the table that lists them.
import { labelDiagnostics, MIN_CLASS_LABELS, pTprLeFpr, UNINFORMATIVE_THRESHOLD, uninformativeDiagnostic } from '../calibration';
import type { PairedStats } from '../paired';
import type { Rng } from '../random';
import type { CompareResult, Confusion, Diagnostic, EstimatorId, OneSystemResult, PairedTable, Summary } from '../types';

/** Options after defaults were applied and checked. */
export interface ResolvedOptions { level: number; draws: number; seed: number; margin: number }

/** Which human labels an estimator works from. */
export type LabelNeed =
  /** A confusion matrix of human labels against verdicts, pooled across the systems. */
  | 'pooled'
  /** Each compared system's own labelled outputs. */
  | 'per-system'
  /** No labels: the verdicts are taken at face value. */
  | 'none';

/** Inputs of a one-system estimate, after the shared checks. Estimators push their notes onto `diagnostics`. */
export interface OneSystemContext {
  confusion: Confusion;
  /** This system's own labels (`confusion` when none were given). */
  labels: Confusion;
  judged: number;
  n: number;
  options: ResolvedOptions;
  rng: Rng;
  diagnostics: Diagnostic[];
}

/** Inputs of a paired comparison (candidate − baseline), after the shared checks. */
export interface CompareContext {
  paired: PairedTable;
  stats: PairedStats;
  /** Pooled calibration labels, when any were given. */
  confusion?: Confusion;
  baselineLabels?: Confusion;
  candidateLabels?: Confusion;
  options: ResolvedOptions;
  rng: Rng;
  diagnostics: Diagnostic[];
}

/** The estimator-specific part of a result; `estimate.ts` adds the shared fields. */
export type OneSystemPart = Pick<OneSystemResult, 'estimate' | 'draws' | 'rejectedFraction' | 'crossCheck'>;
export type ComparePart = Pick<CompareResult, 'difference' | 'pBetter' | 'pNotInferior' | 'draws' | 'rejectedFraction' | 'crossCheck'>;

/** One estimator: everything the CLI, the schema, the panel and the comparison need to know about it. */
export interface EstimatorDescriptor {
  id: EstimatorId;
  /** Short name for selectors and reports. */
  displayName: string;
  /** One sentence: what it does and when to use it. */
  explanation: string;
  labels: LabelNeed;
  estimateOne(ctx: OneSystemContext): OneSystemPart;
  compare(ctx: CompareContext): ComparePart;
}

/** Throws the error the CLI turns into "pass … labels": the estimator cannot run without them. */
export function missingLabels(estimator: EstimatorId, what: string): never {
  throw new RangeError(`${estimator} needs ${what}`);
}

/** Label-count and informativeness diagnostics of a pooled calibration. */
export function calibrationDiagnostics(c: Confusion): Diagnostic[] {
  const out = labelDiagnostics(c);
  const p = pTprLeFpr(c);
  if (p > UNINFORMATIVE_THRESHOLD) out.push(uninformativeDiagnostic(p));
  return out;
}

export function invertedDiagnostic(): Diagnostic {
  return { code: 'judge-inverted', severity: 'error',
    message: `Almost every posterior draw has TPR <= FPR: the judge is no better than chance on the labelled outputs, so no correction is possible.` };
}

export function perSystemLabelDiagnostics(labels: Confusion[], names: string[]): Diagnostic[] {
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

export function clip01(s: Summary): Summary {
  const c = (x: number): number => Math.min(1, Math.max(0, x));
  return { mean: c(s.mean), median: c(s.median), lo: c(s.lo), hi: c(s.hi) };
}

export function clipDiff(s: Summary): Summary {
  const c = (x: number): number => Math.min(1, Math.max(-1, x));
  return { mean: c(s.mean), median: c(s.median), lo: c(s.lo), hi: c(s.hi) };
}

/** Both systems' own labels, or the error naming what is missing. */
export function bothSystemsLabels(ctx: CompareContext, estimator: EstimatorId): [Confusion, Confusion] {
  const what = 'labelled outputs of both systems (baseline and candidate)';
  return [ctx.baselineLabels ?? missingLabels(estimator, what), ctx.candidateLabels ?? missingLabels(estimator, what)];
}

/** The pooled calibration, or the error naming what is missing. */
export function pooledLabels(ctx: CompareContext, estimator: EstimatorId): Confusion {
  return ctx.confusion ?? missingLabels(estimator, 'calibration labels (a confusion matrix)');
}
