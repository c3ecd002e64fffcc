// Running a prompt on the target candidate over one part of a test set (optimisation, sealed, or all of it)
// and judging the outputs, through the same runner, cache and store as `prompt-adapt run` and `judge`: a
// killed adaptation resumes its runs, and a request already answered is never paid for twice. Before a run
// starts, the calls it would really make (the cache answers the rest) are checked against the budget.
import * as path from 'node:path';
import { judgeStoredRun, selectMetrics } from '../metrics/judgeStoredRun';
import type { ProjectFile, TestSetSpec } from '../project/types';
import type { PromptFile } from '../prompt/types';
import type { EndpointsConfig } from '../providers/endpoints';
import type { ModelProvider } from '../providers/provider';
import { requestHash } from '../runner/hash';
import { planKey, type PlanItem } from '../runner/plan';
import { buildProjectPlan, type ProjectPlan } from '../runner/projectPlan';
import { runPlan } from '../runner/runner';
import type { Store } from '../store/store';
import type { Budget } from './budget';

/** What every step of an adaptation needs. */
export interface AdaptServices {
  project: ProjectFile;
  store: Store;
  endpoints: EndpointsConfig;
  getProvider(endpointId: string): Promise<ModelProvider>;
  concurrency?: number;
  signal?: AbortSignal;
  /** One line per step, for the CLI and the editor's output channel. */
  log(line: string): void;
}

export interface PartRun { prompt: PromptFile; promptText: string; spec: TestSetSpec; candidateId: string; ids?: ReadonlySet<string>; part: string }

/** Judge calls per output: one per judge model of every judge metric. */
export function judgeCallsPerOutput(s: Pick<AdaptServices, 'project' | 'endpoints'>): number {
  return selectMetrics(s.project, s.endpoints).reduce((n, m) => n + (m.kind === 'judge' ? (Array.isArray(m.judge) ? m.judge.length : 1) : 0), 0);
}

export async function planFor(s: AdaptServices, r: PartRun): Promise<ProjectPlan> {
  const built = await buildProjectPlan({ project: s.project, prompt: r.prompt, promptText: r.promptText, testSetId: r.spec.id, candidateIds: [r.candidateId], signal: s.signal });
  if (!r.ids) return built;
  const ids = r.ids;
  const all = built.plan.items;
  async function* only(): AsyncGenerator<PlanItem> { for await (const item of all) if (ids.has(item.exampleId)) yield item; }
  const plan = { ...built.plan, planKey: planKey([built.plan.planKey, r.part, [...ids].sort()]), total: ids.size, items: only() };
  return { ...built, plan };
}

/** Requests of the part the cache cannot answer, and their rough cost (undefined without a price). */
export async function uncached(s: AdaptServices, r: PartRun): Promise<{ calls: number; usd?: number }> {
  const { plan, candidates } = await planFor(s, r);
  const c = candidates[0]!;
  const kind = s.endpoints[c.endpoint]?.kind ?? 'unknown';
  const cache = s.store.openCache();
  let calls = 0, chars = 0;
  try {
    for await (const item of plan.items) {
      if (item.renderError || cache.get(requestHash(kind, item.candidate.model, item.messages, item.params))) continue;
      calls++;
      chars += item.messages.reduce((n, m) => n + m.content.length, 0);
    }
  } finally { cache.close(); }
  const maxTokens = typeof r.prompt.modelParameters.maxTokens === 'number' ? r.prompt.modelParameters.maxTokens : 300;
  const usd = c.price ? (chars / 4 * c.price.inputPerMTok + calls * maxTokens * c.price.outputPerMTok) / 1e6 : undefined;
  return { calls, usd };
}

/**
 * Runs and judges one part; returns undefined when done, or why the budget did not allow it. Judge calls
 * count in the budget's calls; their cost is counted only where the judge's replies carry one.
 */
export async function runAndJudgePart(s: AdaptServices, r: PartRun, budget: Budget): Promise<string | undefined> {
  const need = await uncached(s, r);
  const perOutput = judgeCallsPerOutput(s);
  const what = `${r.part} run of ${path.basename(r.prompt.path)} on ${r.candidateId} (${r.spec.id})`;
  const refused = budget.refuse({ calls: need.calls * (1 + perOutput), usd: need.calls === 0 ? 0 : need.usd }, what);
  if (refused) return refused;
  const { plan, store } = await planFor(s, r);
  const resumable = await store.findResumableRun(plan.planKey);
  let usd = 0;
  const result = await runPlan(plan, {
    store, runId: resumable?.runId, endpoints: s.endpoints, getProvider: s.getProvider, concurrency: s.concurrency, signal: s.signal,
    onResponse: (row) => { if (!row.cached && !row.error) usd += row.cost ?? 0; },
  });
  budget.record({ calls: result.counts.requested, usd });
  if (result.status === 'cancelled') return 'cancelled';
  // judgeStoredRun builds the run's summaries for the next comparison when it ends.
  const judged = new Map<string, { calls: number; usd: number }>();
  await judgeStoredRun({ project: s.project, store, runId: result.runId, endpoints: s.endpoints, getProvider: s.getProvider, concurrency: s.concurrency, signal: s.signal,
    onProgress: (batch, p) => judged.set(batch, { calls: p.counts.requested, usd: 0 }) });
  for (const j of judged.values()) budget.record(j);
  s.log(`${what}: ${result.counts.requested} requested, ${result.counts.cached + result.counts.resumed} from cache or resumed${result.missing ? `, ${result.missing} without a response` : ''}`);
  return s.signal?.aborted ? 'cancelled' : undefined;
}
