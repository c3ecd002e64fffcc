// Requests of candidates in `batch` or `auto` mode: the feeder hands them here instead of to the live
// dispatcher; once the plan is fed, each endpoint's share goes through its provider's batch service (or live,
// when the endpoint has none, or `auto` finds the share too small), and every result is recorded exactly like
// a live one: same row, same cache entry, so a batch result is never requested again live, nor the reverse.
import { runBatches, type BatchEvent, type PendingRequest } from '../batch/driver';
import { batchRequest, requestOf, type BatchBackend, type BatchJob, type BatchOutcome } from '../batch/types';
import { toMessage } from '../errors';
import type { RunMode } from '../project/types';
import type { Store } from '../store/store';
import type { Dispatcher, Endpoint } from './dispatcher';
import { estimateTokens } from './feeder';
import type { PlanCandidate, PlanItem, RunPlan } from './plan';
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
  /**
   * Store what the run's jobs already out finish, and send nothing (a resume after the user cancelled them): every
   * other request of the plan is counted as skipped, for an explicit run to send later.
   */
  collectOnly?: boolean;
}

/** A pair waiting for a held request's result: the plan item without its messages (they live in the request). */
interface Row { exampleId: string; candidate: PlanCandidate; params?: Readonly<Record<string, unknown>> }

/**
 * One distinct request held for the batch phase, serialised once, with the pair that waits for it (and any
 * more that asked the same). A run may hold 100k: one object each, no message objects.
 */
interface Held extends PendingRequest, Row { endpoint: Endpoint; mode: RunMode; more?: Row[] }

const rowsOf = (w: Held): Row[] => [w, ...(w.more ?? [])];

export const defaultBatchThreshold = 1000;

export class BatchPhase {
  private readonly waiting = new Map<string, Held>();

  /** `inFlight`: keys of the run's jobs still out; they wait for their job whatever the mode says now. */
  constructor(private readonly opts: BatchRunOptions, private readonly inFlight: ReadonlySet<string> = new Set()) {}

  /** Whether the item goes through the batch phase: a mode that may batch, a job already out, or collect-only. */
  takes(item: PlanItem, hash: string): boolean {
    return this.opts.collectOnly === true || this.opts.modeOf(item.candidate) !== 'live' || this.inFlight.has(hash);
  }

  /** Holds a request until the plan is fed; identical requests are sent once. */
  add(item: PlanItem, hash: string, endpoint: Endpoint): void {
    const { exampleId, candidate, params } = item;
    const held = this.waiting.get(hash);
    if (held) { (held.more ??= []).push({ exampleId, candidate, ...(params ? { params } : {}) }); return; }
    const { model } = candidate;
    const mode = this.inFlight.has(hash) ? 'batch' : this.opts.modeOf(candidate);
    const { body } = batchRequest(hash, { model, messages: item.messages, params });
    this.waiting.set(hash, { key: hash, body, endpointId: endpoint.id, model, exampleId, candidate, ...(params ? { params } : {}), endpoint, mode });
  }

  /** Sends what was held: batch where the endpoint supports it and the mode asks for it, live otherwise. */
  async run(ctx: { store: Store; runId: string; recorder: RunRecorder; dispatcher: Dispatcher; signal: AbortSignal }): Promise<void> {
    if (!this.waiting.size) return;
    const batched = this.opts.collectOnly ? [...this.waiting.values()] : await this.routeLiveShares(ctx);
    if (!batched.length) return;
    const saved = ctx.store.readBatchJobs(ctx.runId);
    const notSent = (keys: readonly string[]) => { for (const k of keys) { const w = this.waiting.get(k); if (w) ctx.recorder.skipped(1 + (w.more?.length ?? 0)); } };
    try {
      await runBatches(batched, saved, {
        backendFor: async (id) => (await this.opts.backendFor(id))!,
        // The rows a job's results became are written before the job list says it was collected.
        saveJobs: (jobs) => { ctx.recorder.flushRecorded(); return ctx.store.writeBatchJobs(ctx.runId, jobs); },
        record: async (outcome) => this.record(outcome, this.waiting.get(outcome.key), ctx.recorder),
        runLive: (requests) => this.sendLive(requests.map((r) => this.waiting.get(r.key)!).filter(Boolean), ctx.dispatcher),
        signal: ctx.signal, onEvent: this.opts.onEvent, poll: this.opts.poll, sleep: this.opts.sleep,
        ...(this.opts.collectOnly ? { collectOnly: { notSent } } : {}),
      });
    } catch (err) {
      // Cancelled while waiting: the remote jobs keep running and stay in the run's job list for a resume.
      if (!ctx.signal.aborted) throw err;
    }
  }

  /** Sends live the endpoints' shares that do not go through a batch (and says why); returns the rest. */
  private async routeLiveShares(ctx: { recorder: RunRecorder; dispatcher: Dispatcher }): Promise<Held[]> {
    const byEndpoint = new Map<string, Held[]>();
    for (const w of this.waiting.values()) {
      const list = byEndpoint.get(w.endpoint.id) ?? [];
      list.push(w);
      byEndpoint.set(w.endpoint.id, list);
    }
    const batched: Held[] = [];
    for (const [endpointId, list] of byEndpoint) {
      const why = await this.liveReason(endpointId, list);
      if (!why) { batched.push(...list); continue; }
      for (const [model, count] of countByModel(list)) this.opts.onEvent?.({ type: 'live', endpointId, model, count, why });
      if (list.some((w) => w.mode === 'batch')) ctx.recorder.issue('bad-request', 'warning', 'recorded', endpointId, undefined, `sent live: ${why}`, 'batch');
      await this.sendLive(list, ctx.dispatcher);
    }
    return batched;
  }

