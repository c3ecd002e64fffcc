// The project file (`prompt-adapt.yml`) model. It names endpoint ids only: URLs, keys and headers live in
// user settings (extension) or the user config file (CLI).
import type { EstimatorName } from '../../protocol/comparison';
import type { Example, FieldMapping, ModelParameters } from '../prompt/types';

// A test set's rows and their mapping to template variables are what a prompt is rendered with: prompt/ owns them.
export type { Example, FieldMapping };

export interface Price { inputPerMTok: number; outputPerMTok: number }

export interface Candidate {
  id: string;
  /** Id of an endpoint defined in user settings, never a URL. */
  endpoint: string;
  model: string;
  regions?: string[];
  modalities?: string[];
  price?: Price;
  /** Price through the provider's batch service (default: half of `price`). */
  batchPrice?: Price;
  /** Live calls, the provider's batch service, or batch when a run is large (see `RunMode`). */
  mode?: RunMode;
  /** Generation parameters that override the prompt's for this candidate (checked like a prompt's modelParameters). */
  params?: ModelParameters;
  /** This candidate's own prompt (relative to the project file), e.g. an adopted adaptation; default: the baseline prompt. */
  prompt?: string;
}

/** How requests are sent: `live` calls, the provider's `batch` service (half price, results within 24 h), or `auto`: batch when a run has more requests for the endpoint than the batch threshold. */
export type RunMode = 'live' | 'batch' | 'auto';

export interface TestSetSpec {
  id: string;
  /** Relative to the project file. */
  path: string;
  format?: 'jsonl' | 'csv' | 'json';
  fields: FieldMapping;
  /** Sealed for prompt adaptation: never shown to a rewriter, only used to accept its variants. */
  sealed?: boolean;
}

export type MetricSpec =
  | { id: string; kind: 'judge'; rubric: 'context' | 'contradiction'; judge: JudgeModel | JudgeModel[] }
  | { id: string; kind: 'token-f1'; threshold: number }
  | { id: string; kind: 'exact-match' };


/** A judge model; `params` are generation parameters (as a prompt's modelParameters) over the judge defaults. */
export interface JudgeModel { endpoint: string; model: string; mode?: RunMode; params?: ModelParameters }

export interface RegexRule { id: string; pattern: string; flags?: string; message?: string }

export interface StyleConfig {
  phrases?: string[];
  regex?: RegexRule[];
  maxWords?: number;
  minWords?: number;
  completeSentences?: boolean;
  noMarkdown?: boolean;
}

export type { EstimatorName as EstimatorId } from '../../protocol/comparison';

export interface DecisionConfig {
  primaryMetric?: string;
  estimator?: EstimatorName;
  level?: number;
  nonInferiorityMargin?: number;
  maxIdkIncrease?: number;
  /** Largest candidate/baseline ratio of median latency (each request's, from send to full reply). */
  maxLatencyRatio?: number;
  maxSchemaFailure?: number;
  maxBadStyle?: number;
  requiredRegions?: string[];
  requiredModalities?: string[];
}

/** Defaults of the prompt adaptation assistant. */
export interface AdaptConfig {
  rewriter?: JudgeModel;
  /** Share of each test set sealed away from the rewriter (default 0.5). */
  seal?: number;
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
  adapt?: AdaptConfig;
}
