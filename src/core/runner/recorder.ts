// Recording a run's results: the rows of responses.jsonl, the shared response cache, the counts, tokens and
// cost, the aggregated issues, progress snapshots, checkpoints of the manifest, and the final status.
import { replyModelWarning } from '../providers/replyModel';
import { toMessage } from '../errors';
import type { Logger } from '../ports';
import type { ErrorKind, ResponseRecord } from '../store/records';
import type { OnStoreProblem } from '../store/problems';
import type { ResponseCache, CachedResponse } from '../store/responseCache';
import type { JsonlAppender } from '../store/jsonl';
import type { RunCounts, RunIssue, RunManifest, RunStatus } from '../store/runs';
import type { Store } from '../store/store';
import type { UnansweredReply } from '../providers/provider';
import { emptyReplyError, stoppedByTokenLimit, checkUsage, cutAnswerMessage } from '../providers/replies';
import { outputHash } from './hash';
import type { PlanCandidate, PlanItem, RunPlan } from './plan';
import { finalStatus } from './runStatus';

export interface RunProgress {
  runId: string;
  /** Pairs settled: responses, errors and skipped. */
  done: number;
  /**
   * Pairs settled by a request this process sent (not from the cache, not resumed): the rate to show, which a
   * resume of a half-done run would otherwise inflate.
   */
  requestsDone: number;
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

/** Error kinds whose rows are final: asking again gives the same answer. Other error rows are retried on resume. */
export const finalErrorKinds: ReadonlySet<ErrorKind> = new Set(['bad-request', 'context-length', 'truncated', 'empty-output']);

/**
 * Cost of a call from a candidate's price table (USD per million tokens); batch calls at the batch price (default
 * half). Unknown (undefined) without a price or when the server did not say how many tokens the call used: never $0.
 */
export function costOf(c: PlanCandidate, inputTokens: number | undefined, outputTokens: number | undefined, batch = false): number | undefined {
  const price = batch ? batchPriceOf(c) : c.price;
  if (!price || inputTokens === undefined || outputTokens === undefined) return undefined;
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1e6;
}

/** A cost total as shown: "$0.0123", "$0.0123 + 4 rows of unknown cost", or "cost unknown (4 rows)" — never a silent $0. */
export function costTotalText(cost: number, costUnknown: number, digits = 4): string {
  if (!costUnknown) return `$${cost.toFixed(digits)}`;
  const rows = `${costUnknown} row${costUnknown === 1 ? '' : 's'}`;
  return cost > 0 ? `$${cost.toFixed(digits)} + ${rows} of unknown cost` : `cost unknown (${rows}: no price or no token counts)`;
}

/** The candidate's batch price: its own `batchPrice`, else half its live price (OpenAI's and Bedrock's batch discount). */
export function batchPriceOf(c: Pick<PlanCandidate, 'price' | 'batchPrice'>): PlanCandidate['price'] {
  return c.batchPrice ?? (c.price && { inputPerMTok: c.price.inputPerMTok / 2, outputPerMTok: c.price.outputPerMTok / 2 });
}

export interface RecorderOptions {
  store: Store;
  runId: string;
  plan: RunPlan;
  /** The manifest's creation time when resuming. */
  createdAt?: string;
  /** Use and fill the shared cache (default true). */
  cache?: boolean;
  onResponse?(r: ResponseRecord): void;
  onIssue?(i: RunIssue): void;
  /** A damaged line of the response cache (it is ignored: its request is sent again). */
  onStoreProblem?: OnStoreProblem;
  log?: Logger;
  /** Clock for elapsed time and ETA (ms). */
  now?(): number;
}

/** Everything a run writes and counts. Rows are appended as they settle; `finish` writes the final manifest. */
export class RunRecorder {
  readonly counts: RunCounts;
  readonly issues: RunIssue[] = [];
  inputTokens = 0;
  outputTokens = 0;
  cost = 0;
  /** Outputs whose cost is unknown (no price, or no usable token counts): `cost` leaves them out. */
  costUnknown = 0;
  /** Pairs settled by a request in this session (the ETA's rate). */
  private settledInSession = 0;
  private readonly issueByKey = new Map<string, RunIssue>();
  private readonly manifest: RunManifest;
  private readonly rows: JsonlAppender;
  private readonly cache?: ResponseCache;
  private manifestWrite: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly started: number;

  constructor(private readonly opts: RecorderOptions) {
    const { plan } = opts;
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
    this.counts = { total: plan.total, requested: 0, cached: 0, resumed: 0, errors: 0, skipped: 0 };
    this.manifest = {
      version: 1, runId: opts.runId, planKey: plan.planKey, status: 'running', createdAt: opts.createdAt ?? new Date().toISOString(),
      updatedAt: new Date().toISOString(), prompt: plan.prompt, testSet: plan.testSet, ...(plan.inputs ? { inputs: plan.inputs } : {}),
      candidates: plan.candidates.map((c) => ({ id: c.id, endpoint: c.endpoint, model: c.model })),
      counts: this.counts, inputTokens: 0, outputTokens: 0, cost: 0, issues: this.issues,
    };
    opts.store.writeManifest(this.manifest);
    this.rows = opts.store.openResponses(opts.runId);
    this.cache = opts.cache === false ? undefined : opts.store.openCache(opts.onStoreProblem);
  }

