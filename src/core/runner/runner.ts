// Runs a plan: per-endpoint scheduling (concurrency, AIMD on 429s, RPM/TPM), retries with jittered backoff,
// cancellation, progress, the content-addressed cache and the append-only run store. A run killed at any
// moment resumes without losing a completed response and without requesting it again.
import { isAbortError, toMessage, UserError } from '../errors';
import type { Logger } from '../ports';
import type { EndpointsConfig } from '../providers/endpoints';
import { actionFor, ProviderError, redact, type ModelProvider } from '../providers/provider';
import type { ErrorKind, ResponseRecord } from '../store/records';
import type { CachedResponse } from '../store/responseCache';
import { outputHash, requestHash } from './hash';
import type { PlanCandidate, PlanItem, RunPlan } from './plan';
import { EndpointScheduler } from './scheduler';
import { newRunId, type RunCounts, type RunIssue, type RunManifest, type RunStatus } from '../store/runs';
import type { Store } from '../store/store';

export interface RetryPolicy {
  /** Retries of transient failures (5xx, timeouts, resets, malformed bodies) per request. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 429s tolerated per request before it is recorded as failed. */
  maxRateLimitRetries: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 8000, maxRateLimitRetries: 30 };

export interface RunProgress {
  runId: string;
  /** Pairs settled: responses, errors and skipped. */
  done: number;
  total?: number;
  counts: RunCounts;
  inFlight: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  elapsedMs: number;
  /** Estimated time left, once there is a rate to go by. */
  etaMs?: number;
}

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
  log?: Logger;
  /** How often rows are fsynced and the manifest updated. */
  checkpointIntervalMs?: number;
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
  cost: number;
  issues: RunIssue[];
  elapsedMs: number;
}

/** Error kinds whose rows are final: asking again gives the same answer. Other error rows are retried on resume. */
const finalErrorKinds: ReadonlySet<ErrorKind> = new Set(['bad-request', 'context-length']);

interface Task { item: PlanItem; hash: string; attempts: number; rateLimits: number; estTokens: number }

interface Endpoint {
  id: string;
  kind: string;
  sched: EndpointScheduler;
  queue: Task[];
  head: number;
  provider?: ModelProvider;
  stopped?: RunIssue;
}

/** Cost of a call from a candidate's price table (USD per million tokens). */
export function costOf(c: PlanCandidate, inputTokens = 0, outputTokens = 0): number | undefined {
  return c.price ? (inputTokens * c.price.inputPerMTok + outputTokens * c.price.outputPerMTok) / 1e6 : undefined;
}

