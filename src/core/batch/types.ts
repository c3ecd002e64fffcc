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
  /**
   * On a "submitting" marker only: the sizes of the jobs its requests split into (consecutive runs of `keys`), saved
   * before the first remote call. Absent: the submission was interrupted before anything left this machine, or the
   * marker predates this field (then it is looked up as one job).
   */
  groups?: number[];
}

/** What `submit` is told besides the requests. */
export interface SubmitOptions {
  signal?: AbortSignal;
  /** Called with the job sizes once the split is known and before anything is uploaded or created. */
  onSplit?(sizes: readonly number[]): Promise<void>;
}

/** One job a submission meant to create: its model and request keys (they name it at the provider). */
export interface IntendedJob { endpointId: string; model: string; keys: readonly string[]; submittedAt: string }

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
  submit(endpointId: string, model: string, requests: readonly BatchRequest[], opts?: SubmitOptions): Promise<BatchJob[]>;
  /**
   * The remote job created for exactly these requests, found by the name or tag submit gives it (a crash between
   * the remote create and the job list's save), or undefined when none was created.
   */
  find(intended: IntendedJob, signal?: AbortSignal): Promise<BatchJob | undefined>;
  /** Removes what an interrupted submission uploaded for a job it never created; returns how many files it removed. */
  discardUpload(intended: IntendedJob, signal?: AbortSignal): Promise<number>;
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

/** A job record written before the remote call, so a crash between "created" and "saved" is recognised on resume. */
export const submittingPrefix = 'submitting:';

/** The job-list entry written before a remote create (`submitting:<digest>`): a crash may have left it behind. */
export const isSubmittingMarker = (job: BatchJob): boolean => job.jobId.startsWith(submittingPrefix);

/**
 * How a run's saved jobs stand, in a few words, e.g. "1 running, 1 collected". A submission a crash interrupted counts
 * as "submitting…" until a resume or cancel looks it up at the provider.
 */
export function batchJobsState(jobs: readonly BatchJob[]): string | undefined {
  if (!jobs.length) return undefined;
  const counts = new Map<string, number>();
  for (const j of jobs) { const k = isSubmittingMarker(j) ? 'submitting…' : j.collected ? 'collected' : j.state; counts.set(k, (counts.get(k) ?? 0) + 1); }
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}

/** One line on a run's batch jobs for trees and logs, e.g. "batch: 1 running, 1 collected (3,200 requests; submitted 14:05)". */
export function describeBatchJobs(jobs: readonly BatchJob[]): string | undefined {
  const state = batchJobsState(jobs);
  if (!state) return undefined;
  const requests = jobs.reduce((n, j) => n + j.keys.length, 0);
  const first = jobs.map((j) => j.submittedAt).sort()[0]!;
  return `batch: ${state} (${requests.toLocaleString('en-US')} requests; submitted ${first.slice(0, 16).replace('T', ' ')} UTC)`;
}

/** True while a run has batch jobs whose results were not stored yet. */
export const hasOpenBatchJobs = (jobs: readonly BatchJob[]): boolean => jobs.some((j) => !j.collected);