  /** Counts a cause of trouble; the first occurrence is logged and reported, later ones only counted. */
  issue(kind: ErrorKind, severity: RunIssue['severity'], action: RunIssue['action'], endpointId: string, candidateId: string | undefined, message: string, cause = ''): RunIssue {
    const key = `${action}|${kind}|${endpointId}|${candidateId ?? ''}|${cause}`;
    let i = this.issueByKey.get(key);
    if (i) { i.count++; return i; }
    i = { key, kind, severity, action, endpointId, ...(candidateId ? { candidateId } : {}), message, count: 1 };
    this.issueByKey.set(key, i);
    this.issues.push(i);
    const line = `${endpointId}${candidateId ? `/${candidateId}` : ''}: ${message}`;
    const log = this.opts.log;
    if (severity === 'error') log?.error(line); else if (severity === 'warning') log?.warn(line); else log?.info(line);
    this.opts.onIssue?.(i);
    return i;
  }

  /** A cached response for a request, if the cache is on and has one. */
  cached(hash: string): CachedResponse | undefined { return this.cache?.get(hash); }

  /** A pair whose row is already in this run's file. */
  resumed(): void { this.counts.resumed++; }

  /** A pair whose final error row is already in this run's file. */
  resumedFinalError(): void { this.counts.errors++; }

  /** A pair not attempted (stopped endpoint or candidate). */
  skipped(n = 1): void { this.counts.skipped += n; }

  /**
   * A pair without an output. `reply` is a reply that came without a usable answer (e.g. `content: null`): its
   * tokens were billed all the same, so the row keeps them and their cost.
   */
  error(item: PlanItem, hash: string, kind: ErrorKind, message: string, reply?: UnansweredReply & { batch?: boolean }): void {
    this.counts.errors++;
    this.settledInSession++;
    const spent = reply ? this.spent(item, reply) : {};
    this.write({ exampleId: item.exampleId, candidateId: item.candidate.id, model: item.candidate.model, requestHash: hash, ...sentParams(item),
      error: { kind, message }, ...spent, at: new Date().toISOString() });
  }

  /** The finish reason, checked token counts and cost of a reply, added to the run's totals. */
  private spent(item: PlanItem, reply: UnansweredReply & { batch?: boolean }): Pick<ResponseRecord, 'finishReason' | 'inputTokens' | 'outputTokens' | 'cost'> {
    const r = this.checkedUsage(item, reply);
    const cost = costOf(item.candidate, r.inputTokens, r.outputTokens, reply.batch === true);
    this.inputTokens += r.inputTokens ?? 0;
    this.outputTokens += r.outputTokens ?? 0;
    this.cost += cost ?? 0;
    return { finishReason: r.finishReason, inputTokens: r.inputTokens, outputTokens: r.outputTokens, cost };
  }

  /**
   * A response: from the cache (`cached`), or just received (then also put in the cache). A reply the token limit
   * ended is an error row (`truncated`), not an answer: without text it is an empty reply, with text a cut answer
   * whose text the row keeps. Impossible token counts are dropped.
   */
  output(item: PlanItem, hash: string, received: CachedResponse, cached: boolean): void {
    const otherModel = replyModelWarning(item.candidate.model, received.replyModel);
    if (otherModel) this.issue('unknown', 'warning', 'noted', item.candidate.endpoint, item.candidate.id, otherModel, 'reply-model');
    if (stoppedByTokenLimit(received.finishReason)) return this.cutReply(item, hash, received, cached);
    const r = this.checkedUsage(item, received);
    const c = costOf(item.candidate, r.inputTokens, r.outputTokens, r.batch === true);
    this.inputTokens += r.inputTokens ?? 0;
    this.outputTokens += r.outputTokens ?? 0;
    this.cost += c ?? 0;
    if (c === undefined) this.costUnknown++;
    if (cached) this.counts.cached++;
    else { this.counts.requested++; this.settledInSession++; this.cache?.put(hash, r); }
    const rec: ResponseRecord = {
      exampleId: item.exampleId, candidateId: item.candidate.id, model: item.candidate.model, requestHash: hash, ...sentParams(item),
      output: r.output, outputHash: outputHash(r.output), finishReason: r.finishReason, inputTokens: r.inputTokens,
      outputTokens: r.outputTokens, latencyMs: r.latencyMs, requestId: r.requestId, cost: c, at: cached ? new Date().toISOString() : r.at,
      ...(r.replyModel !== undefined ? { replyModel: r.replyModel } : {}),
    };
    if (cached) rec.cached = true;
    if (r.batch) rec.batch = true;
    this.write(rec);
  }

