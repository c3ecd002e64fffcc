// Runs pending requests through provider batch jobs: submit (recording each job before and after, so a crash
// never loses or double-pays one), poll with backoff, write every result through the same `record` path as live
// calls, and re-queue only the requests a job never ran. Stopping to wait (closing the editor, Ctrl-C) leaves the
// remote jobs running; `cancelBatchJobs` is the explicit cancel.
import { createHash } from 'node:crypto';
import { finishedStates, isSubmittingMarker, submittingPrefix, type BatchBackend, type BatchJob, type BatchOutcome, type BatchRequest, type IntendedJob } from './types';

export interface PendingRequest extends BatchRequest { endpointId: string; model: string }

export type BatchEvent =
  | { type: 'submitted'; job: BatchJob }
  | { type: 'state'; job: BatchJob }
  | { type: 'collected'; job: BatchJob; results: number; requeued: number }
  | { type: 'live'; endpointId: string; model: string; count: number; why: string }
  /**
   * A submission a crash interrupted (a "submitting" marker), looked up at the provider: `found` are the jobs it
   * had created (cancelled too when `cancelling`), `notCreated` the requests no job holds, `discarded` the
   * uploaded files of jobs never created that were removed.
   */
  | { type: 'interrupted'; endpointId: string; model: string; found: BatchJob[]; notCreated: number; discarded: number; cancelling: boolean };

export interface BatchDriverOptions {
  backendFor(endpointId: string): Promise<BatchBackend>;
  /** Persists the job list (the run manifest) after every change; a restart resumes from it. */
  saveJobs(jobs: readonly BatchJob[]): Promise<void>;
  /** Writes one result to the store, exactly like a live one (same request key, same cache entry). */
  record(outcome: BatchOutcome, job: BatchJob): Promise<void>;
  /** Runs requests live: remainders below a provider's minimum job size, and the last retry of re-queued ones. */
  runLive(requests: readonly PendingRequest[], why: string): Promise<void>;
  signal?: AbortSignal;
  onEvent?(e: BatchEvent): void;
  /** Polling backoff (default 5 s doubling to 5 min). */
  poll?: { initialMs: number; maxMs: number };
  /** Batch rounds for requests a job never ran before they go live (default 2). */
  maxRounds?: number;
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Only wait for the jobs already out and store their results (after a cancel): requests in no job, and those a
   * job never ran, are handed to `notSent` instead of being submitted.
   */
  collectOnly?: { notSent(keys: readonly string[]): void };
}

export { submittingPrefix };

export async function runBatches(pending: readonly PendingRequest[], saved: readonly BatchJob[], opts: BatchDriverOptions): Promise<BatchJob[]> {
  // Submissions a crash interrupted: the jobs they created are looked up at the provider; the rest is sent again.
  const jobs = await resolveInterrupted(saved, opts.backendFor, { cancelling: false, signal: opts.signal, onEvent: opts.onEvent });
  if (saved.some(isSubmittingMarker)) await opts.saveJobs(jobs);
  const inFlight = new Set(jobs.filter((j) => !j.collected).flatMap((j) => j.keys));
  const byKey = new Map(pending.map((p) => [p.key, p]));
  let queue = pending.filter((p) => !inFlight.has(p.key));
  const { collectOnly } = opts;
  if (collectOnly) {
    collectOnly.notSent(queue.map((p) => p.key));
    collectOnly.notSent((await waitAndCollect(jobs, opts)).filter((k) => byKey.has(k)));
    return jobs;
  }
  const maxRounds = opts.maxRounds ?? 2;
  for (let round = 0; ; round++) {
    if (queue.length) await submitAll(queue, jobs, opts, round >= maxRounds);
    const requeued = await waitAndCollect(jobs, opts);
    queue = requeued.map((k) => byKey.get(k)).filter((p): p is PendingRequest => !!p);
    if (!queue.length) return jobs;
  }
}

async function submitAll(queue: readonly PendingRequest[], jobs: BatchJob[], opts: BatchDriverOptions, liveOnly: boolean): Promise<void> {
  const groups = new Map<string, PendingRequest[]>();
  for (const p of queue) {
    const g = `${p.endpointId}\0${p.model}`;
    const list = groups.get(g) ?? [];
    list.push(p);
    groups.set(g, list);
  }
  for (const group of groups.values()) {
    const { endpointId, model } = group[0]!;
    const backend = await opts.backendFor(endpointId);
    const why = liveOnly ? 'batch jobs did not run them twice in a row' : group.length < backend.limits.minRequests ? `fewer than ${backend.limits.minRequests} requests, the provider's minimum batch` : '';
    if (why) {
      opts.onEvent?.({ type: 'live', endpointId, model, count: group.length, why });
      await opts.runLive(group, why);
      continue;
    }
    const marker: BatchJob = {
      backend: backend.kind, endpointId, model, jobId: submittingPrefix + digest(group), keys: group.map((p) => p.key),
      submittedAt: new Date().toISOString(), state: 'submitted', counts: { total: group.length, completed: 0, failed: 0 },
    };
    jobs.push(marker);
    await opts.saveJobs(jobs);
    // The split is saved before anything leaves this machine: a crash after it knows which jobs to look for.
    const onSplit = async (sizes: readonly number[]) => { marker.groups = [...sizes]; await opts.saveJobs(jobs); };
    const submitted = await backend.submit(endpointId, model, group, { signal: opts.signal, onSplit });
    jobs.splice(jobs.indexOf(marker), 1, ...submitted);
    await opts.saveJobs(jobs);
    for (const job of submitted) opts.onEvent?.({ type: 'submitted', job });
  }
}

