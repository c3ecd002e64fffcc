// Admission and dispatch per endpoint: one queue and one scheduler (concurrency, AIMD on 429s, RPM/TPM) per
// endpoint, requests started as their endpoint admits them, failures retried, recorded or turned into a stopped
// endpoint or candidate. Results go to the recorder; the feeder fills the queues and is held back when they
// are long.
import { isAbortError, toMessage } from '../errors';
import type { EndpointsConfig } from '../providers/endpoints';
import { ProviderError, redact, TIMEOUT_CODE, type ModelProvider } from '../providers/provider';
import type { ErrorKind } from '../store/records';
import type { RunIssue } from '../store/runs';
import type { CachedResponse } from '../store/responseCache';
import { EndpointQueue } from './endpointQueue';
import { asProviderError, decideOnFailure, type RetryPolicy } from './failurePolicy';
import type { PlanCandidate, PlanItem } from './plan';
import type { RunRecorder } from './recorder';
import { EndpointScheduler } from './scheduler';
import type { SlotFinding } from './slotProbe';

/** What a slow server's user sees when the run lowers its concurrency, with the figures it measured. */
function slotHint(endpointId: string, f: SlotFinding): string {
  const s = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
  return `the server serves about ${f.servedAtOnce} request${f.servedAtOnce === 1 ? '' : 's'} at a time (answers took ${s(f.latencyAtStartMs)} with ${f.startLevel} in flight, `
    + `${s(f.latencyAtLimitMs)} with ${f.limit}): concurrency lowered to ${f.limit} for this run. Set "maxConcurrency": ${f.limit} on endpoint '${endpointId}' to start there.`;
}

/** One request waiting or in flight. `estTokens` is what the TPM bucket was charged. */
export interface Task { item: PlanItem; hash: string; attempts: number; rateLimits: number; rateLimitedSince?: number; estTokens: number }

export interface Endpoint {
  readonly id: string;
  /** The provider kind (part of the request hash). */
  readonly kind: string;
  readonly sched: EndpointScheduler;
  readonly queue: EndpointQueue<Task>;
  provider?: ModelProvider;
  stopped?: RunIssue;
}

/** What the dispatcher reports results to (the run's recorder). */
export type ResultSink = Pick<RunRecorder, 'issue' | 'error' | 'output' | 'skipped'>;

export interface DispatcherOptions {
  endpoints: EndpointsConfig;
  /** Builds (once per endpoint) the provider for an endpoint id. */
  getProvider(endpointId: string): Promise<ModelProvider>;
  /** Overrides every endpoint's concurrency. */
  concurrency?: number;
  /** Concurrency of endpoints that set no `maxConcurrency` (default 16). */
  defaultConcurrency?: number;
  retry: RetryPolicy;
  sink: ResultSink;
  signal: AbortSignal;
  /** Queued requests (all endpoints) above which the feeder waits (default 2048). */
  highWater?: number;
}

export class Dispatcher {
  inFlight = 0;
  /** Requests in the queues. */
  private queued = 0;
  /** Requests waiting for a retry timer. */
  private retrying = 0;
  private feeding = true;
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly stoppedCandidates = new Map<string, RunIssue>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private spaceWaiter: (() => void) | undefined;
  private finish!: () => void;
  /** Resolves when every request is settled after `doneFeeding`, or when the run is cancelled. */
  readonly finished = new Promise<void>((resolve) => { this.finish = resolve; });
  private readonly highWater: number;

  constructor(private readonly opts: DispatcherOptions) {
    this.highWater = opts.highWater ?? 2048;
    opts.signal.addEventListener('abort', () => {
      for (const t of this.retryTimers) clearTimeout(t);
      this.retrying = 0;
      this.retryTimers.clear();
      this.wakeFeeder();
      this.maybeFinish();
    }, { once: true });
  }

  /** The endpoint a candidate's requests go to, created (with its provider) on first use. */
  endpointFor(c: PlanCandidate): Endpoint | Promise<Endpoint> {
    return this.endpoints.get(c.endpoint) ?? this.createEndpoint(c.endpoint);
  }

  private async createEndpoint(id: string): Promise<Endpoint> {
    const cfg = this.opts.endpoints[id];
    const maxConcurrency = this.opts.concurrency ?? cfg?.maxConcurrency ?? this.opts.defaultConcurrency ?? 16;
    const ep: Endpoint = {
      id, kind: cfg?.kind ?? 'unknown', queue: new EndpointQueue<Task>(),
      sched: new EndpointScheduler({ maxConcurrency, requestsPerMinute: cfg?.requestsPerMinute, tokensPerMinute: cfg?.tokensPerMinute }),
    };
    this.endpoints.set(id, ep);
    if (!cfg) { this.stopEndpoint(ep, 'auth', `endpoint '${id}' is not defined in the endpoints configuration`); return ep; }
    try { ep.provider = await this.opts.getProvider(id); } catch (err) { this.stopEndpoint(ep, 'auth', redact(toMessage(err))); }
    return ep;
  }

  /** False when the item's endpoint or candidate was stopped: it is skipped, not sent. */
  accepts(item: PlanItem, ep: Endpoint): boolean {
    return ep.stopped === undefined && !this.stoppedCandidates.has(item.candidate.id);
  }

  /** Queues a request; the promise (when returned) resolves once the queues are short enough to add more. */
  enqueue(ep: Endpoint, task: Task): Promise<void> | undefined {
    ep.queue.push(task);
    this.queued++;
    if (ep.queue.length <= ep.sched.limit) this.pump();
    if (this.queued < this.highWater) return undefined;
    this.pump();
    if (this.queued < this.highWater || this.opts.signal.aborted) return undefined;
    return new Promise<void>((r) => { this.spaceWaiter = r; });
  }

