// Runs a plan: the feeder (feeder.ts) pulls plan items and settles or queues them, the dispatcher
// (dispatcher.ts) admits and sends requests per endpoint with retries and backoff, and the recorder
// (recorder.ts) writes rows, cache and manifest. A run killed at any moment resumes without losing a
// completed response and without requesting it again.
import type { StoreProblem } from '../store/problems';
import { UserError } from '../errors';
import type { Logger } from '../ports';
import type { EndpointsConfig } from '../providers/endpoints';
import type { ModelProvider } from '../providers/provider';
import type { ResponseRecord } from '../store/records';
import { newRunId, type RunCounts, type RunIssue, type RunStatus } from '../store/runs';
import type { Store } from '../store/store';
import { BatchPhase, keysInFlight, recordedItems, type BatchRunOptions } from './batchPhase';
import { hasOpenBatchJobs } from '../batch/types';
import { Dispatcher } from './dispatcher';
import { defaultRetryPolicy, type RetryPolicy } from './failurePolicy';
import { feedPlan, ResumeIndex } from './feeder';
import type { RunPlan } from './plan';
import { RunRecorder, type RunProgress } from './recorder';

export { defaultRetryPolicy, type RetryPolicy } from './failurePolicy';
export { costOf, type RunProgress } from './recorder';

export interface RunOptions {
  /** The store the run is written to (`.prompt-adapt/`). */
  store: Store;
  /** Resume (or name) this run; otherwise a new id. */
  runId?: string;
  endpoints: EndpointsConfig;
  /** Builds (once per endpoint) the provider for an endpoint id. */
  getProvider(endpointId: string): Promise<ModelProvider>;
  /** Requests in flight per endpoint unless the endpoint sets `maxConcurrency` (default 16). */
  defaultConcurrency?: number;
  /** Overrides every endpoint's concurrency (CLI `--concurrency`). */
  concurrency?: number;
  /** Use and fill the shared cache (default true). */
  cache?: boolean;
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  onProgress?(p: RunProgress): void;
  progressIntervalMs?: number;
  /** Every row written to responses.jsonl, as it is written. */
  onResponse?(r: ResponseRecord): void;
  /** Each new cause of trouble, once; counts keep growing in the result. */
  onIssue?(i: RunIssue): void;
  /** A damaged line of the shared response cache (with file and line): it is ignored and its request sent again. */
  onStoreProblem?(p: StoreProblem): void;
  log?: Logger;
  /** How often rows are fsynced and the manifest updated. */
  checkpointIntervalMs?: number;
  /** Provider batch services for candidates in batch or auto mode (absent: everything live). */
  batch?: BatchRunOptions;
}

export interface RunResult {
  runId: string;
  dir: string;
  status: RunStatus;
  counts: RunCounts;
  /** Pairs of the plan that have no response (errors + skipped + unfinished). */
  missing: number;
  inputTokens: number;
  outputTokens: number;
  /** USD of the outputs whose cost is known; `costUnknown` outputs had no price or no usable token counts. */
  cost: number;
  costUnknown: number;
  issues: RunIssue[];
  elapsedMs: number;
}

/** Runs (or resumes) a plan and resolves when every pair is settled, the run is cancelled, or all endpoints stopped. */
export async function runPlan(plan: RunPlan, opts: RunOptions): Promise<RunResult> {
  const runId = opts.runId ?? newRunId();
  const { store } = opts;
  const dir = store.runDir(runId);
  // The run's lock: a second process on this run gets an error naming this one. Left behind by an error path,
  // it is taken over (this process, or a dead one).
  const lock = store.prepareRun(runId);
  const previous = await store.readManifest(runId);
  if (previous && previous.planKey !== plan.planKey) throw new UserError(`Run ${runId} was made from a different plan; start a new run.`);
  const resume = new ResumeIndex();
  await store.forEachResponse(runId, (r) => resume.add(r));

  const recorder = new RunRecorder({ store, runId, plan, createdAt: previous?.createdAt, cache: opts.cache, onResponse: opts.onResponse, onIssue: opts.onIssue, onStoreProblem: opts.onStoreProblem, log: opts.log });
  const ac = new AbortController();
  const onAbort = () => ac.abort();
  if (opts.signal?.aborted) ac.abort(); else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const dispatcher = new Dispatcher({
    endpoints: opts.endpoints, getProvider: opts.getProvider, concurrency: opts.concurrency, defaultConcurrency: opts.defaultConcurrency,
    retry: { ...defaultRetryPolicy, ...opts.retry }, sink: recorder, signal: ac.signal,
  });
  const progressTimer = opts.onProgress ? setInterval(() => opts.onProgress!(recorder.progress(dispatcher.inFlight)), opts.progressIntervalMs ?? 200) : undefined;
  const checkpointTimer = setInterval(() => recorder.checkpoint(), opts.checkpointIntervalMs ?? 2000);
  try {
    await feedAndBatch(plan, opts, { runId, resume, recorder, dispatcher, signal: ac.signal });
  } catch (err) {
    ac.abort();
    throw err;
  } finally {
    dispatcher.doneFeeding();
    await dispatcher.finished;
    if (progressTimer) clearInterval(progressTimer);
    clearInterval(checkpointTimer);
    dispatcher.close();
    await recorder.settle();
    opts.signal?.removeEventListener('abort', onAbort);
    recorder.close();
  }
  const { status, missing } = recorder.finish(ac.signal.aborted);
  lock.release();
  opts.onProgress?.(recorder.progress(dispatcher.inFlight));
  const { counts, inputTokens, outputTokens, cost, costUnknown, issues } = recorder;
  return { runId, dir, status, counts: { ...counts }, missing, inputTokens, outputTokens, cost, costUnknown, issues, elapsedMs: recorder.progress(0).elapsedMs };
}

/**
 * Feeds the plan, then sends what the batch phase held. A run that may batch keeps a record of its plan while
 * any of its jobs is out (see recordedItems), and drops it once every job's results are stored.
 */
async function feedAndBatch(plan: RunPlan, opts: RunOptions, ctx: { runId: string; resume: ResumeIndex; recorder: RunRecorder; dispatcher: Dispatcher; signal: AbortSignal }): Promise<void> {
  const { store } = opts;
  if (!opts.batch) { await feedPlan(plan, { ...ctx }); return; }
  const inFlight = keysInFlight(store.readBatchJobs(ctx.runId));
  const batch = new BatchPhase(opts.batch, inFlight);
  const recorded = recordedItems(plan, opts.batch, store, ctx.runId, inFlight);
  try { await feedPlan({ ...plan, items: recorded.items }, { ...ctx, batch }); } catch (err) { recorded.end(false); throw err; }
  recorded.end(!ctx.signal.aborted);
  await batch.run({ ...ctx, store });
  if (!hasOpenBatchJobs(store.readBatchJobs(ctx.runId))) store.removeBatchPlan(ctx.runId);
}