/** Polls until every job is finished and collected; returns the keys that must be sent again. */
async function waitAndCollect(jobs: BatchJob[], opts: BatchDriverOptions): Promise<string[]> {
  const sleep = opts.sleep ?? defaultSleep;
  const poll = opts.poll ?? { initialMs: 5_000, maxMs: 300_000 };
  let delay = poll.initialMs;
  const requeue: string[] = [];
  for (;;) {
    let open = 0;
    for (const [i, job] of jobs.entries()) {
      if (job.collected) continue;
      const backend = await opts.backendFor(job.endpointId);
      let current = job;
      if (!finishedStates.has(current.state)) {
        current = await backend.refresh(job, opts.signal);
        // Cancelled by the user, but the provider was never told (a crash between saving the wish and the call).
        if (current.cancelRequested && (current.state === 'submitted' || current.state === 'running')) current = { ...(await backend.cancel(current)), cancelRequested: true };
        if (current.state !== job.state) opts.onEvent?.({ type: 'state', job: current });
      }
      if (finishedStates.has(current.state)) current = await collect(current, backend, opts, requeue);
      else open++;
      jobs[i] = current;
    }
    await opts.saveJobs(jobs);
    if (!open) return requeue;
    await sleep(delay, opts.signal);
    delay = Math.min(poll.maxMs, delay * 2);
  }
}

async function collect(job: BatchJob, backend: BatchBackend, opts: BatchDriverOptions, requeue: string[]): Promise<BatchJob> {
  let results = 0;
  let again = 0;
  for await (const outcome of backend.results(job, opts.signal)) {
    if ('error' in outcome && outcome.error.kind === 'transient') { requeue.push(outcome.key); again++; continue; }
    await opts.record(outcome, job);
    results++;
  }
  const done = { ...job, collected: true };
  opts.onEvent?.({ type: 'collected', job: done, results, requeued: again });
  return done;
}

/**
 * Cancels every unfinished remote job (the user asked to; a closed editor does not) and marks it, so resuming the
 * run later stores what the job finished without submitting the rest again on its own. Submissions a crash
 * interrupted are looked up first, and the jobs they had created are cancelled too. The wish is saved before the
 * provider is told, so a crash in between still ends in a cancel (the resume tells the provider again).
 */
export async function cancelBatchJobs(saved: readonly BatchJob[], backendFor: BatchDriverOptions['backendFor'], opts: { save(jobs: readonly BatchJob[]): Promise<void>; onEvent?(e: BatchEvent): void }): Promise<BatchJob[]> {
  const events: BatchEvent[] = [];
  const jobs = await resolveInterrupted(saved, backendFor, { cancelling: true, onEvent: (e) => events.push(e) });
  const open = (j: BatchJob) => !j.collected && !finishedStates.has(j.state);
  const wished = jobs.map((j) => (open(j) ? { ...j, cancelRequested: true } : j));
  await opts.save(wished);
  const settled = await Promise.allSettled(wished.map(async (j) => (open(j) ? cancelOne(j, await backendFor(j.endpointId)) : j)));
  const done = settled.map((r, i) => (r.status === 'fulfilled' ? r.value : wished[i]!));
  await opts.save(done);
  for (const e of events) opts.onEvent?.(e.type === 'interrupted' ? { ...e, found: e.found.map((f) => done.find((d) => d.jobId === f.jobId) ?? f) } : e);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return done;
}

async function cancelOne(job: BatchJob, backend: BatchBackend): Promise<BatchJob> {
  try { return { ...(await backend.cancel(job)), cancelRequested: true }; } catch (err) {
    // Refused because the job finished meanwhile: there is nothing left to cancel, only results to store.
    const now = await backend.refresh(job).catch(() => job);
    if (finishedStates.has(now.state)) return { ...now, cancelRequested: true };
    throw err;
  }
}

/**
 * Replaces each "submitting" marker by the jobs its submission had created at the provider (looked up by the name
 * or tag submit gives them); the keys of jobs never created are in no job any more (a resume sends them again).
 * Uploads left by jobs never created are removed.
 */
async function resolveInterrupted(saved: readonly BatchJob[], backendFor: BatchDriverOptions['backendFor'], opts: { cancelling: boolean; signal?: AbortSignal; onEvent?(e: BatchEvent): void }): Promise<BatchJob[]> {
  const jobs: BatchJob[] = [];
  for (const job of saved) {
    if (!isSubmittingMarker(job)) { jobs.push(job); continue; }
    const backend = await backendFor(job.endpointId);
    const found: BatchJob[] = [];
    let discarded = 0;
    let missing = 0;
    for (const intended of intendedJobs(job)) {
      const remote = await backend.find(intended, opts.signal);
      if (remote) { found.push(remote); continue; }
      discarded += await backend.discardUpload(intended, opts.signal);
      missing += intended.keys.length;
    }
    jobs.push(...found);
    opts.onEvent?.({ type: 'interrupted', endpointId: job.endpointId, model: job.model, found, notCreated: missing, discarded, cancelling: opts.cancelling });
  }
  return jobs;
}

/** The jobs a marker's submission meant to create: consecutive runs of its keys (one job when the split is not known). */
function intendedJobs(marker: BatchJob): IntendedJob[] {
  const sizes = marker.groups?.length ? marker.groups : [marker.keys.length];
  let start = 0;
  return sizes.map((n) => {
    const keys = marker.keys.slice(start, start += n);
    return { endpointId: marker.endpointId, model: marker.model, keys, submittedAt: marker.submittedAt };
  });
}

const digest = (group: readonly PendingRequest[]) => createHash('sha256').update(group.map((p) => p.key).join('\n')).digest('hex').slice(0, 16);

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(signal!.reason); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
