// One system (a candidate on a prompt) on one test set: a single pass over its chosen outputs gives every
// count the tables need, so the estimators afterwards work from counts only.
import { parseOutput } from '../answer/parse';
import type { Candidate } from '../project/types';
import type { OutputSpec } from '../prompt/types';
import { emptyLabelLayout, unlabelledSide } from '../stats/labelLayout';
import type { OutputState } from '../stats/stateTable';
import type { Confusion, ConfusionCell, LabelLayout, LabelSide } from '../stats/types';
import { median, styleStats, type StyleChecker, type StyleStats } from '../style/check';
import { plausibleTokenCount } from '../providers/replies';
import { exampleOfLabelKey, labelKey, type Chosen, type CombinedLabel, type VerdictIndex } from './gather';
import type { OutputFacts } from './runSummary';

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
  /** Label keys this system matched, with the confusion cell each fell in (undefined: unsure). */
  usedLabels: Map<string, keyof Confusion | undefined>;
}

/** Cost of a response: the stored cost, else the candidate's price times its tokens; unknown (never $0) without both counts. */
function costOf(r: Chosen['r'], c: Candidate): number | undefined {
  if (typeof r.cost === 'number' && Number.isFinite(r.cost) && r.cost >= 0) return r.cost;
  if (!c.price || !plausibleTokens(r.inputTokens) || !plausibleTokens(r.outputTokens)) return undefined;
  return (r.inputTokens * c.price.inputPerMTok + r.outputTokens * c.price.outputPerMTok) / 1e6;
}

/** (No object per call: a comparison asks 4 times per output.) */
const plausibleTokens = (n: number | undefined): n is number => plausibleTokenCount(n);

/** The error kinds of replies that came but hold no whole answer: the model failed, not the request. */
const UNUSABLE_REPLY_KINDS: ReadonlySet<string> = new Set(['truncated', 'truncated-answer', 'empty-output']);

/** How a row without a usable output is counted: its error kind, or `truncated-answer` for a cut reply whose text was kept. */
function errorKindOf(r: Chosen['r']): string {
  if (r.error?.kind === 'truncated' && typeof r.output === 'string') return 'truncated-answer';
  return r.error?.kind ?? 'no output';
}

/** The facts without a reason, one shared (read-only) object each: 100k examples need no 100k objects. */
const SHARED_FACTS: readonly ExampleFacts[] = [false, true].flatMap((idk) => [0, 1, null, undefined].map((verdict) => Object.freeze({ idk, verdict } as ExampleFacts)));
const factsOf = (idk: boolean, verdict: ExampleFacts['verdict']): ExampleFacts =>
  SHARED_FACTS[(idk ? 4 : 0) + (verdict === 0 ? 0 : verdict === 1 ? 1 : verdict === null ? 2 : 3)]!;

/** An output's state for the paired state table: IDK, or answered and judged 1/0; undefined when not judged. */
export function stateOf(f: ExampleFacts): OutputState | undefined {
  if (f.idk) return 'i';
  return f.verdict === 1 ? '1' : f.verdict === 0 ? '0' : undefined;
}

/** The examples whose output is among the system's labelled answered ones (`labels`), with the cell each fell in. */
function labelledCells(d: SystemData): Map<string, ConfusionCell> {
  const cells = new Map<string, ConfusionCell>();
  for (const [key, cell] of d.usedLabels) if (cell) cells.set(exampleOfLabelKey(key), cell);
  return cells;
}

/**
 * Which of the paired questions (an example with a state on both systems) are labelled on which system: the label
 * layout ppi++ and human-only need for labels on the same questions, from exactly the labels in each system's
 * `labels`. Undefined when one of them is on a question outside the paired table (the other system has no verdict
 * there, or the labels come from outside the compared examples): the layout cannot place it, and the estimators
 * then use METHOD's formulas as written.
 */
export function pairedLabelLayout(base: SystemData, cand: SystemData): LabelLayout | undefined {
  const onBase = labelledCells(base);
  const onCand = labelledCells(cand);
  const sideOf = (d: SystemData, cells: ReadonlyMap<string, ConfusionCell>, id: string): LabelSide | undefined => {
    const f = d.examples.get(id);
    const state = f && stateOf(f);
    return state && (cells.get(id) ?? unlabelledSide(state));
  };
  const layout = emptyLabelLayout();
  for (const id of new Set([...onBase.keys(), ...onCand.keys()])) {
    const a = sideOf(base, onBase, id);
    const b = sideOf(cand, onCand, id);
    if (!a || !b) return undefined;
    layout[a][b]++;
  }
  return layout;
}

