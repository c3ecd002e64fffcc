// Running metrics over a run's responses: parse outputs, skip verdicts already stored (resume), judge the
// rest, append verdicts to `verdicts.jsonl`, and summarise per metric and candidate.
import { parseOutput } from '../answer/parse';
import type { Example, FieldMapping, MetricSpec } from '../project/types';
import type { OutputSpec } from '../prompt/types';
import type { ResponseRecord, VerdictRecord } from '../store/records';
import type { JudgeBackend } from './judge';
import { runMetric } from './kinds';
import type { MetricInput, MetricResult } from './types';
import { verdictKey, verdictStands } from '../store/verdicts';
import type { Store } from '../store/store';

/** The question, context and ground truths of an example, by the test set's field mapping. */
export interface ExampleFields { question?: string; context?: string; groundTruths: string[] }

const asText = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Reads question, context and ground truth(s) (one field or several; array values flattened) from an example. */
export function exampleFields(example: Pick<Example, 'fields'>, mapping: FieldMapping): ExampleFields {
  const gtFields = mapping.groundTruth === undefined ? [] : Array.isArray(mapping.groundTruth) ? mapping.groundTruth : [mapping.groundTruth];
  const groundTruths: string[] = [];
  for (const f of gtFields) {
    const v = example.fields[f];
    for (const x of Array.isArray(v) ? v : [v]) { const t = asText(x)?.trim(); if (t) groundTruths.push(t); }
  }
  return {
    question: mapping.question ? asText(example.fields[mapping.question]) : undefined,
    context: mapping.context ? asText(example.fields[mapping.context]) : undefined,
    groundTruths,
  };
}

/** Counts of one metric for one candidate. */
export interface VerdictCounts { n: number; correct: number; incorrect: number; noVerdict: number; idk: number }

/** Options of `judgeRun`. */
export interface JudgeRunOptions {
  /** Verdicts are appended to this run's verdicts in the store. */
  store: Store;
  runId: string;
  responses: Iterable<ResponseRecord>;
  /** Question/context/ground truths by example id. */
  examples: ReadonlyMap<string, ExampleFields>;
  outputSpec?: OutputSpec;
  metrics: readonly MetricSpec[];
  /** Needed when a judge metric is among `metrics`. */
  backend?: JudgeBackend;
  /** Judge again even where a verdict is stored. */
  rejudge?: boolean;
  signal?: AbortSignal;
  /** Called after each verdict is written. */
  onVerdict?(v: VerdictRecord): void;
}

/** What `judgeRun` did. */
export interface JudgeRunSummary {
  /** metric id → candidate id → counts (stored verdicts included). */
  counts: Record<string, Record<string, VerdictCounts>>;
  written: number;
  skipped: number;
  /** Responses without an output (request errors) or without an example; not judged. */
  unjudgeable: number;
  /** metric id → why outputs got no verdict (`no verdict: unparseable judge reply`, `no verdict: judge error: …`) → count; only when some did. */
  noVerdictReasons?: Record<string, Record<string, number>>;
}

/** A metric that judged outputs but gave not one verdict: what happened, in words a user can act on. */
export interface UnusableMetric { metricId: string; outputs: number; message: string }

/** What a "no verdict" reason means, said plainly. */
function whyNoVerdicts(reason: string): string {
  if (reason.includes('unparseable judge reply')) return "the judge's replies could not be read (no verdict in the expected format)";
  if (reason.startsWith('no verdict: judge error')) return `every judge request failed (${reason.slice('no verdict: judge error: '.length) || 'no reply'})`;
  return reason;
}

/**
 * Metrics of a judge session that produced nothing usable: outputs were judged and every one got "no verdict"
 * (e.g. "63 outputs, 0 verdicts: the judge's replies could not be read — see …/verdicts.jsonl"). `judge` exits non-zero on them.
 */