  /**
   * A reply the token limit ended: an error row of kind `truncated` that keeps its tokens and cost, and its text when
   * it has some (to read, not to judge). Not put in the cache, like every error.
   */
  private cutReply(item: PlanItem, hash: string, r: CachedResponse, cached: boolean): void {
    const withText = r.output !== '';
    const e = withText ? { kind: 'truncated' as const, message: cutAnswerMessage(r.finishReason, r.outputTokens) } : emptyReplyError(r.finishReason, 'empty text');
    this.issue(e.kind, 'error', 'recorded', item.candidate.endpoint, item.candidate.id, e.message, withText ? 'cut-answer' : '');
    this.counts.errors++;
    if (!cached) this.settledInSession++;
    const rec: ResponseRecord = { exampleId: item.exampleId, candidateId: item.candidate.id, model: item.candidate.model, requestHash: hash, ...sentParams(item),
      ...(withText ? { output: r.output, outputHash: outputHash(r.output) } : {}), error: { kind: e.kind, message: e.message }, ...this.spent(item, r),
      ...(withText ? { latencyMs: r.latencyMs, requestId: r.requestId } : {}), at: new Date().toISOString() };
    if (cached) rec.cached = true;
    if (r.batch) rec.batch = true;
    this.write(rec);
  }

  /** The response with impossible token counts dropped (and a warning, counted per candidate). */
  private checkedUsage<T extends UnansweredReply>(item: PlanItem, r: T): T {
    const u = checkUsage(r.inputTokens, r.outputTokens);
    if (!u.problem) return r;
    this.issue('unknown', 'warning', 'dropped-usage', item.candidate.endpoint, item.candidate.id, u.problem);
    return { ...r, inputTokens: u.inputTokens, outputTokens: u.outputTokens };
  }

  private write(r: ResponseRecord): void {
    this.rows.append(JSON.stringify(r));
    this.opts.onResponse?.(r);
  }

  progress(inFlight: number): RunProgress {
    const { counts, opts: { plan } } = this;
    const done = counts.requested + counts.cached + counts.resumed + counts.errors + counts.skipped;
    const elapsedMs = this.now() - this.started;
    const rate = this.settledInSession / elapsedMs;
    const etaMs = plan.total !== undefined && rate > 0 && this.settledInSession >= 5 ? Math.max(0, plan.total - done) / rate : undefined;
    return { runId: this.opts.runId, done, requestsDone: this.settledInSession, total: plan.total, counts: { ...counts }, inFlight, inputTokens: this.inputTokens, outputTokens: this.outputTokens, cost: this.cost, elapsedMs, etaMs };
  }

  /**
   * Fsyncs rows and cache and updates the manifest. Periodic checkpoints never block the event loop (fsyncs and
   * the manifest write run on the thread pool), so responses keep being handled on a slow disk; the final one
   * is synchronous.
   */
  checkpoint(final = false): void {
    this.rows.checkpoint(); this.cache?.checkpoint();
    Object.assign(this.manifest, { updatedAt: new Date().toISOString(), inputTokens: this.inputTokens, outputTokens: this.outputTokens, cost: this.cost,
      ...(this.costUnknown ? { costUnknown: this.costUnknown } : {}) });
    if (final) { this.opts.store.writeManifest(this.manifest); return; }
    this.manifestWrite ??= this.opts.store.writeManifestAsync(this.manifest)
      .catch((err: unknown) => this.opts.log?.warn(`cannot update the manifest: ${toMessage(err)}`))
      .finally(() => { this.manifestWrite = undefined; });
  }

  /** Writes the rows and cache entries recorded so far now, not on the next turn (before a batch job is marked collected). */
  flushRecorded(): void { this.rows.flush(); this.cache?.flush(); }

  /** Waits for a periodic manifest write in progress. */
  async settle(): Promise<void> { await this.manifestWrite; }

  /**
   * The run's final status and the pairs without a response; writes the final manifest. Complete = every pair has
   * an output: a run with failures (final errors included) is incomplete or failed, never complete.
   */
  finish(cancelled: boolean): { status: RunStatus; missing: number; elapsedMs: number } {
    const { counts, opts: { plan } } = this;
    const withOutput = counts.requested + counts.cached + counts.resumed;
    const missing = plan.total !== undefined ? Math.max(0, plan.total - withOutput) : counts.errors + counts.skipped;
    this.manifest.status = finalStatus({ cancelled, total: plan.total, withOutput, errors: counts.errors, skipped: counts.skipped });
    this.checkpoint(true);
    return { status: this.manifest.status, missing, elapsedMs: this.now() - this.started };
  }

  /** Closes the rows file and the cache (after `finish`). */
  close(): void {
    this.rows.close();
    this.cache?.close();
  }
}

/** The generation parameters of a request as the record keeps them (the providers send exactly these). */
function sentParams(item: PlanItem): { params?: Readonly<Record<string, unknown>> } {
  return item.params && Object.keys(item.params).length ? { params: item.params } : {};
}
