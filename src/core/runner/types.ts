// Records the runner appends to `.prompt-adapt/runs/<runId>/responses.jsonl`, one per (example, candidate).
// Other modules (output parsing, metrics, review) read these; keep fields additive.

export type ErrorKind = 'auth' | 'model-not-found' | 'rate-limit' | 'transient' | 'bad-request' | 'context-length' | 'quota' | 'cancelled' | 'unknown';

export interface ResponseRecord {
  exampleId: string;
  candidateId: string;
  model: string;
  /** Content hash of the request (rendered messages + endpoint kind + model + params): the cache key. */
  requestHash: string;
  output?: string;
  /** Hash of `output`, which human labels are keyed by. */
  outputHash?: string;
  finishReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  latencyMs?: number;
  requestId?: string;
  cost?: number;
  /** Set when no output could be obtained. */
  error?: { kind: ErrorKind; message: string };
  /** True when the output came from the cache instead of a request. */
  cached?: boolean;
  /** ISO time. */
  at: string;
}