export function unusableMetrics(summary: JudgeRunSummary, verdictsFile: string): UnusableMetric[] {
  const out: UnusableMetric[] = [];
  for (const [metricId, byCand] of Object.entries(summary.counts)) {
    const all = Object.values(byCand);
    const outputs = all.reduce((s, c) => s + c.n, 0);
    if (outputs === 0 || all.some((c) => c.correct + c.incorrect > 0)) continue;
    const [top] = Object.entries(summary.noVerdictReasons?.[metricId] ?? {}).sort((a, b) => b[1] - a[1]);
    out.push({ metricId, outputs, message: `${metricId}: ${outputs} output${outputs === 1 ? '' : 's'}, 0 verdicts: ${top ? whyNoVerdicts(top[0]) : 'no verdict'} — see ${verdictsFile} (each record's reason and the judge's reply).` });
  }
  return out;
}

/** Runs `metrics` over a run's responses; resumable (stored verdicts for unchanged outputs are kept). */
export async function judgeRun(opts: JudgeRunOptions): Promise<JudgeRunSummary> {
  const lock = opts.store.lockJudging(opts.runId);
  try { return await judgeLocked(opts); } finally { lock.release(); }
}

/** `judgeRun` once the run's judge lock is held. */
async function judgeLocked(opts: JudgeRunOptions): Promise<JudgeRunSummary> {
  const existing = opts.rejudge ? new Map<string, VerdictRecord>() : opts.store.readVerdicts(opts.runId);
  const inputs: MetricInput[] = [];
  let unjudgeable = 0;
  for (const r of opts.responses) {
    const ex = opts.examples.get(r.exampleId);
    if (r.error || typeof r.output !== 'string' || !ex) { unjudgeable++; continue; }
    inputs.push({ exampleId: r.exampleId, candidateId: r.candidateId, ...ex, parsed: parseOutput(r.output, opts.outputSpec), outputHash: r.outputHash });
  }
  const summary: JudgeRunSummary = { counts: {}, written: 0, skipped: 0, unjudgeable };
  const count = (v: VerdictRecord): void => {
    const byCand = (summary.counts[v.metricId] ??= {});
    const c = (byCand[v.candidateId] ??= { n: 0, correct: 0, incorrect: 0, noVerdict: 0, idk: 0 });
    c.n++;
    if (v.verdict === 1) c.correct++; else if (v.verdict === 0) c.incorrect++;
    else {
      c.noVerdict++;
      const why = v.reason ?? 'no reason given';
      const reasons = ((summary.noVerdictReasons ??= {})[v.metricId] ??= {});
      reasons[why] = (reasons[why] ?? 0) + 1;
    }
    if (v.reason === 'idk') c.idk++;
  };
  const writer = opts.store.openVerdictWriter(opts.runId);
  try {
    for (const spec of opts.metrics) {
      const todo: MetricInput[] = [];
      for (const input of inputs) {
        const old = existing.get(verdictKey({ metricId: spec.id, ...input }));
        if (verdictStands(old, input.outputHash)) { summary.skipped++; count(old!); } else todo.push(input);
      }
      const record = (input: MetricInput, r: MetricResult): void => {
        const v: VerdictRecord = {
          exampleId: input.exampleId, candidateId: input.candidateId, metricId: spec.id, verdict: r.verdict,
          ...(r.reason !== undefined ? { reason: r.reason } : {}), ...(r.score !== undefined ? { score: r.score } : {}),
          ...(r.reasoning ? { reasoning: r.reasoning } : {}), ...(r.judgeModel ? { judgeModel: r.judgeModel } : {}),
          ...(r.cost !== undefined ? { cost: r.cost } : {}), ...(input.outputHash ? { outputHash: input.outputHash } : {}),
          at: new Date().toISOString(),
        };
        writer.append(v);
        summary.written++;
        count(v);
        opts.onVerdict?.(v);
      };
      await runMetric(spec, todo, { backend: opts.backend, signal: opts.signal }, (i, r) => record(todo[i]!, r));
      if (opts.signal?.aborted) break;
    }
  } finally {
    writer.close();
  }
  return summary;
}
