// The adaptation's estimate before anything is spent (the parent's own run on the target included): calls
// and a USD range. Candidate calls are priced from the parent's rendered prompts and the candidate's earlier
// output lengths (the run estimate's method); the rewriter and judges are priced when a candidate of the
// project uses the same endpoint and model (they have no price of their own), else they are named as unpriced.
import type { Candidate, ProjectFile, TestSetSpec } from '../project/types';
import type { PromptFile } from '../prompt/types';
import { estimatePlan, type Range } from '../runner/estimate';
import { selectMetrics } from '../metrics/judgeStoredRun';
import { estimateAdaptation, type AdaptationEstimate, type PartSizes } from './budget';
import { judgeCallsPerOutput, planFor, uncached, type AdaptServices } from './runParts';
import type { TestSetSplit } from './split';
import { STRATEGIES, type StrategyId } from './strategies';

export interface EstimateRequest {
  parent: { prompt: PromptFile; text: string };
  candidateId: string;
  strategies: readonly StrategyId[];
  rounds: number;
  seal: number;
  rewriter?: { endpoint: string; model: string };
  /** The stored split per test set, when there is one; else the sizes a new split will have. */
  splits: readonly TestSetSplit[];
  /** Examples per test set id. */
  exampleCounts: ReadonlyMap<string, number>;
}

/** The price of a model from a candidate that uses the same endpoint and model. */
const priceOf = (project: ProjectFile, m: { endpoint: string; model: string } | undefined): Candidate['price'] =>
  m && project.candidates.find((c) => c.endpoint === m.endpoint && c.model === m.model && c.price)?.price;

const perCall = (price: NonNullable<Candidate['price']>, input: Range, output: Range): Range => ({
  low: (input.low * price.inputPerMTok + output.low * price.outputPerMTok) / 1e6, high: (input.high * price.inputPerMTok + output.high * price.outputPerMTok) / 1e6,
});

/** The optimisation and sealed sizes of a test set: the stored split's, else round(n × seal) sealed (all of a sealed set). */
function partSizes(spec: TestSetSpec, r: EstimateRequest): { optimisation: number; sealed: number } {
  const stored = r.splits.find((s) => s.testSetId === spec.id);
  if (stored) return { optimisation: stored.optimisation.length, sealed: stored.sealed.length };
  const n = r.exampleCounts.get(spec.id) ?? 0;
  const sealed = spec.sealed ? n : Math.round(n * r.seal);
  return { optimisation: n - sealed, sealed };
}

export async function estimateAdaptationCost(s: AdaptServices, r: EstimateRequest): Promise<AdaptationEstimate> {
  const testSets: PartSizes[] = [];
  let inputTokens = 0, outputTokens: Range = { low: 0, high: 0 }, rows = 0;
  for (const spec of s.project.testSets) {
    const run = { prompt: r.parent.prompt, promptText: r.parent.text, spec, candidateId: r.candidateId, part: 'all' };
    const planned = await planFor(s, run);
    const pe = await estimatePlan(planned, r.parent.prompt);
    const perRow = pe.cost && planned.rows ? { low: pe.cost.low / planned.rows, high: pe.cost.high / planned.rows } : undefined;
    testSets.push({ ...partSizes(spec, r), parentCalls: (await uncached(s, run)).calls, ...(perRow ? { candidateUsdPerCall: perRow } : {}) });
    inputTokens += pe.inputTokens;
    outputTokens = { low: outputTokens.low + pe.outputTokens.low, high: outputTokens.high + pe.outputTokens.high };
    rows += planned.rows;
  }
  // A rewriter call sends the prompt plus guidance or failures (~2–8k characters) and returns the prompt again.
  const promptTokens = r.parent.prompt.messages.reduce((n, m) => n + m.content.length, 0) / 4;
  const rewriterPrice = priceOf(s.project, r.rewriter);
  // A judge call sends the question, context and answer (about the candidate's input and output) and returns a short verdict.
  const judges = selectMetrics(s.project, s.endpoints).flatMap((m) => (m.kind === 'judge' ? (Array.isArray(m.judge) ? m.judge : [m.judge]) : []));
  const judgePrices = judges.map((j) => priceOf(s.project, j));
  const perInput = rows ? inputTokens / rows : 0;
  const perOutput = rows ? { low: outputTokens.low / rows, high: outputTokens.high / rows } : { low: 0, high: 0 };
  const judgeUsd = judges.length && judgePrices.every(Boolean)
    ? judgePrices.map((p) => perCall(p!, { low: perInput + perOutput.low, high: perInput + perOutput.high }, { low: 50, high: 300 }))
      .reduce((a, x) => ({ low: a.low + x.low / judges.length, high: a.high + x.high / judges.length }), { low: 0, high: 0 }) : undefined;
  return estimateAdaptation({
    strategies: r.strategies.map((id) => ({ usesRewriter: STRATEGIES[id].usesRewriter, variants: STRATEGIES[id].variants(r.rounds) })),
    testSets, judgeCallsPerOutput: judgeCallsPerOutput(s),
    ...(rewriterPrice ? { rewriterUsdPerCall: perCall(rewriterPrice, { low: promptTokens + 500, high: promptTokens + 2000 }, { low: promptTokens + 100, high: promptTokens + 400 }) } : {}),
    ...(judgeUsd ? { judgeUsdPerCall: judgeUsd } : {}),
  });
}
