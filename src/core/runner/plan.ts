// A run plan: prompt (or variant) × candidates × test set, as a stream of already-rendered requests.
// The runner knows nothing about prompt files or test-set formats; callers render and hand items over.
import { createHash } from 'node:crypto';
import type { Candidate, Example } from '../project/types';
import type { RenderedMessage } from '../prompt/types';
import type { RunInputs } from '../store/runs';

/** The candidate fields the runner needs. */
export type PlanCandidate = Pick<Candidate, 'id' | 'endpoint' | 'model' | 'price' | 'batchPrice' | 'mode'>;

/** One request to make: an example rendered for one candidate. */
export interface PlanItem {
  exampleId: string;
  candidate: PlanCandidate;
  messages: readonly RenderedMessage[];
  /** Model parameters (prompt's, overridden by the candidate's), camelCase. */
  params?: Readonly<Record<string, unknown>>;
  /** Set when the request could not be rendered (e.g. a missing variable): recorded as a bad-request row, never sent. */
  renderError?: string;
}

export interface RunPlan {
  /** Identifies the plan for resuming (see `planKey`). */
  planKey: string;
  candidates: PlanCandidate[];
  /** Streamed: the runner pulls items only as fast as it can send them. */
  items: AsyncIterable<PlanItem> | Iterable<PlanItem>;
  /** Number of items, when known (progress and ETA). */
  total?: number;
  prompt?: { path: string; name?: string };
  testSet?: { id: string; path?: string };
  /** Hashes of what the plan was made from, kept in the run manifest (stale results). */
  inputs?: RunInputs;
}

/** Renders one example, or explains why it cannot be rendered. */
export type RenderFn = (example: Example) => { messages: readonly RenderedMessage[] } | { error: string };

/**
 * Items for every example × candidate, example-major so all endpoints are busy from the start. Each example
 * is rendered once and shared by the candidates; `paramsFor` gives each candidate's merged parameters.
 */
export async function* planItems(
  examples: AsyncIterable<Example> | Iterable<Example>,
  candidates: readonly PlanCandidate[],
  render: RenderFn,
  paramsFor: (candidate: PlanCandidate) => Readonly<Record<string, unknown>> | undefined = () => undefined,
): AsyncGenerator<PlanItem> {
  const params = candidates.map(paramsFor);
  for await (const example of examples) {
    const r = render(example);
    for (let i = 0; i < candidates.length; i++) {
      if ('error' in r) yield { exampleId: example.id, candidate: candidates[i]!, messages: [], renderError: r.error };
      else yield { exampleId: example.id, candidate: candidates[i]!, messages: r.messages, params: params[i] };
    }
  }
}

/** A stable key for a plan from whatever identifies it (prompt hash, candidate ids, test set id…). */
export function planKey(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}
