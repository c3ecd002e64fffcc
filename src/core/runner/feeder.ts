// Feeding a plan to the dispatcher: each item is resumed (its row is already in the run), recorded as a
// render error, skipped (stopped endpoint or candidate), served from the cache, or queued for its endpoint.
// Items are pulled only while the queues are short, so a 100k-example set never sits in memory.
import type { ResponseRecord } from '../store/records';
import type { BatchPhase } from './batchPhase';
import type { Dispatcher, Endpoint } from './dispatcher';
import { requestHash } from './hash';
import type { PlanItem, RunPlan } from './plan';
import { finalErrorKinds, type RunRecorder } from './recorder';

/** What a run's file already settles: per pair, the request hash of its response, or `E` + hash of a final error. */
export class ResumeIndex {
  private readonly settled = new Map<string, string>();

  /** Reads one stored row (in file order: the last row of a pair wins). */
  add(r: ResponseRecord): void {
    const key = `${r.exampleId}\0${r.candidateId}`;
    if (!r.error) this.settled.set(key, r.requestHash);
    else if (finalErrorKinds.has(r.error.kind)) this.settled.set(key, `E${r.requestHash}`);
    else this.settled.delete(key);
  }

  /** Whether the pair's unchanged request already has a response, a final error, or neither. */
  lookup(item: PlanItem, hash: string): 'response' | 'final-error' | undefined {
    const prior = this.settled.get(`${item.exampleId}\0${item.candidate.id}`);
    if (prior === hash) return 'response';
    if (prior === `E${hash}`) return 'final-error';
    return undefined;
  }
}

/** Output tokens assumed for a request that sets no `maxTokens` (the TPM bucket's estimate). */
const defaultMaxTokens = 512;

/** A request's token estimate for the TPM bucket: ~4 characters per input token plus its output budget. */
export function estimateTokens(item: PlanItem): number {
  let chars = 0;
  for (const m of item.messages) chars += m.content.length;
  const maxTokens = typeof item.params?.maxTokens === 'number' ? item.params.maxTokens : defaultMaxTokens;
  return Math.ceil(chars / 4) + maxTokens;
}

export interface FeedOptions {
  resume: ResumeIndex;
  recorder: Pick<RunRecorder, 'issue' | 'error' | 'output' | 'skipped' | 'cached' | 'resumed' | 'resumedFinalError'>;
  dispatcher: Pick<Dispatcher, 'endpointFor' | 'accepts' | 'enqueue'>;
  signal: AbortSignal;
  /** Holds requests of candidates in batch or auto mode until the plan is fed. */
  batch?: Pick<BatchPhase, 'takes' | 'add'>;
}

/** Pulls every item of the plan and settles or queues it; resolves when the plan is exhausted or the run is cancelled. */
export async function feedPlan(plan: RunPlan, opts: FeedOptions): Promise<void> {
  for await (const item of plan.items) {
    if (opts.signal.aborted) break;
    const ep = await opts.dispatcher.endpointFor(item.candidate);
    const space = feedItem(item, ep, opts);
    if (space) await space;
  }
}

/** Settles or queues one item; returns a promise when the feeder should wait for room in the queues. */
function feedItem(item: PlanItem, ep: Endpoint, { resume, recorder, dispatcher, batch }: FeedOptions): Promise<void> | undefined {
  const hash = item.renderError ? '' : requestHash(ep.kind, item.candidate.model, item.messages, item.params);
  const prior = hash ? resume.lookup(item, hash) : undefined;
  if (prior === 'response') { recorder.resumed(); return undefined; }
  if (prior === 'final-error') { recorder.resumedFinalError(); return undefined; }
  if (item.renderError) {
    recorder.issue('bad-request', 'error', 'recorded', ep.id, item.candidate.id, `cannot render the prompt: ${item.renderError}`, 'render');
    recorder.error(item, hash, 'bad-request', item.renderError);
    return undefined;
  }
  if (!dispatcher.accepts(item, ep)) { recorder.skipped(); return undefined; }
  const hit = recorder.cached(hash);
  if (hit) { recorder.output(item, hash, hit, true); return undefined; }
  if (batch?.takes(item, hash)) { batch.add(item, hash, ep); return undefined; }
  return dispatcher.enqueue(ep, { item, hash, attempts: 0, rateLimits: 0, estTokens: estimateTokens(item) });
}
