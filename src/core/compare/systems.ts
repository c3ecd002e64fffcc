// One system (a candidate on a prompt) on one test set: a single pass over its chosen outputs gives every
// count the tables need, so the estimators afterwards work from counts only.
import { parseOutput } from '../answer/parse';
import type { Candidate } from '../project/types';
import type { OutputSpec } from '../prompt/types';
import type { OutputState } from '../stats/stateTable';
import type { Confusion } from '../stats/types';
import { median, styleStats, type StyleChecker, type StyleStats } from '../style/check';
import type { StyleResult } from '../style/types';
import { checkTokenCount } from '../providers/replies';
import { labelKey, type Chosen, type CombinedLabel, type VerdictIndex } from './gather';

/** What one example contributes to its system. */
export interface ExampleFacts {
  idk: boolean;
  /** 1 / 0 from the primary metric; null when the metric gave no verdict; undefined when never judged. */
  verdict: 0 | 1 | null | undefined;
  /** Why the metric gave no verdict (when `verdict` is null). */
  noVerdictReason?: string;
}

/** Counts and aggregates of one system. */
export interface SystemData {
  candidate: Candidate;
  /** Absolute prompt path. */
  promptPath: string;
  /** Examples with an output, by example id. */
  examples: Map<string, ExampleFacts>;
  n: number;
  errors: number;
  /**
   * Rows without a usable output by error kind (`truncated`, `empty-output`, `transient`…; `truncated-answer`: a
   * reply with text that the token limit cut, kept on the row but not an answer).
   */
  errorKinds: Record<string, number>;
  /** Replies without a whole answer (cut at the token limit, or empty): the model's failures, counted in the schema step. */
  unusable: number;
  /** Outputs whose cost is unknown although the candidate has a price (the server reported no usable token counts). */
  costUnknown: number;
  idk: number;
  schemaFailures: number;
  judged: number;
  /** Outputs with a 0/1 verdict. */
  nJudged: number;
  noVerdict: number;
  medianLatencyMs?: number;
  inputTokens: number;
  outputTokens: number;
  cost?: number;
  style: StyleStats;
  /** This system's labelled answered outputs against the metric (IDK outputs never enter the calibration). */
  labels: Confusion;
  /** Labels stored on this system's IDK outputs: counted and left out (METHOD §1). */
  idkLabels: number;
  /** Label keys matched to an output of this system that has a verdict. */
  /** Label keys this system matched, with the confusion cell each fell in (undefined: unsure). */
  usedLabels: Map<string, keyof Confusion | undefined>;
}

/** Cost of a response: the stored cost, else the candidate's price times its tokens; unknown (never $0) without both counts. */
function costOf(r: Chosen['r'], c: Candidate): number | undefined {
  if (typeof r.cost === 'number' && Number.isFinite(r.cost) && r.cost >= 0) return r.cost;
  if (!c.price || !plausibleTokens(r.inputTokens) || !plausibleTokens(r.outputTokens)) return undefined;
  return (r.inputTokens * c.price.inputPerMTok + r.outputTokens * c.price.outputPerMTok) / 1e6;
}

const plausibleTokens = (n: number | undefined): n is number => checkTokenCount(n).tokens !== undefined;

/** The error kinds of replies that came but hold no whole answer: the model failed, not the request. */
const UNUSABLE_REPLY_KINDS: ReadonlySet<string> = new Set(['truncated', 'truncated-answer', 'empty-output']);

/** How a row without a usable output is counted: its error kind, or `truncated-answer` for a cut reply whose text was kept. */
function errorKindOf(r: Chosen['r']): string {
  if (r.error?.kind === 'truncated' && typeof r.output === 'string') return 'truncated-answer';
  return r.error?.kind ?? 'no output';
}

/** An output's state for the paired state table: IDK, or answered and judged 1/0; undefined when not judged. */
export function stateOf(f: ExampleFacts): OutputState | undefined {
  if (f.idk) return 'i';
  return f.verdict === 1 ? '1' : f.verdict === 0 ? '0' : undefined;
}

type LabelCounts = Pick<SystemData, 'labels' | 'idkLabels' | 'usedLabels'>;

