// Item-level statistics without a store (`prompt-adapt stats compare --batch`): one JSON dataset per line,
// paired state strings and labels in, one JSON result per line out. Each line is independent, so a caller can
// stream any number of them in constant memory.
import { compareSystems } from './estimate';
import { emptyLabelLayout, unlabelledSide } from './labelLayout';
import { statesFromStrings, type OutputState } from './stateTable';
import type { CompareResult, Confusion, ConfusionCell, EstimateOptions, EstimatorChoice, LabelLayout, LabelSide, Verdict } from './types';

/** One input line: `{"id", "baseline": "10i1…", "candidate": "0i11…", "labels": [["baseline", 17, 1], …]}`. */
export interface BatchDataset {
  id: string | number | null;
  baseline: string;
  candidate: string;
  labels: [string, number, number][];
}

/** One output line. */
export interface BatchResult {
  id: string | number | null;
  estimator: string;
  reason: string;
  difference: { point: number; lo: number; hi: number } | null;
  pBetter: number | null;
  verdict: Verdict;
  flags: { code: string; severity: string }[];
}

/** A bad input line, reported in place of its result. */
export interface BatchError {
  id: string | number | null;
  line: number;
  error: string;
}

const SYSTEMS = ['baseline', 'candidate'] as const;

/** Validates a parsed line; throws RangeError naming the field at fault. */
export function parseDataset(value: unknown): BatchDataset {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RangeError('expected a JSON object');
  const o = value as Record<string, unknown>;
  const id = o.id === undefined ? null : o.id;
  if (id !== null && typeof id !== 'string' && typeof id !== 'number') throw new RangeError('"id" must be a string or a number');
  for (const s of SYSTEMS) if (typeof o[s] !== 'string') throw new RangeError(`"${s}" must be a string of 1, 0 and i (one character per question)`);
  const labels = o.labels ?? [];
  if (!Array.isArray(labels)) throw new RangeError('"labels" must be an array of [system, question index, label]');
  labels.forEach((l: unknown, i) => {
    const ok = Array.isArray(l) && l.length === 3 && (l[0] === 'baseline' || l[0] === 'candidate') && Number.isInteger(l[1]) && (l[2] === 0 || l[2] === 1);
    if (!ok) throw new RangeError(`labels[${i}] must be ["baseline" or "candidate", question index, 0 or 1], got ${JSON.stringify(l)}`);
  });
  return { id, baseline: o.baseline as string, candidate: o.candidate as string, labels: labels as [string, number, number][] };
}

/**
 * Per-system confusion matrices of the labelled answered outputs, which questions are labelled on which system
 * (the label layout), and the labels on IDK outputs (counted, ignored).
 */
export function labelCounts(d: BatchDataset): { baseline: Confusion; candidate: Confusion; layout: LabelLayout; idkLabels: number } {
  const out = { baseline: { tp: 0, fn: 0, fp: 0, tn: 0 }, candidate: { tp: 0, fn: 0, fp: 0, tn: 0 }, layout: emptyLabelLayout(), idkLabels: 0 };
  const seen = new Set<string>();
  const baselineCell = new Map<number, ConfusionCell>();
  const candidateCell = new Map<number, ConfusionCell>();
  d.labels.forEach(([system, index, label], i) => {
    const states = system === 'baseline' ? d.baseline : d.candidate;
    if (index < 0 || index >= states.length) throw new RangeError(`labels[${i}] names question ${index} of the ${system}, which has ${states.length} (0-based)`);
    const key = `${system}:${index}`;
    if (seen.has(key)) throw new RangeError(`labels[${i}] labels ${system} question ${index} a second time`);
    seen.add(key);
    const state = states[index];
    if (state === 'i') { out.idkLabels++; return; }
    const cell: ConfusionCell = label === 1 ? (state === '1' ? 'tp' : 'fn') : state === '1' ? 'fp' : 'tn';
    out[system as 'baseline' | 'candidate'][cell]++;
    (system === 'baseline' ? baselineCell : candidateCell).set(index, cell);
  });
  for (const [index, a] of baselineCell) out.layout[a][candidateCell.get(index) ?? sideOf(d.candidate[index]!)]++;
  for (const [index, b] of candidateCell) if (!baselineCell.has(index)) out.layout[sideOf(d.baseline[index]!)][b]++;
  return out;
}

/** An unlabelled output's side in the label layout, from its state character (checked by statesFromStrings). */
const sideOf = (state: string): LabelSide => unlabelledSide(state as OutputState);

/** Runs one dataset. */
export function runDataset(d: BatchDataset, estimator: EstimatorChoice, options: EstimateOptions): BatchResult {
  const states = statesFromStrings(d.baseline, d.candidate);
  const labels = labelCounts(d);
  const r = compareSystems(estimator, { states, baselineLabels: labels.baseline, candidateLabels: labels.candidate, labelLayout: labels.layout }, options);
  const flags = r.diagnostics.map((x) => ({ code: x.code, severity: x.severity }));
  if (labels.idkLabels > 0) flags.push({ code: 'idk-labels-ignored', severity: 'info' });
  return toBatchResult(d.id, r, flags);
}

function toBatchResult(id: BatchDataset['id'], r: CompareResult, flags: BatchResult['flags']): BatchResult {
  return { id, estimator: r.estimator, reason: r.reason, difference: r.difference ? { point: r.difference.point, lo: r.difference.lo, hi: r.difference.hi } : null,
    pBetter: r.pBetter ?? null, verdict: r.verdict, flags };
}

/** Parses and runs one input line (1-based `line` for messages); a bad line gives a BatchError, never a throw. */
export function runBatchLine(text: string, line: number, estimator: EstimatorChoice, options: EstimateOptions): BatchResult | BatchError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { id: null, line, error: `line ${line}: not valid JSON (${(err as Error).message})` };
  }
  const id = typeof value === 'object' && value !== null && 'id' in value ? ((value as { id: unknown }).id as BatchDataset['id']) : null;
  try {
    return runDataset(parseDataset(value), estimator, options);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return { id: typeof id === 'string' || typeof id === 'number' ? id : null, line, error: `line ${line}: ${err.message}` };
  }
}
