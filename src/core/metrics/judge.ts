// LLM judges: build the requests, send them through a JudgeBackend (the runner in production), read the
// replies, retry an unreadable reply once, and combine several judge models by majority.
import type { JudgeModel, MetricSpec } from '../project/types';
import type { ModelParameters, RenderedMessage } from '../prompt/types';
import { contextJudgeMessages, contradictionJudgeMessages, retryRequest } from './judgePrompts';
import { type JudgeReading, parseContradictionReply, parseVerdictReply } from './judgeReply';
import { type MetricInput, type MetricResult, precheck } from './types';

/** One judge call. `key` is stable across sessions (resume) and unique within a batch; `params` are sent as they are. */
export interface JudgeRequest { key: string; judge: JudgeModel; messages: readonly RenderedMessage[]; params: Readonly<ModelParameters> }

/**
 * Judges answer at temperature 0 (repeated runs and the cache agree) and within a bounded reply, so a rambling
 * judge cannot overflow a small context; a judge's own `params` in the project file override these.
 */
export const DEFAULT_JUDGE_PARAMS: Readonly<ModelParameters> = { temperature: 0, maxTokens: 1024 };

/** The parameters sent to one judge model. */
export function judgeParams(judge: JudgeModel): Readonly<ModelParameters> {
  // A judge that sets the reasoning models' budget (maxCompletionTokens) is not also sent the default maxTokens.
  const { maxTokens, ...rest } = DEFAULT_JUDGE_PARAMS;
  return judge.params?.maxCompletionTokens !== undefined ? { ...rest, ...judge.params } : { ...rest, maxTokens, ...judge.params };
}

/** The outcome of one judge call: the reply text, or an error after the backend's own retries. */
export interface JudgeReply { key: string; text?: string; error?: string; cost?: number }

/**
 * Sends judge calls. The production backend goes through the runner (cache, resume, rate limits, retries,
 * cost); tests may call a provider directly. `onReply` is called once per request, in any order.
 */
export interface JudgeBackend {
  /** `batch` names the call (`<metricId>` or `<metricId>-retry`), stable across sessions, for stores that resume. */
  complete(requests: readonly JudgeRequest[], onReply: (reply: JudgeReply) => void, signal?: AbortSignal, batch?: string): Promise<void>;
}

/** A judge metric spec. */
export type JudgeMetricSpec = Extract<MetricSpec, { kind: 'judge' }>;

/** `endpoint:model`, how a judge model is named in verdict records. */
export const judgeName = (j: JudgeModel): string => `${j.endpoint}:${j.model}`;

const NO_VERDICT = 'no verdict: unparseable judge reply';

/** What the judge needs besides the rubric: ground truths for `contradiction`, something to judge against for `context`. */
function missingInput(spec: JudgeMetricSpec, input: MetricInput): MetricResult | undefined {
  if (spec.rubric === 'contradiction' && input.groundTruths.length === 0) return { verdict: null, reason: 'no ground truth' };
  if (spec.rubric === 'context' && !input.context?.trim() && input.groundTruths.length === 0) return { verdict: null, reason: 'no context or reference answer' };
  return undefined;
}

function messagesFor(spec: JudgeMetricSpec, input: MetricInput): RenderedMessage[] {
  const p = { question: input.question, context: input.context, answer: input.parsed.answer, groundTruths: input.groundTruths };
  return spec.rubric === 'context' ? contextJudgeMessages(p) : contradictionJudgeMessages(p);
}

function read(spec: JudgeMetricSpec, input: MetricInput, text: string): JudgeReading | undefined {
  return spec.rubric === 'context' ? parseVerdictReply(text) : parseContradictionReply(text, input.groundTruths.length);
}

/** Majority over judge models; a tie or no readable reply gives null. */
export function combine(results: readonly { judge: string; result: MetricResult }[]): MetricResult {
  if (results.length === 1) return results[0]!.result;
  const cost = results.reduce<number | undefined>((a, r) => (r.result.cost === undefined ? a : (a ?? 0) + r.result.cost), undefined);
  const judgeModel = results.map((r) => r.judge).join(',');
  const reasoning = results.map((r) => `[${r.judge}] ${r.result.verdict ?? 'no verdict'}: ${r.result.reasoning ?? r.result.reason ?? ''}`).join('\n\n');
  const ones = results.filter((r) => r.result.verdict === 1).length;
  const zeros = results.filter((r) => r.result.verdict === 0).length;
  const scores = results.map((r) => r.result.score).filter((s): s is number => s !== undefined);
  const score = scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : undefined;
  const base = { judgeModel, reasoning, ...(cost !== undefined ? { cost } : {}), ...(score !== undefined ? { score } : {}) };
  if (ones + zeros === 0) return { verdict: null, reason: 'no verdict from any judge', ...base };
  if (ones === zeros) return { verdict: null, reason: `judges split ${ones}:${zeros}`, ...base };
  return { verdict: ones > zeros ? 1 : 0, reason: `majority ${Math.max(ones, zeros)}/${results.length}`, ...base };
}

