// The metric-kind table: one row per `kind` a project's metric can have. The project schema's enum is generated
// from it (`npm run sync:enums`; a unit test fails while they disagree) and `judgeRun` dispatches through it.
// Adding a kind: its spec in project/types.ts (MetricSpec), its fields in the schema, a row here.
import type { MetricSpec } from '../project/types';
import { type JudgeBackend, runJudge } from './judge';
import { exactMatchMetric, tokenF1Metric } from './lexical';
import type { MetricInput, MetricResult } from './types';

export type MetricKind = MetricSpec['kind'];

/** What a metric run gets besides its inputs. */
export interface MetricContext {
  /** Needed by kinds that call a judge model. */
  backend?: JudgeBackend;
  signal?: AbortSignal;
}

export interface MetricKindDescriptor<S extends MetricSpec = MetricSpec> {
  kind: S['kind'];
  /** One line for help texts and hovers. */
  explanation: string;
  /** True when the kind calls a model (it needs endpoints, costs money, and is resumable). */
  callsModel: boolean;
  /** Scores `inputs`, calling `record(i, result)` once per input (in any order). */
  run(spec: S, inputs: readonly MetricInput[], ctx: MetricContext, record: (index: number, r: MetricResult) => void): Promise<void>;
}

const table: { readonly [K in MetricKind]: MetricKindDescriptor<Extract<MetricSpec, { kind: K }>> } = {
  'judge': {
    kind: 'judge',
    explanation: 'an LLM judge reads each answer with a rubric (context: supported by the sources; contradiction: contradicts the ground truth)',
    callsModel: true,
    run: async (spec, inputs, ctx, record) => {
      if (!ctx.backend) throw new Error(`metric '${spec.id}' needs a judge backend`);
      await runJudge(spec, inputs, ctx.backend, record, ctx.signal);
    },
  },
  'token-f1': {
    kind: 'token-f1',
    explanation: 'token overlap with the ground truth; passes at or above the threshold',
    callsModel: false,
    run: async (spec, inputs, _ctx, record) => { inputs.forEach((input, i) => record(i, tokenF1Metric(input, spec.threshold))); },
  },
  'exact-match': {
    kind: 'exact-match',
    explanation: 'the normalised answer equals a ground truth',
    callsModel: false,
    run: async (_spec, inputs, _ctx, record) => { inputs.forEach((input, i) => record(i, exactMatchMetric(input))); },
  },
};

export const METRIC_KINDS = Object.keys(table) as MetricKind[];

/** The row of a metric kind; an unknown kind is an error naming the valid ones. */
export function metricKindOf<K extends MetricKind>(kind: K): MetricKindDescriptor<Extract<MetricSpec, { kind: K }>> {
  if (!Object.hasOwn(table, kind)) throw new Error(`unknown metric kind '${String(kind)}'; use one of ${METRIC_KINDS.join(', ')}`);
  return table[kind] as MetricKindDescriptor<Extract<MetricSpec, { kind: K }>>;
}

/** Runs one metric spec through its kind's row. */
export function runMetric(spec: MetricSpec, inputs: readonly MetricInput[], ctx: MetricContext, record: (index: number, r: MetricResult) => void): Promise<void> {
  return (metricKindOf(spec.kind) as MetricKindDescriptor).run(spec, inputs, ctx, record);
}
