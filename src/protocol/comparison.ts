// The comparison of candidates (or prompt variants) with the baseline: the data behind the comparison panel,
// the reports and the CLI gate. Plain data, fractions in [0, 1]; "difference" is candidate − baseline.
// Leaf module: imports nothing. Core produces these shapes (it may `import type` them); the webview renders them.

/** A point estimate with an equal-tailed interval at the comparison's level. */
export interface Interval {
  /** The point the estimator defines (median for rogan-gladen, mean for paper), inside [lo, hi]; displays show this one. */
  point?: number;
  mean: number;
  median: number;
  lo: number;
  hi: number;
}

/** The point a display shows: the estimator's own (older reports without `point` fall back to the median). */
export const shownPoint = (i: Interval): number => i.point ?? i.median;

/** Something a reviewer must know about a figure; `error` means do not act on it. */
export interface Note { code: string; severity: 'info' | 'warning' | 'error'; message: string }

/**
 * The estimators, by id, `auto` first (the default: it picks the one the labels support, METHOD §5b). Declared once
 * here so the webview can share it; core's estimator table (core/stats/estimators) has exactly one row per id, and
 * the project schema enum is generated from it.
 */
export const ESTIMATOR_IDS = ['auto', 'paper', 'rogan-gladen', 'ppi++', 'human-only', 'naive'] as const;
export type EstimatorName = (typeof ESTIMATOR_IDS)[number];

/** What a selector shows for an estimator (sent by the host, taken from core's table). */
export interface EstimatorInfo { id: EstimatorName; name: string; explanation: string }

/** METHOD §7: the four verdicts, plus "do not act on this number" when an assumption is known to fail. */
export type VerdictName = 'better' | 'non-inferior' | 'worse' | 'inconclusive' | 'do-not-act';

/** One candidate (or variant) on one test set: everything in the paper's Tables 2 and 5, side by side. */
export interface SystemRow {
  /** Candidate id, or for a prompt variant `<candidate> · <variant file>`. */
  systemId: string;
  candidateId: string;
  model: string;
  /** Prompt file (workspace-relative) the outputs came from. */
  prompt: string;
  isBaseline: boolean;
  /** Examples with an output. */
  n: number;
  /** Examples shared with the baseline (the paired comparison's n). */
  pairedN?: number;
  /** Fraction the primary metric judged correct (uncalibrated). */
  judgedRate?: number;
  /** Calibrated correctness with its interval. */
  estimate?: Interval;
  /** Calibrated difference with the baseline (absent on the baseline row, and when no estimator can give one). */
  difference?: Interval;
  /** The verdict, shown first (absent on the baseline row). */
  verdict?: VerdictName;
  /** What would resolve an inconclusive verdict ("40 more labels, from the candidate's outputs, both verdicts"). */
  resolve?: string;
  /** The estimator behind `difference` ('none' when none could give one) and why it was chosen. */
  estimator?: string;
  estimatorReason?: string;
  /** Other estimators' differences shown beside it (what the calibration changed). */
  beside?: { estimator: string; difference: Interval; note: string }[];
  pBetter?: number;
  /** Holm-adjusted one-sided p of "worse than −margin" across the candidates of the test set. */
  pHolm?: number;
  /** Probability that the difference exceeds −margin (the one-sided p is 1 − this). */
  pNotInferior?: number;
  /** METHOD §7 met: the interval's lower end > −margin and, with several candidates, Holm-adjusted p < (1 − level)/2. */
  nonInferior?: boolean;
  /** For a prompt variant: the parent prompt (workspace-relative) it is compared with. */
  parentPrompt?: string;
  idkRate: number;
  /** Difference in IDK rate with the baseline, with a Newcombe interval. */
  idkDifference?: Interval;
  /**
   * Outputs the product could not use, over outputs plus replies without a whole answer: answers off the output
   * schema, and replies cut at the token limit or empty (`unusableOutputs`).
   */
  schemaFailureRate: number;
  /** Replies without a whole answer (cut at the token limit, or empty), counted in `schemaFailureRate`. */
  unusableOutputs?: number;
  badStyleRate: number;
  /** Rate per style rule id. */
  styleRules: Record<string, number>;
  medianLatencyMs?: number;
  medianWords?: number;
  inputTokens: number;
  outputTokens: number;
  /** USD, when the candidate has a price. */
  cost?: number;
  /** USD per 1000 requests with an output (measured cost, else tokens × the candidate's price). */
  costPer1k?: number;
  /** This system's human labels against the primary metric (rows human, columns metric). */
  labels?: { tp: number; fn: number; fp: number; tn: number };
  /** Requests that ended in an error, and verdicts missing (no verdict). */
  errors: number;
  /** The errors by kind (`truncated`, `truncated-answer`, `empty-output`, `transient`…), when there are any. */
  errorKinds?: Record<string, number>;
  noVerdict: number;
  notes: Note[];
}