  private async liveReason(endpointId: string, list: readonly Held[]): Promise<string | undefined> {
    let backend: BatchBackend | undefined;
    try { backend = await this.opts.backendFor(endpointId); } catch (err) { return `its batch service could not be set up (${toMessage(err)})`; }
    if (!backend) return `endpoint '${endpointId}' has no batch service in its settings`;
    const threshold = this.opts.threshold ?? defaultBatchThreshold;
    if (list.every((w) => w.mode === 'auto') && list.length <= threshold) return `${list.length} requests, at most the batch threshold of ${threshold}`;
    return undefined;
  }

  private async sendLive(list: readonly Held[], dispatcher: Dispatcher): Promise<void> {
    for (const w of list) {
      const { messages } = requestOf(w);
      for (const row of rowsOf(w)) {
        const item: PlanItem = { exampleId: row.exampleId, candidate: row.candidate, messages, ...(row.params ? { params: row.params } : {}) };
        const space = dispatcher.enqueue(w.endpoint, { item, hash: w.key, attempts: 0, rateLimits: 0, estTokens: estimateTokens(item) });
        if (space) await space;
      }
    }
  }

  private record(outcome: BatchOutcome, w: Held | undefined, recorder: RunRecorder): void {
    if (!w) return; // settled before a restart: its rows are already in the run
    for (const row of rowsOf(w)) {
      // The recorder reads the pair and its parameters, never the messages.
      const item: PlanItem = { exampleId: row.exampleId, candidate: row.candidate, messages: [], ...(row.params ? { params: row.params } : {}) };
      if ('error' in outcome) recorder.error(item, outcome.key, outcome.error.kind, outcome.error.message, outcome.error.reply && { ...outcome.error.reply, batch: true });
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

function countByModel(list: readonly Held[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of list) counts.set(w.model, (counts.get(w.model) ?? 0) + 1 + (w.more?.length ?? 0));
  return counts;
}

/** Keys of a run's jobs that are still out (their results not stored yet). */
export function keysInFlight(jobs: readonly BatchJob[]): Set<string> {
  return new Set(jobs.filter((j) => !j.collected).flatMap((j) => j.keys));
}

/**
 * The plan's items, each also written to the run's batch record (batch-plan.jsonl) as it passes, when the run
 * may batch: the record lets the run be resumed without the files it was made from. `end` keeps the record when
 * the whole plan went by, and drops the half-written one otherwise.
 */
export function recordedItems(plan: RunPlan, opts: BatchRunOptions, store: Store, runId: string, inFlight: ReadonlySet<string>): { items: RunPlan['items']; end(complete: boolean): void } {
  const candidates = plan.candidates.map((c) => ({ ...c, mode: opts.modeOf(c) }));
  if (!inFlight.size && candidates.every((c) => c.mode === 'live')) return { items: plan.items, end: () => {} };
  const writer = store.openBatchPlanWriter(runId, { planKey: plan.planKey, candidates });
  async function* tap() {
    for await (const item of plan.items) {
      writer.add({ x: item.exampleId, c: item.candidate.id, m: item.messages, ...(item.params ? { p: item.params } : {}), ...(item.renderError ? { e: item.renderError } : {}) });
      yield item;
    }
  }
  return { items: tap(), end: (complete) => { if (complete) writer.commit(); else writer.discard(); } };
}

/** The plan a run's batch record describes, to resume the run without its prompt, project or test set. */
export async function planFromRecord(store: Store, runId: string): Promise<RunPlan | undefined> {
  const [record, manifest] = await Promise.all([store.openBatchPlan(runId), store.readManifest(runId)]);
  if (!record || !manifest) return undefined;
  const { header } = record;
  const byId = new Map(header.candidates.map((c) => [c.id, c]));
  // One parameters object per distinct value, as a fresh plan shares one per candidate.
  const shared = new Map<string, Readonly<Record<string, unknown>>>();
  const paramsOf = (p: Readonly<Record<string, unknown>>) => { const k = JSON.stringify(p); let v = shared.get(k); if (!v) shared.set(k, v = p); return v; };
  async function* items(): AsyncGenerator<PlanItem> {
    for await (const line of record!.items) {
      const candidate = byId.get(line.c);
      if (!candidate) continue;
      yield { exampleId: line.x, candidate, messages: line.m, ...(line.p ? { params: paramsOf(line.p) } : {}), ...(line.e ? { renderError: line.e } : {}) };
    }
  }
  return {
    planKey: header.planKey, candidates: header.candidates, items: items(), total: manifest.counts.total,
    ...(manifest.prompt ? { prompt: manifest.prompt } : {}), ...(manifest.testSet ? { testSet: manifest.testSet } : {}), ...(manifest.inputs ? { inputs: manifest.inputs } : {}),
  };
}
