// One interface for every metric: lexical scores and LLM judges alike.
import type { ParsedOutput } from '../output/types';

/** What a metric looks at for one (example, candidate) output. */
export interface MetricInput {
  exampleId: string;
  candidateId: string;
  question?: string;
  context?: string;
  /** Ground-truth answers or statements (several allowed); empty when the test set has none. */
  groundTruths: string[];
  /** The parsed output (answer text, IDK flag, schema validity). */
  parsed: ParsedOutput;
  outputHash?: string;
}

/** A metric's verdict on one output. */
export interface MetricResult {
  /** 1 correct, 0 incorrect, null no verdict (then `reason` says why). IDK answers get 0 with reason `idk`. */
  verdict: 0 | 1 | null;
  reason?: string;
  score?: number;
  reasoning?: string;
  judgeModel?: string;
  cost?: number;
}

/** Verdict given to IDK answers by every correctness metric (they are also counted apart as IDK). */
export const IDK_RESULT: MetricResult = { verdict: 0, reason: 'idk' };

/** The short-circuits shared by all metrics: IDK is 0, no answer at all is 0. */
export function precheck(input: MetricInput): MetricResult | undefined {
  if (input.parsed.idk) return IDK_RESULT;
  if (input.parsed.answer.trim() === '') return { verdict: 0, reason: input.parsed.schemaValid ? 'empty answer' : `no answer (${input.parsed.reason ?? 'schema failure'})` };
  return undefined;
}
