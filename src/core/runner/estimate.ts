// What a run will cost, before it runs, as a range. Input tokens: ~4 characters per token of the first examples'
// rendered prompts, scaled to the test set. Output tokens: from the lengths of the candidate's earlier outputs in
// the store when there are enough, else a stated assumption (30–300 tokens per reply). Assuming every reply uses
// `maxTokens` overstated costs about fourfold; the cap still bounds both ends.
import { readExamples } from '../project/testSet';
import type { Candidate } from '../project/types';
import { exampleValues } from '../prompt/render';
import type { PromptFile } from '../prompt/types';
import type { Store } from '../store/store';
import { exampleRenderer, type ProjectPlan } from './projectPlan';

export interface Range { low: number; high: number }

export interface CandidateEstimate {
  candidateId: string;
  /** Output tokens per reply. */
  outputPerReply: Range;
  /** Earlier outputs the range comes from (0: the assumption was used). */
  seen: number;
  /** USD for this candidate's requests, when it has a price. */
  cost?: Range;
}

export interface PlanEstimate {
  requests: number;
  inputTokens: number;
  outputTokens: Range;
  /** USD; undefined when some candidate has no price. */
  cost?: Range;
  candidates: CandidateEstimate[];
  /** How the output lengths were estimated, in words (for the confirmation). */
  basis: string;
}

/** Fewer earlier outputs than this, and the assumption is used instead. */
const MIN_SEEN = 10;
const ASSUMED: Range = { low: 30, high: 300 };

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;

/** Output-token counts of a candidate's earlier outputs (same candidate id and model), newest runs first, at most `limit`. */
export async function outputTokensSeen(store: Store, candidate: Pick<Candidate, 'id' | 'model'>, limit = 2000): Promise<number[]> {
  const out: number[] = [];
  for (const m of await store.listRuns()) {
    if (out.length >= limit) break;
    if (!m.candidates.some((c) => c.id === candidate.id && c.model === candidate.model)) continue;
    await store.forEachResponse(m.runId, (r) => {
      if (out.length < limit && r.candidateId === candidate.id && !r.error && typeof r.outputTokens === 'number') out.push(r.outputTokens);
    });
  }
  return out;
}

/** Per-reply output tokens: median…upper quartile of what was seen (the mean inside it), capped by maxTokens. */
export function outputRange(seen: readonly number[], maxTokens: number | undefined): Range {
  const cap = maxTokens ?? Infinity;
  if (seen.length < MIN_SEEN) return { low: Math.min(ASSUMED.low, cap), high: Math.min(ASSUMED.high, cap) };
  const sorted = [...seen].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return { low: Math.min(quantile(sorted, 0.5), mean, cap), high: Math.min(Math.max(quantile(sorted, 0.75), mean), cap) };
}

/** The token and cost range of a plan. */
export async function estimatePlan(p: ProjectPlan, prompt: PromptFile, sample = 20): Promise<PlanEstimate> {
  const render = exampleRenderer(prompt, undefined);
  let chars = 0, n = 0;
  for await (const e of readExamples(p.source, { limit: sample })) {
    const r = render({ ...e, fields: exampleValues(e.fields, p.source.fields) });
    if ('messages' in r) { chars += r.messages.reduce((s, m) => s + m.content.length, 0); n++; }
  }
  const perInput = n ? chars / n / 4 : 0;
  const maxTokens = typeof prompt.modelParameters.maxTokens === 'number' ? prompt.modelParameters.maxTokens : undefined;
  const candidates: CandidateEstimate[] = [];
  for (const c of p.candidates) {
    const seen = await outputTokensSeen(p.store, c);
    const outputPerReply = outputRange(seen, typeof c.params?.maxTokens === 'number' ? c.params.maxTokens : maxTokens);
    const price = c.price;
    const cost = price && { low: p.rows * (perInput * price.inputPerMTok + outputPerReply.low * price.outputPerMTok) / 1e6,
      high: p.rows * (perInput * price.inputPerMTok + outputPerReply.high * price.outputPerMTok) / 1e6 };
    candidates.push({ candidateId: c.id, outputPerReply, seen: seen.length >= MIN_SEEN ? seen.length : 0, cost });
  }
  const sum = (f: (c: CandidateEstimate) => Range): Range => candidates.reduce((a, c) => ({ low: a.low + f(c).low, high: a.high + f(c).high }), { low: 0, high: 0 });
  const requests = p.rows * p.candidates.length;
  return {
    requests, inputTokens: Math.round(perInput * requests), candidates,
    outputTokens: sum((c) => ({ low: Math.round(c.outputPerReply.low * p.rows), high: Math.round(c.outputPerReply.high * p.rows) })),
    cost: candidates.every((c) => c.cost) ? sum((c) => c.cost!) : undefined,
    basis: basisText(candidates),
  };
}

function basisText(cs: readonly CandidateEstimate[]): string {
  const fromHistory = cs.filter((c) => c.seen > 0).map((c) => `${c.candidateId} from ${c.seen} earlier outputs`);
  const assumed = cs.filter((c) => c.seen === 0).map((c) => c.candidateId);
  const parts = [...fromHistory];
  if (assumed.length) parts.push(`${assumed.join(', ')}: assumed ${ASSUMED.low}–${ASSUMED.high} tokens per reply (no earlier outputs)`);
  return `output lengths: ${parts.join('; ')}`;
}
