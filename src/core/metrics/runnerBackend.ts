// The production JudgeBackend: judge calls are a plan for the runner, so they get its per-endpoint
// scheduling, retries, rate limits, cancellation, the shared response cache and resume. Each batch is a
// run of its own under the judged run's directory (`runs/<runId>/judges/<batch>/`), which keeps judge
// responses out of the run list and lets a killed `judge` resume without paying twice.
import type { Logger } from '../ports';
import type { EndpointsConfig } from '../providers/endpoints';
import type { ModelProvider } from '../providers/provider';
import type { ResponseRecord } from '../store/records';
import { requestHash } from '../runner/hash';
import { type PlanCandidate, type PlanItem, planKey } from '../runner/plan';
import { type RunProgress, runPlan } from '../runner/runner';
import type { BatchRunOptions } from '../runner/batchPhase';
import type { Store } from '../store/store';
import { type JudgeBackend, type JudgeReply, type JudgeRequest, judgeName } from './judge';

/** Options of the runner-backed judge backend. */
export interface RunnerJudgeBackendOptions {
  store: Store;
  /** The run being judged. */
  runId: string;
  endpoints: EndpointsConfig;
  getProvider(endpointId: string): Promise<ModelProvider>;
  /** Overrides every endpoint's concurrency. */
  concurrency?: number;
  cache?: boolean;
  log?: Logger;
  /** Provider batch services for judges in batch or auto mode. */
  batch?: BatchRunOptions;
  onProgress?(batch: string, p: RunProgress): void;
  /** Where a batch's responses are kept (default: the judged run's `judges/<batch>`); the adaptation's rewriter calls go elsewhere. */
  batchRunId?(batch: string): string;
}

/** A JudgeBackend that sends judge calls through `runPlan`. */
export function runnerJudgeBackend(opts: RunnerJudgeBackendOptions): JudgeBackend {
  return {
    async complete(requests: readonly JudgeRequest[], onReply: (r: JudgeReply) => void, signal?: AbortSignal, batch = 'judge'): Promise<void> {
      if (requests.length === 0) return;
      const candidates = new Map<string, PlanCandidate>();
      for (const r of requests) {
        const id = judgeName(r.judge);
        if (!candidates.has(id)) candidates.set(id, { id, endpoint: r.judge.endpoint, model: r.judge.model, ...(r.judge.mode ? { mode: r.judge.mode } : {}) });
      }
      const items: PlanItem[] = requests.map((r) => ({ exampleId: r.key, candidate: candidates.get(judgeName(r.judge))!, messages: r.messages, params: r.params }));
      const runId = opts.batchRunId?.(batch) ?? opts.store.judgeRunId(opts.runId, batch);
      const pending = new Map(requests.map((r) => [r.key, r]));
      const deliver = (r: ResponseRecord): void => {
        if (!pending.has(r.exampleId)) return;
        pending.delete(r.exampleId);
        onReply(r.error || r.output === undefined ? { key: r.exampleId, error: r.error?.message ?? 'no output' }
          : { key: r.exampleId, text: r.output, ...(r.cost !== undefined ? { cost: r.cost } : {}) });
      };
      await runPlan({ planKey: planKey(['judge', opts.runId, batch]), candidates: [...candidates.values()], items, total: items.length }, {
        store: opts.store, runId, endpoints: opts.endpoints, getProvider: opts.getProvider, concurrency: opts.concurrency,
        cache: opts.cache, signal, log: opts.log, batch: opts.batch, onResponse: deliver, onProgress: (p) => opts.onProgress?.(batch, p),
      });
      if (pending.size === 0) return;
      // Replies stored by an earlier session are not reported again by the runner: read them back, but
      // only for an unchanged request.
      const kindOf = (endpoint: string): string => opts.endpoints[endpoint]?.kind ?? 'unknown';   // as the runner hashes it
      const stored = new Map<string, ResponseRecord>();
      for (const r of await opts.store.readResponses(runId)) {
        const req = pending.get(r.exampleId);
        if (req && r.requestHash === requestHash(kindOf(req.judge.endpoint), req.judge.model, req.messages, req.params)) {
          if (!r.error || !stored.get(r.exampleId) || stored.get(r.exampleId)!.error) stored.set(r.exampleId, r);
        }
      }
      for (const r of stored.values()) deliver(r);
      // What is still pending was never settled (cancelled or its endpoint stopped): no reply, so no verdict
      // is written and a later `judge` picks it up.
    },
  };
}
