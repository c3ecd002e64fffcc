// What one run's verdicts give a comparison: the latest verdict per (metric, candidate, example), with the value,
// reason and output hash the comparison reads, and the lines that could not be read. A full read parses every line
// of `verdicts.jsonl`; its result is kept in the run's verdict summary (src/core/store/summary.ts), which later
// comparisons read instead while the verdicts file is exactly the one it was made from.
import type { OnStoreProblem, StoreProblem, StoreProblemKind } from '../store/problems';
import type { VerdictRecord } from '../store/records';
import type { Store } from '../store/store';
import { SourceDigest } from '../store/summary';
import type { SummaryUse } from './runSummary';
import { encodeSummary, idsSection, indexIn, SummaryDecoder } from './summaryCodec';

/** A run's latest verdicts: metric → candidate → example. */
export type RunVerdicts = Map<string, Map<string, Map<string, VerdictRecord>>>;

/**
 * A run's verdicts of one metric (`'*'`: every metric) and the problems of its file, told to `onProblem`. With
 * `summaries`, of one metric only, from the run's verdict summary when valid (records then hold only what the
 * comparison reads: metric, candidate, example, verdict, reason and output hash).
 */
export async function runVerdicts(store: Store, runId: string, metricId: string, onProblem: OnStoreProblem, use?: SummaryUse): Promise<RunVerdicts> {
  const source = use && metricId !== '*' ? await store.responsesStamp(runId, 'verdicts') : undefined;
  if (use && source) {
    const body = await store.readRunSummary(runId, source, 'verdicts');
    const kept = body && fromSummary(body, metricId);
    if (kept) {
      const file = store.verdictsFile(runId);
      for (const [line, kind, message] of kept.problems) onProblem(line === null ? { file, kind, message } : { file, line, kind, message });
      use.verdictsRead++;
      return kept.verdicts;
    }
  }
  const all: RunVerdicts = new Map();
  const problems: StoreProblem[] = [];
  const digest = SourceDigest.for(source);
  store.forEachVerdict(runId, (v) => {
    if (!use && metricId !== '*' && v.metricId !== metricId) return;
    let byCandidate = all.get(v.metricId);
    if (!byCandidate) all.set(v.metricId, (byCandidate = new Map()));
    let byExample = byCandidate.get(v.candidateId);
    if (!byExample) byCandidate.set(v.candidateId, (byExample = new Map()));
    byExample.set(v.exampleId, v);
  }, (p) => problems.push(p), digest?.add);
  for (const p of problems) onProblem(p);
  if (use && source) {
    const parts = toSummary(all, problems);
    if (parts && await store.writeRunSummary(runId, source, parts, 'verdicts', digest)) use.verdictsWritten++;
  }
  if (metricId === '*' || !use) return all;
  const own = all.get(metricId);
  return own ? new Map([[metricId, own]]) : new Map();
}

interface Meta {
  rows: number;
  problems: [number | null, StoreProblemKind, string][];
  metrics: string[];
  candidates: string[];
  reasons: string[];
  examples?: string[];
  examplesBytes: number;
  hashesBytes: number;
}

/** The summary's parts; undefined when a record holds a reason or hash that is not text (such files are read in full). */
function toSummary(all: RunVerdicts, problems: readonly StoreProblem[]): Buffer[] | undefined {
  const rows: VerdictRecord[] = [];
  for (const byCandidate of all.values()) for (const byExample of byCandidate.values()) for (const v of byExample.values()) rows.push(v);
  if (!rows.every((v) => (v.reason === undefined || typeof v.reason === 'string') && (v.outputHash === undefined || typeof v.outputHash === 'string'))) return undefined;
  const n = rows.length;
  const meta: Meta = { rows: n, problems: problems.map((p) => [p.line ?? null, p.kind, p.message]), metrics: [], candidates: [], reasons: [], examplesBytes: 0, hashesBytes: 0 };
  const metric = new Int32Array(n), candidate = new Int32Array(n), verdict = new Uint8Array(n), reason = new Int32Array(n), hashLength = new Int32Array(n);
  const hashes: string[] = [];
  rows.forEach((v, i) => {
    metric[i] = indexIn(meta.metrics, v.metricId);
    candidate[i] = indexIn(meta.candidates, v.candidateId);
    verdict[i] = v.verdict === null ? 2 : v.verdict;
    reason[i] = v.reason === undefined ? -1 : indexIn(meta.reasons, v.reason);
    hashLength[i] = v.outputHash === undefined ? -1 : v.outputHash.length;
    if (v.outputHash !== undefined) hashes.push(v.outputHash);
  });
  const ids = idsSection(rows.map((v) => v.exampleId));
  const hashText = Buffer.from(hashes.join(''));
  if (ids.json) meta.examples = ids.json;
  meta.examplesBytes = ids.text.length;
  meta.hashesBytes = hashText.length;
  return encodeSummary(meta, [ids.text, hashText], [metric, candidate, verdict, reason, hashLength]);
}

/** One metric's verdicts from a summary; undefined when the bytes do not hold what this code writes. */
function fromSummary(body: Buffer, metricId: string): { verdicts: RunVerdicts; problems: Meta['problems'] } | undefined {
  try {
    const d = new SummaryDecoder(body);
    const meta = d.meta as unknown as Meta;
    const n = meta.rows;
    if (!Number.isInteger(n) || n < 0 || ![meta.problems, meta.metrics, meta.candidates, meta.reasons].every(Array.isArray)) return undefined;
    if (!meta.problems.every((p) => Array.isArray(p) && (p[0] === null || typeof p[0] === 'number') && typeof p[1] === 'string' && typeof p[2] === 'string')) return undefined;
    const examples = d.ids(meta.examples, meta.examplesBytes, n);
    const hashes = d.text(meta.hashesBytes, 'utf8');
    const [metric, candidate, verdict, reason, hashLength] = [d.column(Int32Array, n), d.column(Int32Array, n), d.column(Uint8Array, n), d.column(Int32Array, n), d.column(Int32Array, n)];
    if (!d.complete) return undefined;
    const want = meta.metrics.indexOf(metricId);
    const byCandidate = new Map<string, Map<string, VerdictRecord>>();
    let h = 0;
    for (let i = 0; i < n; i++) {
      const len = hashLength[i]!;
      const outputHash = len < 0 ? undefined : hashes.slice(h, (h += len));
      if (metric[i] !== want) continue;
      const candidateId = meta.candidates[candidate[i]!];
      const why = reason[i]! < 0 ? undefined : meta.reasons[reason[i]!];
      const value = verdict[i] === 2 ? null : verdict[i];
      if (typeof candidateId !== 'string' || (reason[i]! >= 0 && typeof why !== 'string') || !(value === null || value === 0 || value === 1)) return undefined;
      let byExample = byCandidate.get(candidateId);
      if (!byExample) byCandidate.set(candidateId, (byExample = new Map()));
      byExample.set(examples[i]!, { exampleId: examples[i]!, candidateId, metricId, verdict: value, reason: why, outputHash, at: '' });
    }
    if (h !== hashes.length) return undefined;
    return { verdicts: want < 0 ? new Map() : new Map([[metricId, byCandidate]]), problems: meta.problems };
  } catch {
    return undefined;
  }
}
