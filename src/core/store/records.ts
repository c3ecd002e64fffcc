// Records stored under `.prompt-adapt/`: responses (runner), verdicts (metrics), human labels (review).
// Several modules read and write these; keep changes additive.
import type { HumanLabelName } from '../../protocol/messages';

// `.prompt-adapt/runs/<runId>/responses.jsonl`: one line per (example, candidate).

/**
 * Why a request failed. `config`: the endpoint cannot work as configured (e.g. its host name does not resolve);
 * `truncated`: the token limit ended the reply before any answer text; `empty-output`: the reply held no answer
 * (e.g. `content: null`).
 */
export type ErrorKind = 'auth' | 'config' | 'model-not-found' | 'rate-limit' | 'transient' | 'bad-request' | 'context-length' | 'truncated' | 'empty-output' | 'quota' | 'cancelled' | 'unknown';

export interface ResponseRecord {
  exampleId: string;
  candidateId: string;
  model: string;
  /** Content hash of the request (rendered messages + endpoint kind + model + params): the cache key. */
  requestHash: string;
  /**
   * The generation parameters sent (camelCase, e.g. `{ temperature: 0, maxTokens: 300 }`); the providers send
   * exactly these and refuse anything outside their kind's list, so this is what the model was asked with.
   */
  params?: Readonly<Record<string, unknown>>;
  output?: string;
  /** Hash of `output`, which human labels are keyed by. */
  outputHash?: string;
  finishReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  latencyMs?: number;
  requestId?: string;
  /** The model the server said answered, when it differs from `model` (a single-model server answers any name). */
  replyModel?: string;
  cost?: number;
  /** Set when no output could be obtained. */
  error?: { kind: ErrorKind; message: string };
  /** True when the output came from the cache instead of a request. */
  cached?: boolean;
  /** True when the output came from the provider's batch service (batch prices; no latency). */
  batch?: true;
  /** ISO time. */
  at: string;
}

/** A metric's verdict on one output; appended to `.prompt-adapt/runs/<runId>/verdicts.jsonl`. */
export interface VerdictRecord {
  exampleId: string;
  candidateId: string;
  metricId: string;
  /** 1 correct, 0 incorrect, null no verdict (see `reason`). IDK answers get 0. */
  verdict: 0 | 1 | null;
  /** Why there is no verdict, or why it is 0 (e.g. `idk`, `unparseable judge reply`). */
  reason?: string;
  score?: number;
  reasoning?: string;
  judgeModel?: string;
  cost?: number;
  outputHash?: string;
  at: string;
}

/** The label union is declared once, in the protocol the panel shares. */
export type HumanLabel = HumanLabelName;

/** A human label; appended to `.prompt-adapt/labels/<testSetId>.jsonl`, keyed by the output's hash. */
export interface LabelRecord {
  outputHash: string;
  exampleId: string;
  candidateId: string;
  label: HumanLabel;
  reviewer?: string;
  note?: string;
  at: string;
}