/** Counts the human label of one output, if it has one, into the system's calibration counts. */
function addLabel(d: LabelCounts, r: Chosen['r'], idk: boolean, verdict: ExampleFacts['verdict'], labels: ReadonlyMap<string, CombinedLabel>): void {
  const key = r.outputHash ? labelKey(r.outputHash, r.exampleId) : undefined;
  const label = key ? labels.get(key) : undefined;
  if (!key || !label) return;
  if (idk) {
    // An IDK output is incorrect by definition; its label says nothing about the judge (METHOD §1).
    d.usedLabels.set(key, undefined);
    if (label !== 'unsure') d.idkLabels++;
  } else if (verdict === 0 || verdict === 1) {
    const cell = label === 'correct' ? (verdict === 1 ? 'tp' : 'fn') : label === 'incorrect' ? (verdict === 1 ? 'fp' : 'tn') : undefined;
    d.usedLabels.set(key, cell);
    if (cell) d.labels[cell]++;
  }
}

/**
 * The calibration counts of a system over outputs other than the compared ones: a comparison restricted to some
 * examples (the adaptation's sealed part) still calibrates the judge on every labelled output of the test set.
 */
export function calibrationCounts(opts: { chosen: ReadonlyMap<string, Chosen> | undefined; outputSpec: OutputSpec | undefined;
  verdicts: VerdictIndex; labels: ReadonlyMap<string, CombinedLabel> }): LabelCounts {
  const d: LabelCounts = { labels: { tp: 0, fn: 0, fp: 0, tn: 0 }, idkLabels: 0, usedLabels: new Map() };
  for (const c of opts.chosen?.values() ?? []) {
    const { r } = c;
    if (r.error || typeof r.output !== 'string') continue;
    const v = opts.verdicts.verdictFor(c);
    addLabel(d, r, parseOutput(r.output, opts.outputSpec).idk, v ? v.verdict : undefined, opts.labels);
  }
  return d;
}

/** Builds a system's counts from its chosen responses. */
export function systemData(opts: {
  candidate: Candidate; promptPath: string; chosen: ReadonlyMap<string, Chosen> | undefined; outputSpec: OutputSpec | undefined;
  checker: StyleChecker; verdicts: VerdictIndex; labels: ReadonlyMap<string, CombinedLabel>;
}): SystemData {
  const { candidate, checker, verdicts, labels } = opts;
  const d: SystemData = {
    candidate, promptPath: opts.promptPath, examples: new Map(), n: 0, errors: 0, errorKinds: {}, unusable: 0, costUnknown: 0, idk: 0, schemaFailures: 0, judged: 0, nJudged: 0, noVerdict: 0,
    inputTokens: 0, outputTokens: 0, style: styleStats([], checker.ruleIds), labels: { tp: 0, fn: 0, fp: 0, tn: 0 }, idkLabels: 0, usedLabels: new Map(),
  };
  const latencies: number[] = [];
  const answers: string[] = [];
  const answered: boolean[] = [];
  let cost = 0;
  let priced = false;
  for (const c of opts.chosen?.values() ?? []) {
    const { r } = c;
    if (r.error || typeof r.output !== 'string') {
      d.errors++;
      const kind = errorKindOf(r);
      d.errorKinds[kind] = (d.errorKinds[kind] ?? 0) + 1;
      if (UNUSABLE_REPLY_KINDS.has(kind)) d.unusable++;
      continue;
    }
    d.n++;
    const parsed = parseOutput(r.output, opts.outputSpec);
    if (parsed.idk) d.idk++;
    if (!parsed.schemaValid) d.schemaFailures++;
    const v = verdicts.verdictFor(c);
    const verdict = v ? v.verdict : undefined;
    if (verdict === 0 || verdict === 1) { d.nJudged++; d.judged += verdict; } else d.noVerdict++;
    d.examples.set(r.exampleId, { idk: parsed.idk, verdict, ...(verdict === null && v?.reason ? { noVerdictReason: v.reason } : {}) });
    if (typeof r.latencyMs === 'number') latencies.push(r.latencyMs);
    if (plausibleTokens(r.inputTokens)) d.inputTokens += r.inputTokens;
    if (plausibleTokens(r.outputTokens)) d.outputTokens += r.outputTokens;
    const rc = costOf(r, candidate);
    if (rc !== undefined) { cost += rc; priced = true; } else if (candidate.price) d.costUnknown++;
    answers.push(parsed.answer);
    answered.push(!parsed.idk);
    addLabel(d, r, parsed.idk, verdict, labels);
  }
  if (latencies.length) d.medianLatencyMs = median(latencies);
  if (priced) d.cost = cost;
  // IDK answers are usually empty refusals, so style rates cover answered outputs only (as styleRun does).
  const results: StyleResult[] = checker.checkMany(answers);
  d.style = styleStats(results.filter((_, i) => answered[i]), checker.ruleIds);
  return d;
}