/** The judge's calibration against human labels for one metric (the paper's Table 1) plus the planner. */
export interface CalibrationSummary {
  metricId: string;
  tp: number; fn: number; fp: number; tn: number;
  tpr: Interval;
  fpr: Interval;
  pTprLeFpr: number;
  uninformative: boolean;
  /** Labels excluded: unsure, or whose output changed since it was labelled / has no verdict. */
  unsure: number;
  unmatched: number;
  /** Labels on IDK outputs: counted apart, never in the calibration (an IDK output is incorrect by definition). */
  idkLabels?: number;
  /** Planner: labels to add for ±target on the difference, or why labels alone cannot get there. */
  plan?: { target: number; labelsNeeded?: number; floor: number; message: string };
  notes: Note[];
}

export type CellStatus = 'pass' | 'fail' | 'unknown';

/** One rule of the decision table, with the numbers behind it. */
export interface DecisionCell { status: CellStatus; value?: number; threshold?: number; detail: string }

/** The framework's steps for one candidate on one test set. */
export interface DecisionRow {
  systemId: string;
  /** The correctness verdict (METHOD §7), shown first; absent when no comparison could be made. */
  verdict?: VerdictName;
  /** The candidate behind the row (for variants, the model the variant ran on). */
  candidateId?: string;
  schema: DecisionCell;
  idk: DecisionCell;
  latency: DecisionCell;
  correctness: DecisionCell;
  style: DecisionCell;
  overall: CellStatus;
  /** What the candidate serves (`region:<r>`, `modality:<m>`), from the project file. */
  covers?: string[];
}

/** A set of surviving candidates that covers every required region and modality. */
export interface CoverSet {
  candidates: string[];
  /** Sum of the members' cost per 1000 requests (USD); members without a price add nothing and are listed in `unpriced`. */
  cost: number;
  covers: string[];
  unpriced?: string[];
  /** Which member serves each required region/modality (the cheapest member that covers it) and at what cost per 1000 requests. */
  serving?: { requirement: string; candidate: string; costPer1k?: number }[];
}

export interface Selection {
  required: string[];
  /** The cheapest covering set, absent when none exists. */
  best?: CoverSet;
  runnersUp: CoverSet[];
  /** Why there is no selection, when there is none. */
  reason?: string;
  /** Candidates that passed on every test set (the pool the sets are drawn from). */
  eligible?: string[];
  /** How `cost` was computed, in words. */
  priceBasis?: string;
}

/** The thresholds the decision table applied (fractions; latency as a ratio). */
export interface Thresholds {
  margin: number;
  maxIdkIncrease: number;
  maxLatencyRatio: number;
  maxSchemaFailure: number;
  maxBadStyle: number;
}

/** Everything compared on one test set. */
/** Results of one prompt on a test set that were computed from inputs changed since (see the run manifest's hashes). */
export interface StaleResults {
  /** The prompt, relative to the project file. */
  prompt: string;
  /** What changed: 'the prompt', 'the test set', 'the project'. */
  changed: string[];
  /** The stale runs whose outputs the comparison uses. */
  runIds: string[];
  /** Their candidates (those still in the project): what "Run again" runs. */
  candidates: string[];
}

export interface TestSetComparison {
  testSetId: string;
  /** Examples in the test set that have a baseline output. */
  n: number;
  baselineId: string;
  metricId?: string;
  estimator: EstimatorName;
  level: number;
  margin: number;
  /** Candidates on the baseline prompt (Table 2/5). */
  rows: SystemRow[];
  /** Prompt variants against their parent prompt on the same candidate (Table 4). */
  variants: SystemRow[];
  calibration?: CalibrationSummary;
  decisions: DecisionRow[];
  /** The same table for prompt variants against their parent prompt. */
  variantDecisions?: DecisionRow[];
  notes: Note[];
  /** Prompts whose results here come from inputs that changed since they were run. */
  stale?: StaleResults[];
}

export interface ComparisonReport {
  /** Project file name and the time the figures were computed (ISO). */
  project: string;
  generatedAt: string;
  testSets: TestSetComparison[];
  /** Over all test sets: a candidate must pass on every test set to be selectable. */
  selection?: Selection;
  /** Runs the figures come from. */
  runs: string[];
  thresholds?: Thresholds;
  /** Report-level notes (e.g. test sets left out because they have no runs). */
  notes?: Note[];
}
