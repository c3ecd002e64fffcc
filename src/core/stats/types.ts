// Plain data shapes of the statistics engine. All rates and differences are fractions in [0, 1]
// (differences in [-1, 1]); "difference" is always candidate - baseline.
import type { EstimatorName } from '../../protocol/comparison';
import type { StateTable } from './stateTable';

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

/** A labelled answered output's cell of the confusion matrix. */
export type ConfusionCell = keyof Confusion;

/**
 * One output of a question as the label layout sees it: its confusion cell when it is labelled, else its state —
 * answered and judged correct ('correct'), answered and judged incorrect ('incorrect'), or IDK ('idk').
 */
export type LabelSide = ConfusionCell | 'correct' | 'incorrect' | 'idk';

/**
 * Which questions are labelled on which system: every question with a label on at least one system, counted by
 * the baseline output's side, then the candidate's (`layout.tp.fn`: both labelled, baseline human 1 & judged 1,
 * candidate human 1 & judged 0; `layout.idk.tp`: baseline IDK, candidate labelled tp; `layout.fp.incorrect`:
 * baseline labelled fp, candidate judged incorrect and not labelled). Cells with no label on either side are 0.
 * With it, ppi++ and human-only use the covariance between the two systems' label means and the judged outputs
 * (README, Statistics); without it they use METHOD §5/§6 as written.
 */
export type LabelLayout = Record<LabelSide, Record<LabelSide, number>>;

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
  /** The point the estimator defines and every display shows (median for rogan-gladen, mean for paper); inside [lo, hi]. */
  point: number;
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
  | 'delta-disagrees'
  | 'paper-mode'
  | 'uncalibrated'
  | 'few-labels-per-system'
  /** ppi++ is used with fewer labels than it needs to cover (METHOD §5). */
  | 'ppi-thin-labels'
  /** Labels on IDK outputs: counted and left out of the calibration (METHOD §1). */
  | 'idk-labels-ignored'
  /** No estimator's requirements are met: labels needed (METHOD §5b step 4). */
  | 'labels-needed'
  /** The estimator asked for cannot give a number on these data (the reason says why). */
  | 'no-estimate'
  | 'tiny-sample'
  | 'no-examples';

/** What a user asks for (the ids are declared in the protocol; the table is ./estimators): an estimator, or `auto`
 * (METHOD §5b), which picks the one the data can support. */
export type EstimatorChoice = EstimatorName;

/** The estimators of METHOD §3-§6 that compute a number themselves. */
export type EstimatorId = Exclude<EstimatorName, 'auto'>;

/** The four verdicts of METHOD §7, plus "do not act on this number" when an assumption is known to fail. */
export type Verdict = 'better' | 'non-inferior' | 'worse' | 'inconclusive' | 'do-not-act';

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
  /** Calibration labels for the metric on answered outputs (pooled across systems or this system's own). */
  confusion: Confusion;
  /** Answered outputs the metric judged correct. */
  judged: number;
  /** Outputs (answered and IDK). */
  n: number;
  /** IDK outputs among the n (incorrect by definition); default 0. */
  idk?: number;
  /** This system's own labelled answered outputs, for `ppi++` and `human-only`; defaults to `confusion`. */
  labels?: Confusion;
}

/** Inputs for a paired comparison of a candidate with the baseline. Give `states`, or `paired` when there is no IDK. */
export interface CompareInput {
  /** Pooled calibration labels on answered outputs; defaults to the sum of the per-system labels. */
  confusion?: Confusion;
  /** The 3 × 3 paired state table (METHOD §1). */
  states?: StateTable;
  /** The 2 × 2 verdict table of two systems without IDK outputs (v1 input; ignored when `states` is given). */
  paired?: PairedTable;
  /** Baseline's own labelled answered outputs (needed by `ppi++`, `human-only`, and the non-differential test). */
  baselineLabels?: Confusion;
  /** Candidate's own labelled answered outputs. */
  candidateLabels?: Confusion;
  /** Which questions are labelled on which system; absent = not known (METHOD §5/§6 as written). */
  labelLayout?: LabelLayout;
}

/** The delta-method Wald cross-check of the Rogan-Gladen estimate. */
export interface CrossCheck {
  estimate: number;
  lo: number;
  hi: number;
}

/** One system's estimated true correctness. */
export interface OneSystemResult {
  /** The estimator whose number this is ('none' when no estimator could give one). */
  estimator: EstimatorId | 'none';
  requested: EstimatorChoice;
  reason: string;
  level: number;
  /** Absent when there is no estimate. */
  estimate?: Summary;
  /** Fraction of outputs the metric judged correct (uncalibrated; IDK counted 0). */
  judgedRate: number;
  idkRate: number;
  n: number;
  /** Monte Carlo draws used (0 for closed-form estimators). */
  draws: number;
  /** Fraction of (TPR, FPR) draws rejected by the TPR > FPR truncation (`rogan-gladen`). */
  rejectedFraction?: number;
  crossCheck?: CrossCheck;
  diagnostics: Diagnostic[];
}

/** Another estimator's difference, shown beside the chosen one so a reviewer sees what the calibration changed. */
export interface BesideResult {
  estimator: EstimatorId;
  difference: Summary;
  /** How to read it ("assuming the judge errs equally on both", "uncalibrated"). */
  note: string;
}

/** A paired comparison: candidate - baseline. */
export interface CompareResult {
  /** The estimator whose number this is ('none' when no estimator could give one). */
  estimator: EstimatorId | 'none';
  /** What was asked for: an estimator, or `auto`. */
  requested: EstimatorChoice;
  /** Why this estimator (and, for 'none', what is missing), in words. */
  reason: string;
  verdict: Verdict;
  level: number;
  /** Absent when there is no estimate (the reason and a diagnostic say why). */
  difference?: Summary;
  /** Posterior (or approximate) probability that the candidate's true correctness is higher. */
  pBetter?: number;
  margin: number;
  /** Probability that the difference exceeds -margin; the decision rule's one-sided p is 1 - this. */
  pNotInferior?: number;
  /** Judged-correct rates of the two systems over all n (uncalibrated; IDK counted 0). */
  judgedRates: { baseline: number; candidate: number };
  /** IDK rates of the two systems (exact, from parsing). */
  idkRates: { baseline: number; candidate: number };
  beside: BesideResult[];
  n: number;
  draws: number;
  rejectedFraction?: number;
  crossCheck?: CrossCheck;
  diagnostics: Diagnostic[];
}