/**
 * Judges many outputs with one judge metric. `onResult` gets each output's result (same index as
 * `inputs`) as soon as it is final. An unreadable reply is retried once with a format reminder; if the
 * retry is unreadable too, the result is null "no verdict" — never 0.
 */
export async function runJudge(spec: JudgeMetricSpec, inputs: readonly MetricInput[], backend: JudgeBackend,
  onResult: (index: number, result: MetricResult) => void, signal?: AbortSignal): Promise<void> {
  const judges = Array.isArray(spec.judge) ? spec.judge : [spec.judge];
  const per: ({ judge: string; result: MetricResult } | undefined)[][] = inputs.map(() => judges.map(() => undefined));
  const first: JudgeRequest[] = [];
  const sent = new Map<string, JudgeRequest>();
  const where = new Map<string, [number, number]>();
  inputs.forEach((input, i) => {
    const early = precheck(input) ?? missingInput(spec, input);
    if (early) { onResult(i, early); return; }
    const m = messagesFor(spec, input);
    judges.forEach((judge, j) => {
      const key = `${spec.id}\u0000${input.candidateId}\u0000${input.exampleId}\u0000${judgeName(judge)}`;
      where.set(key, [i, j]);
      const request = { key, judge, messages: m, params: judgeParams(judge) };
      sent.set(key, request);
      first.push(request);
    });
  });

  const settle = (key: string, result: MetricResult): void => {
    const [i, j] = where.get(key)!;
    per[i]![j] = { judge: judgeName(judges[j]!), result };
    if (per[i]!.every((r) => r !== undefined)) onResult(i, combine(per[i] as { judge: string; result: MetricResult }[]));
  };
  const retries: JudgeRequest[] = [];
  const retryKey = (key: string): string => `${key}\u0000retry`;
  const firstCost = new Map<string, number | undefined>();

  await backend.complete(first, (reply) => {
    const [i, j] = where.get(reply.key)!;
    const judge = judges[j]!;
    if (reply.text === undefined) { settle(reply.key, { verdict: null, reason: `no verdict: judge error: ${reply.error ?? 'no reply'}`, judgeModel: judgeName(judge) }); return; }
    const reading = read(spec, inputs[i]!, reply.text);
    if (reading) { settle(reply.key, { ...reading, judgeModel: judgeName(judge), ...(reply.cost !== undefined ? { cost: reply.cost } : {}) }); return; }
    const retry = retryRequest(spec.rubric, sent.get(reply.key)!, reply.text);
    if (!retry) { settle(reply.key, { verdict: null, reason: NO_VERDICT, judgeModel: judgeName(judge), reasoning: reply.text.slice(0, 2000), ...(reply.cost !== undefined ? { cost: reply.cost } : {}) }); return; }
    firstCost.set(reply.key, reply.cost);
    const rk = retryKey(reply.key);
    where.set(rk, [i, j]);
    retries.push({ key: rk, judge, ...retry });
  }, signal, spec.id);
  if (retries.length === 0 || signal?.aborted) return;
  // Requests that got no reply at all (cancelled) stay without a verdict and are judged on resume.

  await backend.complete(retries, (reply) => {
    const original = reply.key.slice(0, -'\u0000retry'.length);
    const [i, j] = where.get(reply.key)!;
    const judge = judges[j]!;
    const c0 = firstCost.get(original);
    const cost = c0 === undefined && reply.cost === undefined ? undefined : (c0 ?? 0) + (reply.cost ?? 0);
    const extra = { judgeModel: judgeName(judge), ...(cost !== undefined ? { cost } : {}) };
    const reading = reply.text === undefined ? undefined : read(spec, inputs[i]!, reply.text);
    settle(original, reading ? { ...reading, ...extra }
      : { verdict: null, reason: reply.text === undefined ? `no verdict: judge error: ${reply.error ?? 'no reply'}` : NO_VERDICT, ...extra,
        ...(reply.text ? { reasoning: reply.text.slice(0, 2000) } : {}) });
  }, signal, `${spec.id}-retry`);
}
