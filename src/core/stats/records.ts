// Counts from stored records: confusion matrices (human labels joined with metric verdicts) and paired
// verdict tables. Unsure labels, missing verdicts and unpaired examples are excluded and counted.
import type { LabelRecord, VerdictRecord } from '../store/records';
import type { Confusion, PairedTable } from './types';

/** A confusion matrix and what was left out of it. */
export interface ConfusionJoin {
  confusion: Confusion;
  /** Labelled outputs whose label is "unsure". */
  unsure: number;
  /** Labelled outputs whose verdict is null (no verdict). */
  noVerdict: number;
  /** Labels that match no verdict of the selected metric and systems. */
  unmatchedLabels: number;
}

/** Which verdicts to use: one metric and, optionally, some systems (candidate ids). */
export interface VerdictFilter {
  metricId?: string;
  candidateIds?: readonly string[];
}

const pairKey = (exampleId: string, candidateId: string): string => `${exampleId}\u0000${candidateId}`;

function selectVerdicts(verdicts: readonly VerdictRecord[], filter: VerdictFilter): VerdictRecord[] {
  const ids = filter.candidateIds ? new Set(filter.candidateIds) : undefined;
  // Verdict files are append-only, so a later verdict for the same output replaces an earlier one.
  const latest = new Map<string, VerdictRecord>();
  for (const v of verdicts) {
    if (filter.metricId !== undefined && v.metricId !== filter.metricId) continue;
    if (ids && !ids.has(v.candidateId)) continue;
    latest.set(pairKey(v.exampleId, v.candidateId), v);
  }
  return [...latest.values()];
}

/** A label is of one output to one question: identical text on another question (a bare IDK) is another output. */
const outputKey = (outputHash: string, exampleId: string): string => `${outputHash}\u0000${exampleId}`;

/** Latest label per (output hash, example) (label files are append-only; a later label is a correction). */
function latestLabels(labels: readonly LabelRecord[]): Map<string, LabelRecord> {
  const byOutput = new Map<string, LabelRecord>();
  for (const l of labels) byOutput.set(outputKey(l.outputHash, l.exampleId), l);
  return byOutput;
}

/**
 * Joins labels to verdicts by (output hash, example), or by (exampleId, candidateId) when a verdict has no
 * output hash, and counts the confusion matrix (rows = human, columns = metric); each label counts once.
 */
export function confusionFromRecords(labels: readonly LabelRecord[], verdicts: readonly VerdictRecord[], filter: VerdictFilter = {}): ConfusionJoin {
  const byHash = latestLabels(labels);
  const byPair = new Map<string, LabelRecord>();
  for (const l of byHash.values()) byPair.set(pairKey(l.exampleId, l.candidateId), l);
  const confusion: Confusion = { tp: 0, fn: 0, fp: 0, tn: 0 };
  let unsure = 0;
  let noVerdict = 0;
  const used = new Set<LabelRecord>();
  for (const v of selectVerdicts(verdicts, filter)) {
    const label = v.outputHash !== undefined ? byHash.get(outputKey(v.outputHash, v.exampleId)) : byPair.get(pairKey(v.exampleId, v.candidateId));
    // Two systems that gave the same output to the same question share one label: count it once.
    if (!label || used.has(label)) continue;
    used.add(label);
    if (label.label === 'unsure') unsure++;
    else if (v.verdict === null) noVerdict++;
    else if (label.label === 'correct') { if (v.verdict === 1) confusion.tp++; else confusion.fn++; }
    else if (v.verdict === 1) confusion.fp++;
    else confusion.tn++;
  }
  return { confusion, unsure, noVerdict, unmatchedLabels: byHash.size - used.size };
}

/** One system's verdict counts. */
export interface JudgedCounts {
  judged: number;
  n: number;
  /** Outputs without a verdict (null), excluded from n. */
  noVerdict: number;
}

/** Judged-correct count of one system under one metric. */
export function judgedFromRecords(verdicts: readonly VerdictRecord[], candidateId: string, metricId?: string): JudgedCounts {
  let judged = 0;
  let n = 0;
  let noVerdict = 0;
  for (const v of selectVerdicts(verdicts, { metricId, candidateIds: [candidateId] })) {
    if (v.verdict === null) noVerdict++;
    else { n++; judged += v.verdict; }
  }
  return { judged, n, noVerdict };
}

/** A paired table and the examples left out of it. */
export interface PairedJoin {
  paired: PairedTable;
  /** Examples with a verdict for only one of the two systems (or a null verdict for either). */
  missingPairs: number;
}

/** Paired verdict table of baseline and candidate on the examples both have a verdict for. */
export function pairedFromRecords(verdicts: readonly VerdictRecord[], baselineId: string, candidateId: string, metricId?: string): PairedJoin {
  const a = new Map<string, 0 | 1 | null>();
  const b = new Map<string, 0 | 1 | null>();
  for (const v of selectVerdicts(verdicts, { metricId, candidateIds: [baselineId, candidateId] })) {
    (v.candidateId === baselineId ? a : b).set(v.exampleId, v.verdict);
  }
  const paired: PairedTable = { n11: 0, n10: 0, n01: 0, n00: 0 };
  let missingPairs = 0;
  for (const [id, va] of a) {
    const vb = b.get(id);
    if (va === null || vb === null || vb === undefined) { missingPairs++; continue; }
    if (va === 1) { if (vb === 1) paired.n11++; else paired.n10++; }
    else if (vb === 1) paired.n01++;
    else paired.n00++;
  }
  for (const id of b.keys()) if (!a.has(id)) missingPairs++;
  return { paired, missingPairs };
}