type LabelCounts = Pick<SystemData, 'labels' | 'idkLabels' | 'usedLabels'>;

/** The labels, and the output hashes they are on: most outputs have none, and the hash tells without building a key. */
interface Labels { byKey: ReadonlyMap<string, CombinedLabel>; hashes: ReadonlySet<string> }

function labelsOf(byKey: ReadonlyMap<string, CombinedLabel>): Labels {
  return { byKey, hashes: new Set([...byKey.keys()].map((k) => k.slice(0, k.indexOf('\0')))) };
}

/** Counts the human label of one output, if it has one, into the system's calibration counts. */
function addLabel(d: LabelCounts, r: Chosen['r'], idk: boolean, verdict: ExampleFacts['verdict'], { byKey: labels, hashes }: Labels): void {
  const key = r.outputHash && hashes.has(r.outputHash) ? labelKey(r.outputHash, r.exampleId) : undefined;
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
  const labels = labelsOf(opts.labels);
  for (const c of opts.chosen?.values() ?? []) {
    const { r } = c;
    if (r.error || typeof r.output !== 'string') continue;
    const v = opts.verdicts.verdictFor(c);
    addLabel(d, r, (c.facts ?? parseOutput(r.output, opts.outputSpec)).idk, v ? v.verdict : undefined, labels);
  }
  return d;
}

const NOT_CHECKED: Pick<OutputFacts, 'words' | 'findings'> = { findings: [], words: 0 };

/** Builds a system's counts from its chosen responses. */
export function systemData(opts: {
  candidate: Candidate; promptPath: string; chosen: ReadonlyMap<string, Chosen> | undefined; outputSpec: OutputSpec | undefined;
  checker: StyleChecker; verdicts: VerdictIndex; labels: ReadonlyMap<string, CombinedLabel>;
}): SystemData {
  const { candidate, checker, verdicts } = opts;
  const labels = labelsOf(opts.labels);
  const d: SystemData = {
    candidate, promptPath: opts.promptPath, examples: new Map(), n: 0, errors: 0, errorKinds: {}, unusable: 0, costUnknown: 0, idk: 0, schemaFailures: 0, judged: 0, nJudged: 0, noVerdict: 0,
    inputTokens: 0, outputTokens: 0, style: styleStats([], checker.ruleIds), labels: { tp: 0, fn: 0, fp: 0, tn: 0 }, idkLabels: 0, usedLabels: new Map(),
  };
  const latencies: number[] = [];
  // Style per output in order: from its facts, else checked below from the answer text (`toCheck`, at `checkAt`).
  const styled: Pick<OutputFacts, 'words' | 'findings'>[] = [];
  const toCheck: string[] = [];
  const checkAt: number[] = [];
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
    let parsed: { idk: boolean; schemaValid: boolean };
    if (c.facts) { parsed = c.facts; styled.push(c.facts); }
    else {
      const p = (parsed = parseOutput(r.output, opts.outputSpec));
      checkAt.push(styled.length);
      styled.push(NOT_CHECKED);
      toCheck.push(p.answer);
    }
    if (parsed.idk) d.idk++;
    if (!parsed.schemaValid) d.schemaFailures++;
    const v = verdicts.verdictFor(c);
    const verdict = v ? v.verdict : undefined;
    if (verdict === 0 || verdict === 1) { d.nJudged++; d.judged += verdict; } else d.noVerdict++;
    d.examples.set(r.exampleId, verdict === null && v?.reason ? { idk: parsed.idk, verdict, noVerdictReason: v.reason } : factsOf(parsed.idk, verdict));
    if (typeof r.latencyMs === 'number') latencies.push(r.latencyMs);
    if (plausibleTokens(r.inputTokens)) d.inputTokens += r.inputTokens;
    if (plausibleTokens(r.outputTokens)) d.outputTokens += r.outputTokens;
    const rc = costOf(r, candidate);
    if (rc !== undefined) { cost += rc; priced = true; } else if (candidate.price) d.costUnknown++;
    answered.push(!parsed.idk);
    addLabel(d, r, parsed.idk, verdict, labels);
  }
  if (latencies.length) d.medianLatencyMs = median(latencies);
  if (priced) d.cost = cost;
  // IDK answers are usually empty refusals, so style rates cover answered outputs only (as styleRun does).
  checker.checkMany(toCheck).forEach((res, i) => { styled[checkAt[i]!] = res; });
  d.style = styleStats(styled.filter((_, i) => answered[i]), checker.ruleIds);
  return d;
}