/** Runs (or resumes) a plan and resolves when every pair is settled, the run is cancelled, or all endpoints stopped. */
export async function runPlan(plan: RunPlan, opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const retry = { ...defaultRetryPolicy, ...opts.retry };
  const log = opts.log;
  const runId = opts.runId ?? newRunId();
  const { store } = opts;
  const dir = store.runDir(runId);
  store.prepareRun(runId);
  const previous = await store.readManifest(runId);
  if (previous && previous.planKey !== plan.planKey) throw new UserError(`Run ${runId} was made from a different plan; start a new run.`);

  // Resume: pairs with a final row are done (if the request is unchanged).
  const doneHashes = new Map<string, string>();
  await store.forEachResponse(runId, (r) => {
    const key = `${r.exampleId}\0${r.candidateId}`;
    if (!r.error) doneHashes.set(key, r.requestHash);
    else if (finalErrorKinds.has(r.error.kind)) doneHashes.set(key, `E${r.requestHash}`);
    else doneHashes.delete(key);
  });

  const counts: RunCounts = { total: plan.total, requested: 0, cached: 0, resumed: 0, errors: 0, skipped: 0 };
  const issues: RunIssue[] = [];
  const issueByKey = new Map<string, RunIssue>();
  let inputTokens = 0, outputTokens = 0, cost = 0;
  const manifest: RunManifest = {
    version: 1, runId, planKey: plan.planKey, status: 'running', createdAt: previous?.createdAt ?? new Date().toISOString(),
    updatedAt: new Date().toISOString(), prompt: plan.prompt, testSet: plan.testSet,
    candidates: plan.candidates.map((c) => ({ id: c.id, endpoint: c.endpoint, model: c.model })),
    counts, inputTokens, outputTokens, cost, issues,
  };
  store.writeManifest(manifest);
  const rows = store.openResponses(runId);
  const cache = opts.cache === false ? undefined : store.openCache();

  const ac = new AbortController();
  const onAbort = () => ac.abort();
  if (opts.signal?.aborted) ac.abort(); else opts.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = ac.signal;

  const endpoints = new Map<string, Endpoint>();
  const stoppedCandidates = new Map<string, RunIssue>();
  let queued = 0, inFlight = 0, retrying = 0, feederDone = false, settledInSession = 0, finalErrors = 0, retriableErrors = 0;
  const retryTimers = new Set<NodeJS.Timeout>();
  let wakeTimer: NodeJS.Timeout | undefined, wakeAt = Infinity;
  let spaceWaiter: (() => void) | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => { finish = resolve; });

  function issue(kind: ErrorKind, severity: RunIssue['severity'], action: RunIssue['action'], endpointId: string, candidateId: string | undefined, message: string, cause = ''): RunIssue {
    const key = `${action}|${kind}|${endpointId}|${candidateId ?? ''}|${cause}`;
    let i = issueByKey.get(key);
    if (i) { i.count++; return i; }
    i = { key, kind, severity, action, endpointId, ...(candidateId ? { candidateId } : {}), message, count: 1 };
    issueByKey.set(key, i);
    issues.push(i);
    const line = `${endpointId}${candidateId ? `/${candidateId}` : ''}: ${message}`;
    if (severity === 'error') log?.error(line); else if (severity === 'warning') log?.warn(line); else log?.info(line);
    opts.onIssue?.(i);
    return i;
  }

  function write(r: ResponseRecord): void {
    rows.append(JSON.stringify(r));
    opts.onResponse?.(r);
  }

  function recordError(item: PlanItem, hash: string, kind: ErrorKind, message: string): void {
    counts.errors++;
    if (finalErrorKinds.has(kind)) finalErrors++; else retriableErrors++;
    settledInSession++;
    write({ exampleId: item.exampleId, candidateId: item.candidate.id, model: item.candidate.model, requestHash: hash, error: { kind, message }, at: new Date().toISOString() });
  }

  function recordOutput(item: PlanItem, hash: string, r: CachedResponse, cached: boolean): void {
    const c = costOf(item.candidate, r.inputTokens, r.outputTokens);
    if (cached) counts.cached++; else { counts.requested++; settledInSession++; }
    inputTokens += r.inputTokens ?? 0;
    outputTokens += r.outputTokens ?? 0;
    cost += c ?? 0;
    const rec: ResponseRecord = {
      exampleId: item.exampleId, candidateId: item.candidate.id, model: item.candidate.model, requestHash: hash,
      output: r.output, outputHash: outputHash(r.output), finishReason: r.finishReason, inputTokens: r.inputTokens,
      outputTokens: r.outputTokens, latencyMs: r.latencyMs, requestId: r.requestId, cost: c, at: cached ? new Date().toISOString() : r.at,
    };
    if (cached) rec.cached = true;
    write(rec);
  }

  function stopEndpoint(ep: Endpoint, kind: ErrorKind, message: string): void {
    ep.stopped ??= issue(kind, 'error', 'stopped-endpoint', ep.id, undefined, message);
    for (let i = ep.head; i < ep.queue.length; i++) skip();
    queued -= ep.queue.length - ep.head;
    ep.queue.length = 0; ep.head = 0;
  }

  function skip(): void { counts.skipped++; }

  function stoppedFor(item: PlanItem, ep: Endpoint): boolean {
    return ep.stopped !== undefined || stoppedCandidates.has(item.candidate.id);
  }

  async function endpointFor(c: PlanCandidate): Promise<Endpoint> {
    let ep = endpoints.get(c.endpoint);
    if (ep) return ep;
    const cfg = opts.endpoints[c.endpoint];
    const maxConcurrency = opts.concurrency ?? cfg?.maxConcurrency ?? opts.defaultConcurrency ?? 16;
    ep = { id: c.endpoint, kind: cfg?.kind ?? 'unknown', sched: new EndpointScheduler({ maxConcurrency, requestsPerMinute: cfg?.requestsPerMinute, tokensPerMinute: cfg?.tokensPerMinute }), queue: [], head: 0 };
    endpoints.set(c.endpoint, ep);
    if (!cfg) { stopEndpoint(ep, 'auth', `endpoint '${c.endpoint}' is not defined in the endpoints configuration`); return ep; }
    try { ep.provider = await opts.getProvider(c.endpoint); } catch (err) { stopEndpoint(ep, 'auth', redact(toMessage(err))); }
    return ep;
  }

  // The scheduler loop: start what each endpoint admits; sleep until the earliest time-based wait.
  function pump(): void {
    if (signal.aborted) return maybeFinish();
    const now = performance.now();
    let nextWake = Infinity;
    for (const ep of endpoints.values()) {
      while (ep.head < ep.queue.length) {
        const task = ep.queue[ep.head]!;
        if (stoppedFor(task.item, ep)) { ep.head++; queued--; skip(); continue; }
        const wait = ep.sched.admit(task.estTokens, now);
        if (wait > 0) { if (wait !== Infinity) nextWake = Math.min(nextWake, now + wait); break; }
        ep.head++; queued--;
        start(ep, task);
      }
      if (ep.head > 1024 && ep.head * 2 > ep.queue.length) { ep.queue.splice(0, ep.head); ep.head = 0; }
    }
    if (nextWake < wakeAt) {
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeAt = nextWake;
      wakeTimer = setTimeout(() => { wakeTimer = undefined; wakeAt = Infinity; pump(); }, Math.max(1, nextWake - now));
    }
    if (spaceWaiter && queued < highWater) { const w = spaceWaiter; spaceWaiter = undefined; w(); }
    maybeFinish();
  }

  function maybeFinish(): void {
    if (inFlight === 0 && retrying === 0 && (signal.aborted || (feederDone && queued === 0))) finish();
  }

  function start(ep: Endpoint, task: Task): void {
    inFlight++;
    const item = task.item;
    ep.provider!.complete({ model: item.candidate.model, messages: item.messages, params: item.params }, signal).then((r) => {
      inFlight--;
      ep.sched.release(task.estTokens, (r.inputTokens ?? 0) + (r.outputTokens ?? 0));
      ep.sched.onSuccess(r.latencyMs);
      const value: CachedResponse = {
        output: r.text, finishReason: r.finishReason, inputTokens: r.inputTokens, outputTokens: r.outputTokens,
        latencyMs: Math.round(r.latencyMs), requestId: r.requestId, at: new Date().toISOString(),
      };
      cache?.put(task.hash, value);
      recordOutput(item, task.hash, value, false);
      pump();
    }, (err: unknown) => {
      inFlight--;
      ep.sched.release(task.estTokens, undefined);
      if (!signal.aborted || !(isAbortError(err) || err instanceof ProviderError)) onFailure(ep, task, err);
      pump();
    });
  }

  function onFailure(ep: Endpoint, task: Task, err: unknown): void {
    const e = err instanceof ProviderError ? err : new ProviderError(isAbortError(err) ? 'transient' : 'unknown', redact(toMessage(err)));
    const item = task.item;
    switch (actionFor(e.kind)) {
      case 'stop-endpoint':
        stopEndpoint(ep, e.kind, e.kind === 'quota' ? `out of quota: ${e.message}` : `authentication failed: ${e.message}`);
        return skip();
      case 'stop-candidate':
        if (!stoppedCandidates.has(item.candidate.id)) stoppedCandidates.set(item.candidate.id, issue(e.kind, 'error', 'stopped-candidate', ep.id, item.candidate.id, `model '${item.candidate.model}' not found: ${e.message}`));
        return skip();
      case 'rate-limit':
        ep.sched.onRateLimit(e.details.retryAfterMs, performance.now());
        if (++task.rateLimits > retry.maxRateLimitRetries) {
          issue('rate-limit', 'error', 'recorded', ep.id, item.candidate.id, `still rate limited after ${retry.maxRateLimitRetries} retries`);
          return recordError(item, task.hash, 'rate-limit', e.message);
        }
        issue('rate-limit', 'info', 'backing-off', ep.id, undefined, `rate limited; lowering concurrency and backing off (${e.message})`);
        return later(ep, task, e.details.retryAfterMs ?? jitter(250 * 2 ** Math.min(task.rateLimits - 1, 5), retry.maxDelayMs));
      case 'retry':
        if (++task.attempts > retry.maxRetries) {
          issue(e.kind, 'error', 'recorded', ep.id, item.candidate.id, `failed after ${retry.maxRetries} retries: ${e.message}`);
          return recordError(item, task.hash, e.kind, e.message);
        }
        issue(e.kind, 'warning', 'retrying', ep.id, undefined, `retrying after: ${e.message}`);
        return later(ep, task, Math.max(e.details.retryAfterMs ?? 0, jitter(retry.baseDelayMs * 2 ** (task.attempts - 1), retry.maxDelayMs)));
      case 'record':
        issue(e.kind, 'error', 'recorded', ep.id, item.candidate.id, e.message);
        return recordError(item, task.hash, e.kind, e.message);
      case 'cancel':
        return;
    }
  }

  /** Re-queues a task at the front of its endpoint's queue after `ms`. */
  function later(ep: Endpoint, task: Task, ms: number): void {
    retrying++;
    const t = setTimeout(() => {
      retryTimers.delete(t);
      retrying--;
      if (signal.aborted) return maybeFinish();
      if (ep.head > 0) ep.queue[--ep.head] = task; else ep.queue.unshift(task);
      queued++;
      pump();
    }, ms);
    retryTimers.add(t);
  }

  signal.addEventListener('abort', () => {
    for (const t of retryTimers) clearTimeout(t);
    retrying = 0;
    retryTimers.clear();
    maybeFinish();
  }, { once: true });

  // Progress and checkpoints.
  const progress = (): RunProgress => {
    const done = counts.requested + counts.cached + counts.resumed + counts.errors + counts.skipped;
    const elapsedMs = performance.now() - started;
    const rate = settledInSession / elapsedMs;
    const etaMs = plan.total !== undefined && rate > 0 && settledInSession >= 5 ? Math.max(0, plan.total - done) / rate : undefined;
    return { runId, done, total: plan.total, counts: { ...counts }, inFlight, inputTokens, outputTokens, cost, elapsedMs, etaMs };
  };
  const progressTimer = opts.onProgress ? setInterval(() => opts.onProgress!(progress()), opts.progressIntervalMs ?? 200) : undefined;
  // Periodic checkpoints never block the event loop (fsyncs and the manifest write run on the thread pool), so
  // responses keep being handled on a slow disk; the final one is synchronous.
  let manifestWrite: Promise<void> | undefined;
  const checkpoint = (final = false) => {
    rows.checkpoint(); cache?.checkpoint();
    Object.assign(manifest, { updatedAt: new Date().toISOString(), inputTokens, outputTokens, cost });
    if (final) store.writeManifest(manifest);
    else manifestWrite ??= store.writeManifestAsync(manifest).catch((err: unknown) => log?.warn(`cannot update the manifest: ${toMessage(err)}`)).finally(() => { manifestWrite = undefined; });
  };
  const checkpointTimer = setInterval(checkpoint, opts.checkpointIntervalMs ?? 2000);

  // The feeder pulls plan items only while the queues are short, so a 100k-example set never sits in memory.
  const highWater = 2048;
  const feed = async () => {
    for await (const item of plan.items) {
      if (signal.aborted) break;
      const ep = endpoints.get(item.candidate.endpoint) ?? await endpointFor(item.candidate);
      const hash = item.renderError ? '' : requestHash(ep.kind, item.candidate.model, item.messages, item.params);
      const prior = hash ? doneHashes.get(`${item.exampleId}\0${item.candidate.id}`) : undefined;
      if (prior !== undefined) {
        if (prior === hash) { counts.resumed++; continue; }
        if (prior === `E${hash}`) { counts.errors++; finalErrors++; continue; }
      }
      if (item.renderError) {
        issue('bad-request', 'error', 'recorded', ep.id, item.candidate.id, `cannot render the prompt: ${item.renderError}`, 'render');
        recordError(item, hash, 'bad-request', item.renderError);
        continue;
      }
      if (stoppedFor(item, ep)) { skip(); continue; }
      const hit = cache?.get(hash);
      if (hit) { recordOutput(item, hash, hit, true); continue; }
      let chars = 0;
      for (const m of item.messages) chars += m.content.length;
      const maxTokens = typeof item.params?.maxTokens === 'number' ? item.params.maxTokens : 512;
      ep.queue.push({ item, hash, attempts: 0, rateLimits: 0, estTokens: Math.ceil(chars / 4) + maxTokens });
      queued++;
      if (ep.queue.length - ep.head <= ep.sched.limit) pump();
      if (queued >= highWater) { pump(); if (queued >= highWater) await new Promise<void>((r) => { spaceWaiter = r; }); }
    }
  };
  try {
    await feed();
  } catch (err) {
    ac.abort();
    throw err;
  } finally {
    feederDone = true;
    pump();
    await finished;
    if (progressTimer) clearInterval(progressTimer);
    clearInterval(checkpointTimer);
    if (wakeTimer) clearTimeout(wakeTimer);
    await manifestWrite;
    opts.signal?.removeEventListener('abort', onAbort);
    for (const ep of endpoints.values()) ep.provider?.close?.();
    rows.close();
    cache?.close();
  }

  const withOutput = counts.requested + counts.cached + counts.resumed;
  const missing = plan.total !== undefined ? Math.max(0, plan.total - withOutput) : counts.errors + counts.skipped;
  // Complete = nothing left that asking again could change (final errors such as bad requests stay errors).
  const open = plan.total !== undefined ? plan.total - withOutput - finalErrors : retriableErrors + counts.skipped;
  manifest.status = signal.aborted ? 'cancelled' : open > 0 || counts.skipped > 0 || retriableErrors > 0 ? 'incomplete' : 'complete';
  checkpoint(true);
  opts.onProgress?.(progress());
  return { runId, dir, status: manifest.status, counts: { ...counts }, missing, inputTokens, outputTokens, cost, issues, elapsedMs: performance.now() - started };
}

/** Half the delay plus up to half again at random: spreads retries of a burst apart. */
function jitter(ms: number, cap: number): number {
  const d = Math.min(ms, cap);
  return d / 2 + Math.random() * (d / 2);
}
