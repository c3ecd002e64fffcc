// The failure sample `reflect` shows the rewriter: the target candidate's failures on the OPTIMISATION part
// only, with the feedback that explains each (judge reasoning, a reviewer's label, style findings, the
// format error, a refusal where another model found the answer). Deterministic for (seed, round).
import { createHash } from 'node:crypto';
import type { ExampleFields } from '../metrics/evaluate';
import type { Outcome } from './outcomes';
import type { FailureExample } from './rewriterProtocol';

export interface FailureSampleInput {
  /** The current parent's outcomes on the target candidate. */
  outcomes: ReadonlyMap<string, Outcome>;
  /** The optimisation part's example ids: nothing else is ever looked at. */
  optimisationIds: readonly string[];
  examples: ReadonlyMap<string, ExampleFields>;
  /** Examples some model answered correctly (per the judge): a refusal there is a failure. */
  answerable: ReadonlySet<string>;
  /** Human-readable name of a style rule. */
  ruleLabel(ruleId: string): string;
  seed: string;
  round: number;
  max: number;
}

const KINDS: readonly FailureExample['kind'][] = ['schema', 'labelled-incorrect', 'idk-answerable', 'judged-incorrect', 'style'];

/** The kind of failure an outcome is (the first that applies), with its feedback; undefined when it is fine. */
export function failureOf(o: Outcome, answerable: boolean, ruleLabel: (id: string) => string): { kind: FailureExample['kind']; feedback: string } | undefined {
  if (!o.schemaValid) return { kind: 'schema', feedback: `The reply does not follow the required format${o.schemaReason ? `: ${o.schemaReason}` : ''}.` };
  if (o.label === 'incorrect') return { kind: 'labelled-incorrect', feedback: 'A human reviewer marked this answer incorrect.' };
  if (o.idk && answerable) return { kind: 'idk-answerable', feedback: 'The model said it cannot answer, but the sources hold the answer (another model answered it correctly).' };
  if (o.verdict === 0 && !o.idk) return { kind: 'judged-incorrect', feedback: o.reasoning?.trim() || 'The judge found this answer incorrect.' };
  if (o.styleRules.length) return { kind: 'style', feedback: `Style findings: ${o.styleRules.map(ruleLabel).join(', ')}.` };
  return undefined;
}

/** Up to `max` failures, taken in turn from each kind so one kind does not crowd out the others. */
export function sampleFailures(input: FailureSampleInput): FailureExample[] {
  const order = (id: string): string => createHash('sha256').update(`${input.seed}\0${input.round}\0${id}`).digest('hex');
  const byKind = new Map<FailureExample['kind'], FailureExample[]>();
  for (const id of [...input.optimisationIds].sort((a, b) => (order(a) < order(b) ? -1 : 1))) {
    const o = input.outcomes.get(id);
    const f = o && failureOf(o, input.answerable.has(id), input.ruleLabel);
    if (!o || !f) continue;
    const ex = input.examples.get(id);
    const item: FailureExample = { kind: f.kind, question: ex?.question ?? '(no question field)', output: o.output, feedback: f.feedback,
      ...(ex?.context ? { context: ex.context } : {}), ...(ex?.groundTruths.length ? { expected: ex.groundTruths.join(' / ') } : {}) };
    byKind.set(f.kind, [...(byKind.get(f.kind) ?? []), item]);
  }
  const out: FailureExample[] = [];
  for (let i = 0; out.length < input.max; i++) {
    let added = false;
    for (const k of KINDS) {
      const f = byKind.get(k)?.[i];
      if (f && out.length < input.max) { out.push(f); added = true; }
    }
    if (!added) break;
  }
  return out;
}
