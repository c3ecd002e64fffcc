// Provider batch services (OpenAI Batch API, Bedrock batch inference): half-price, results within a day.
// A backend turns pending requests into remote jobs and their results back into completions keyed by the
// store's request hash, so a batch result and a live result are the same cache entry.
import type { Completion, CompletionRequest, UnansweredReply } from '../providers/provider';
import type { ErrorKind } from '../store/records';

/**
 * One request to send through a batch; `key` is the store's request hash (OpenAI custom_id, Bedrock recordId).
 * The request is kept serialised (`body`, JSON of a CompletionRequest): 100k of them as flat strings take a
 * fraction of the memory of their message objects, and each is parsed only while its line is written.
 */
export interface BatchRequest { key: string; body: string }

export const batchRequest = (key: string, request: CompletionRequest): BatchRequest => ({ key, body: JSON.stringify(request) });
export const requestOf = (r: BatchRequest): CompletionRequest => JSON.parse(r.body) as CompletionRequest;

export type BatchOutcome =
  | { key: string; completion: Completion }
  | { key: string; error: { kind: ErrorKind; message: string; reply?: UnansweredReply } };

/** Where a remote job stands, in our words; `done` states have results to collect. */
export type BatchJobState = 'submitted' | 'running' | 'completed' | 'partial' | 'failed' | 'expired' | 'cancelling' | 'cancelled';

export const finishedStates: ReadonlySet<BatchJobState> = new Set(['completed', 'partial', 'failed', 'expired', 'cancelled']);

/** A submitted job, as recorded in the run manifest so a restart resumes polling instead of paying again. */
export interface BatchJob {
  backend: 'openai' | 'bedrock';
  endpointId: string;
  model: string;
  /** OpenAI batch id, or Bedrock job ARN. */
  jobId: string;
  /** The request keys in this job, in input order (a restart must know which rows are in flight). */
  keys: string[];
  submittedAt: string;
  state: BatchJobState;
  counts: { total: number; completed: number; failed: number };
  /** Provider's message when the job failed. */
  message?: string;
  /** True once its results were written to the store. */
  collected?: boolean;
  /** The user cancelled it: a resume stores what it finished and leaves the rest for an explicit run. */
  cancelRequested?: boolean;
}

/** Provider limits on one job. */
export interface BatchLimits {
  maxRequests: number;
  maxBytes: number;
  /** Bedrock refuses jobs below this many records. */
  minRequests: number;
}

export interface BatchBackend {
  readonly kind: BatchJob['backend'];
  readonly limits: BatchLimits;
  /** Submits the requests of one model as one or more jobs (split at the limits). */
  submit(endpointId: string, model: string, requests: readonly BatchRequest[], signal?: AbortSignal): Promise<BatchJob[]>;
  /** The job's current state (one remote call). */
  refresh(job: BatchJob, signal?: AbortSignal): Promise<BatchJob>;
  /** Results of a finished job, streamed: completions, per-request errors, and `transient` errors for requests it never ran. */
  results(job: BatchJob, signal?: AbortSignal): AsyncIterable<BatchOutcome>;
  cancel(job: BatchJob): Promise<BatchJob>;
}

/** Splits serialised requests into groups that respect a job's request-count and byte limits. */
export function splitAtLimits<T>(items: readonly T[], sizeOf: (item: T) => number, limits: Pick<BatchLimits, 'maxRequests' | 'maxBytes'>): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length && (current.length >= limits.maxRequests || bytes + size > limits.maxBytes)) { groups.push(current); current = []; bytes = 0; }
    current.push(item);
    bytes += size;
  }
  if (current.length) groups.push(current);
  return groups;
}

/** One line on a run's batch jobs for trees and status bars, e.g. "batch: 1 running, 1 collected (3,200 requests; submitted 14:05)". */
export function describeBatchJobs(jobs: readonly BatchJob[]): string | undefined {
  const real = jobs.filter((j) => !j.jobId.startsWith('submitting:'));
  if (!real.length) return undefined;
  const counts = new Map<string, number>();
  for (const j of real) { const k = j.collected ? 'collected' : j.state; counts.set(k, (counts.get(k) ?? 0) + 1); }
  const requests = real.reduce((n, j) => n + j.keys.length, 0);
  const first = real.map((j) => j.submittedAt).sort()[0]!;
  const parts = [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
  return `batch: ${parts} (${requests.toLocaleString('en-US')} requests; submitted ${first.slice(0, 16).replace('T', ' ')} UTC)`;
}

/** True while a run has batch jobs whose results were not stored yet. */
export const hasOpenBatchJobs = (jobs: readonly BatchJob[]): boolean => jobs.some((j) => !j.collected);
