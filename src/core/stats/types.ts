// Plain data shapes of the statistics engine. All rates and differences are fractions in [0, 1]
// (differences in [-1, 1]); "difference" is always candidate - baseline.
import type { EstimatorName } from '../../protocol/comparison';

/** Human label (rows) against metric verdict (columns) for one test set and metric. */
export interface Confusion {
  /** Human correct, metric correct. */
  tp: number;
  /** Human correct, metric incorrect. */
  fn: number;
  /** Human incorrect, metric correct. */
  fp: number;
  /** Human incorrect, metric incorrect. */
  tn: number;
}

/** Paired verdicts of baseline A and candidate B on the same n examples. */
export interface PairedTable {
  /** Both judged correct. */
  n11: number;
  /** Baseline judged correct, candidate judged incorrect. */
  n10: number;
  /** Baseline judged incorrect, candidate judged correct. */
  n01: number;
  /** Both judged incorrect. */
  n00: number;
}

/** A posterior or sampling summary: point estimates and an equal-tailed interval at `level`. */
export interface Summary {
  mean: number;
  median: number;
  lo: number;
  hi: number;
}

/** Something a reviewer must know about a result; `error` means do not act on the number. */
export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  severity: 'info' | 'warning' | 'error';
}

export type DiagnosticCode =
  | 'few-positives'
  | 'few-negatives'
  | 'uninformative-judge'
  | 'judge-inverted'
  | 'differential-judge'
  /** The judge-corrected difference disagrees with the judge-free ppi++ one (a differential judge biases it). */
  | 'differential-bias'
  | 'differential-untested'
  | 'judge-check-low-power'
  | 'delta-disagrees'
  | 'paper-mode'
  | 'uncalibrated'
  | 'few-labels-per-system'
  | 'tiny-sample'
  | 'no-examples';

/** The estimators of METHOD.md §3-§6 (the ids are declared in the protocol; the table is ./estimators). */
export type EstimatorId = EstimatorName;

/** Options shared by the estimators. */
export interface EstimateOptions {
  /** Interval level; default 0.9. */
  level?: number;
  /** Monte Carlo draws for `paper` and `rogan-gladen`; default 100 000. */
  draws?: number;
  /** PRNG seed; default 1. */
  seed?: number;
  /** Non-inferiority margin for `pNotInferior` (fraction); default 0 (superiority). */
  margin?: number;
}

/** Inputs for one system's correctness. */
export interface OneSystemInput {
  /** Calibration labels for the metric (pooled across systems or this system's own). */
  confusion: Confusion;
  /** Outputs the metric judged correct. */
  judged: number;
  /** Outputs judged (correct or incorrect). */
  n: number;
  /** This system's own labelled outputs, for `ppi++` and `human-only`; defaults to `confusion`. */
  labels?: Confusion;
}

/** Inputs for a paired comparison of a candidate with the baseline. */
export interface CompareInput {
  /** Pooled calibration labels; defaults to the sum of the per-system labels. */
  confusion?: Confusion;
  paired: PairedTable;
  /** Baseline's own labelled outputs (needed by `ppi++`, `human-only`, and the non-differential test). */
  baselineLabels?: Confusion;
  /** Candidate's own labelled outputs. */
  candidateLabels?: Confusion;
}

/** The delta-method Wald cross-check of the Rogan-Gladen estimate. */
export interface CrossCheck {
  estimate: number;
  lo: number;
  hi: number;
}

/** One system's estimated true correctness. */
export interface OneSystemResult {
  estimator: EstimatorId;
  level: number;
  estimate: Summary;
  /** Fraction of outputs the metric judged correct (uncalibrated). */
  judgedRate: number;
  n: number;
  /** Monte Carlo draws used (0 for closed-form estimators). */
  draws: number;
  /** Fraction of (TPR, FPR) draws rejected by the TPR > FPR truncation (`rogan-gladen`). */
  rejectedFraction?: number;
  crossCheck?: CrossCheck;
  diagnostics: Diagnostic[];
}

/** A paired comparison: candidate - baseline. */
export interface CompareResult {
  estimator: EstimatorId;
  level: number;
  difference: Summary;
  /** Posterior (or approximate) probability that the candidate's true correctness is higher. */
  pBetter: number;
  margin: number;
  /** Probability that the difference exceeds -margin; the decision rule's one-sided p is 1 - this. */
  pNotInferior: number;
  /** Judged-correct rates of the two systems (uncalibrated). */
  judgedRates: { baseline: number; candidate: number };
  n: number;
  draws: number;
  rejectedFraction?: number;
  crossCheck?: CrossCheck;
  diagnostics: Diagnostic[];
}
