// The project file (`prompt-adapt.yml`) model. It names endpoint ids only: URLs, keys and headers live in
// user settings (extension) or the user config file (CLI).

export interface Price { inputPerMTok: number; outputPerMTok: number }

export interface Candidate {
  id: string;
  /** Id of an endpoint defined in user settings, never a URL. */
  endpoint: string;
  model: string;
  regions?: string[];
  modalities?: string[];
  price?: Price;
  /** Model parameters that override the prompt's for this candidate. */
  params?: Record<string, unknown>;
}

export interface FieldMapping {
  id?: string;
  context?: string;
  question?: string;
  /** One field or several (several ground-truth statements). */
  groundTruth?: string | string[];
  /** Extra template variables: variable name -> field name. */
  [variable: string]: string | string[] | undefined;
}

export interface TestSetSpec {
  id: string;
  /** Relative to the project file. */
  path: string;
  format?: 'jsonl' | 'csv' | 'json';
  fields: FieldMapping;
}

export type MetricSpec =
  | { id: string; kind: 'judge'; rubric: 'context' | 'contradiction'; judge: JudgeModel | JudgeModel[] }
  | { id: string; kind: 'token-f1'; threshold: number }
  | { id: string; kind: 'exact-match' };

export interface JudgeModel { endpoint: string; model: string }

export interface RegexRule { id: string; pattern: string; flags?: string; message?: string }

export interface StyleConfig {
  phrases?: string[];
  regex?: RegexRule[];
  maxWords?: number;
  minWords?: number;
  completeSentences?: boolean;
  noMarkdown?: boolean;
}

export type EstimatorId = 'paper' | 'rogan-gladen' | 'ppi++' | 'human-only' | 'naive';

export interface DecisionConfig {
  primaryMetric?: string;
  estimator?: EstimatorId;
  level?: number;
  nonInferiorityMargin?: number;
  maxIdkIncrease?: number;
  maxLatencyRatio?: number;
  maxSchemaFailure?: number;
  maxBadStyle?: number;
  requiredRegions?: string[];
  requiredModalities?: string[];
}

export interface ProjectFile {
  /** Absolute path of prompt-adapt.yml. */
  path: string;
  baseline?: { prompt?: string; candidate?: string };
  candidates: Candidate[];
  testSets: TestSetSpec[];
  metrics: MetricSpec[];
  style: StyleConfig;
  decision: DecisionConfig;
}

/** One example of a test set after loading. */
export interface Example {
  /** Stable id: the mapped id field, else a hash of the row. */
  id: string;
  /** 1-based line (JSONL/CSV record start) in the source file, for "open in test set". */
  line: number;
  /** The raw row. */
  fields: Record<string, unknown>;
}