  /** No more requests will be queued: `finished` resolves when the last one settles. */
  doneFeeding(): void {
    this.feeding = false;
    this.pump();
  }

  /** Stops timers and closes the providers (after `finished`). */
  close(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    for (const ep of this.endpoints.values()) ep.provider?.close?.();
  }

  /** Starts what each endpoint admits; sleeps until the earliest time-based wait. */
  private pump(): void {
    if (this.opts.signal.aborted) return this.maybeFinish();
    const now = performance.now();
    let nextWake = Infinity;
    for (const ep of this.endpoints.values()) {
      for (let task = ep.queue.peek(); task; task = ep.queue.peek()) {
        if (!this.accepts(task.item, ep)) { ep.queue.shift(); this.queued--; this.opts.sink.skipped(); continue; }
        const wait = ep.sched.admit(task.estTokens, now);
        if (wait > 0) { if (wait !== Infinity) nextWake = Math.min(nextWake, now + wait); break; }
        ep.queue.shift(); this.queued--;
        this.start(ep, task);
      }
    }
    if (nextWake < this.wakeAt) {
      if (this.wakeTimer) clearTimeout(this.wakeTimer);
      this.wakeAt = nextWake;
      this.wakeTimer = setTimeout(() => { this.wakeTimer = undefined; this.wakeAt = Infinity; this.pump(); }, Math.max(1, nextWake - now));
    }
    if (this.queued < this.highWater) this.wakeFeeder();
    this.maybeFinish();
  }

  private wakeFeeder(): void {
    const w = this.spaceWaiter;
    if (w) { this.spaceWaiter = undefined; w(); }
  }

  private maybeFinish(): void {
    if (this.inFlight === 0 && this.retrying === 0 && (this.opts.signal.aborted || (!this.feeding && this.queued === 0))) this.finish();
  }

  private start(ep: Endpoint, task: Task): void {
    this.inFlight++;
    const { item } = task;
    const signal = this.opts.signal;
    const inFlightAtSend = ep.sched.inFlight;
    ep.provider!.complete({ model: item.candidate.model, messages: item.messages, params: item.params }, signal).then((r) => {
      this.inFlight--;
      ep.sched.release(task.estTokens, (r.inputTokens ?? 0) + (r.outputTokens ?? 0));
      ep.sched.onSuccess(r.latencyMs, r.rateLimits);
      const slots = ep.sched.onLatency(r.latencyMs, inFlightAtSend);
      if (slots) this.opts.sink.issue('unknown', 'warning', 'lowered-concurrency', ep.id, undefined, slotHint(ep.id, slots));
      const value: CachedResponse = {
        output: r.text, finishReason: r.finishReason, inputTokens: r.inputTokens, outputTokens: r.outputTokens,
        latencyMs: Math.round(r.latencyMs), requestId: r.requestId, at: new Date().toISOString(),
        ...(r.model !== undefined && r.model !== item.candidate.model ? { replyModel: r.model } : {}),
      };
      this.opts.sink.output(item, task.hash, value, false);
      this.pump();
    }, (err: unknown) => {
      this.inFlight--;
      ep.sched.release(task.estTokens, undefined);
      if (!signal.aborted || !(isAbortError(err) || err instanceof ProviderError)) this.onFailure(ep, task, err);
      this.pump();
    });
  }

  private onFailure(ep: Endpoint, task: Task, err: unknown): void {
    const { sink } = this.opts;
    const { item } = task;
    const e = asProviderError(err);
    const now = performance.now();
    const d = decideOnFailure(e, task, this.opts.retry, item.candidate.model, now);
    if ((d.action === 'retry' || d.action === 'record') && d.rateLimited) ep.sched.onRateLimit(d.rateLimited.retryAfterMs, now, e.details.rateLimits);
    if (e.details.code === TIMEOUT_CODE) ep.sched.onTimeout(now);
    switch (d.action) {
      case 'stop-endpoint':
        this.stopEndpoint(ep, d.kind, d.message);
        return sink.skipped();
      case 'stop-candidate':
        if (!this.stoppedCandidates.has(item.candidate.id)) this.stoppedCandidates.set(item.candidate.id, sink.issue(d.kind, 'error', 'stopped-candidate', ep.id, item.candidate.id, d.message));
        return sink.skipped();
      case 'retry':
        if (d.rateLimited) sink.issue('rate-limit', 'info', 'backing-off', ep.id, undefined, d.message);
        else sink.issue(d.kind, 'warning', 'retrying', ep.id, undefined, d.message);
        return this.later(ep, task, d.delayMs);
      case 'record':
        sink.issue(d.kind, 'error', 'recorded', ep.id, item.candidate.id, d.message);
        return sink.error(item, task.hash, d.kind, d.rowMessage, e.details.reply);
      case 'cancel':
        return;
    }
  }

  private stopEndpoint(ep: Endpoint, kind: ErrorKind, message: string): void {
    ep.stopped ??= this.opts.sink.issue(kind, 'error', 'stopped-endpoint', ep.id, undefined, message);
    const dropped = ep.queue.clear();
    this.opts.sink.skipped(dropped);
    this.queued -= dropped;
  }

  /** Re-queues a task at the front of its endpoint's queue after `ms`. */
  private later(ep: Endpoint, task: Task, ms: number): void {
    this.retrying++;
    const t = setTimeout(() => {
      this.retryTimers.delete(t);
      this.retrying--;
      if (this.opts.signal.aborted) return this.maybeFinish();
      ep.queue.unshift(task);
      this.queued++;
      this.pump();
    }, ms);
    this.retryTimers.add(t);
  }
}
