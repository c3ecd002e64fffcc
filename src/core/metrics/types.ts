// One interface for every metric: lexical scores and LLM judges alike.
import type { ParsedOutput } from '../answer/types';
import type { VerdictRecord } from '../store/records';

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

/** A metric's verdict on one output: the verdict fields of the stored record (records.ts documents them). */
export type MetricResult = Pick<VerdictRecord, 'verdict' | 'reason' | 'score' | 'reasoning' | 'judgeModel' | 'cost'>;

/** Verdict given to IDK answers by every correctness metric (they are also counted apart as IDK). */
export const IDK_RESULT: MetricResult = { verdict: 0, reason: 'idk' };

/** The short-circuits shared by all metrics: IDK is 0, no answer at all is 0. */
export function precheck(input: MetricInput): MetricResult | undefined {
  if (input.parsed.idk) return IDK_RESULT;
  if (input.parsed.answer.trim() === '') return { verdict: 0, reason: input.parsed.schemaValid ? 'empty answer' : `no answer (${input.parsed.reason ?? 'schema failure'})` };
  return undefined;
}
