// Requests of candidates in `batch` or `auto` mode: the feeder hands them here instead of to the live
// dispatcher; once the plan is fed, each endpoint's share goes through its provider's batch service (or live,
// when the endpoint has none, or `auto` finds the share too small), and every result is recorded exactly like
// a live one: same row, same cache entry, so a batch result is never requested again live, nor the reverse.
import { runBatches, type BatchEvent, type PendingRequest } from '../batch/driver';
import type { BatchBackend, BatchOutcome } from '../batch/types';
import { toMessage } from '../errors';
import type { RunMode } from '../project/types';
import type { Store } from '../store/store';
import type { Dispatcher, Endpoint } from './dispatcher';
import { estimateTokens } from './feeder';
import type { PlanCandidate, PlanItem } from './plan';
import type { RunRecorder } from './recorder';

export interface BatchRunOptions {
  /** The candidate's mode after any override (CLI `--mode`, the editor's choice). */
  modeOf(candidate: PlanCandidate): RunMode;
  /** Requests for one endpoint above which `auto` uses the batch service (default 1000). */
  threshold?: number;
  /** The endpoint's batch service, or undefined when it has none configured. */
  backendFor(endpointId: string): Promise<BatchBackend | undefined>;
  onEvent?(e: BatchEvent): void;
  /** Polling backoff and sleep (tests). */
  poll?: { initialMs: number; maxMs: number };
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

interface Waiting { endpoint: Endpoint; request: PendingRequest; items: PlanItem[]; mode: RunMode }

export const defaultBatchThreshold = 1000;

export class BatchPhase {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly opts: BatchRunOptions) {}

  /** Whether the item's candidate may go through a batch service. */
  takes(item: PlanItem): boolean { return this.opts.modeOf(item.candidate) !== 'live'; }

  /** Holds a request until the plan is fed; identical requests are sent once. */
  add(item: PlanItem, hash: string, endpoint: Endpoint): void {
    const w = this.waiting.get(hash);
    if (w) { w.items.push(item); return; }
    const request = { key: hash, endpointId: endpoint.id, request: { model: item.candidate.model, messages: item.messages, params: item.params } };
    this.waiting.set(hash, { endpoint, request, items: [item], mode: this.opts.modeOf(item.candidate) });
  }

  /** Sends what was held: batch where the endpoint supports it and the mode asks for it, live otherwise. */
  async run(ctx: { store: Store; runId: string; recorder: RunRecorder; dispatcher: Dispatcher; signal: AbortSignal }): Promise<void> {
    if (!this.waiting.size) return;
    const byEndpoint = new Map<string, Waiting[]>();
    for (const w of this.waiting.values()) {
      const list = byEndpoint.get(w.endpoint.id) ?? [];
      list.push(w);
      byEndpoint.set(w.endpoint.id, list);
    }
    const batched: Waiting[] = [];
    for (const [endpointId, list] of byEndpoint) {
      const why = await this.liveReason(endpointId, list);
      if (why) {
        for (const [model, count] of countByModel(list)) this.opts.onEvent?.({ type: 'live', endpointId, model, count, why });
        if (list.some((w) => w.mode === 'batch')) ctx.recorder.issue('bad-request', 'warning', 'recorded', endpointId, undefined, `sent live: ${why}`, 'batch');
        await this.sendLive(list, ctx.dispatcher);
      } else batched.push(...list);
    }
    if (!batched.length) return;
    const byKey = new Map(batched.map((w) => [w.request.key, w]));
    const saved = ctx.store.readBatchJobs(ctx.runId);
    try {
      await runBatches(batched.map((w) => w.request), saved, {
      backendFor: async (id) => (await this.opts.backendFor(id))!,
      saveJobs: (jobs) => ctx.store.writeBatchJobs(ctx.runId, jobs),
      record: async (outcome) => this.record(outcome, byKey.get(outcome.key), ctx.recorder),
      runLive: (requests) => this.sendLive(requests.map((r) => byKey.get(r.key)!).filter(Boolean), ctx.dispatcher),
      signal: ctx.signal, onEvent: this.opts.onEvent, poll: this.opts.poll, sleep: this.opts.sleep,
      });
    } catch (err) {
      // Cancelled while waiting: the remote jobs keep running and stay in the run's job list for a resume.
      if (!ctx.signal.aborted) throw err;
    }
  }

  private async liveReason(endpointId: string, list: readonly Waiting[]): Promise<string | undefined> {
    let backend: BatchBackend | undefined;
    try { backend = await this.opts.backendFor(endpointId); } catch (err) { return `its batch service could not be set up (${toMessage(err)})`; }
    if (!backend) return `endpoint '${endpointId}' has no batch service in its settings`;
    const threshold = this.opts.threshold ?? defaultBatchThreshold;
    if (list.every((w) => w.mode === 'auto') && list.length <= threshold) return `${list.length} requests, at most the batch threshold of ${threshold}`;
    return undefined;
  }

  private async sendLive(list: readonly Waiting[], dispatcher: Dispatcher): Promise<void> {
    for (const w of list) {
      for (const item of w.items) {
        const space = dispatcher.enqueue(w.endpoint, { item, hash: w.request.key, attempts: 0, rateLimits: 0, estTokens: estimateTokens(item) });
        if (space) await space;
      }
    }
  }

  private record(outcome: BatchOutcome, w: Waiting | undefined, recorder: RunRecorder): void {
    if (!w) return; // settled before a restart: its rows are already in the run
    for (const item of w.items) {
      if ('error' in outcome) recorder.error(item, outcome.key, outcome.error.kind, outcome.error.message);
      else {
        const c = outcome.completion;
        recorder.output(item, outcome.key, {
          output: c.text, finishReason: c.finishReason, inputTokens: c.inputTokens, outputTokens: c.outputTokens,
          requestId: c.requestId, at: new Date().toISOString(), batch: true,
        }, false);
      }
    }
  }
}

function countByModel(list: readonly Waiting[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of list) counts.set(w.request.request.model, (counts.get(w.request.request.model) ?? 0) + w.items.length);
  return counts;
}
