// `runs/<runId>/verdicts.jsonl`: append-only verdict records beside the run's responses.
import fs from 'node:fs';
import path from 'node:path';
import type { VerdictRecord } from './records';
import { openForAppend } from './jsonl';

/** Path of a run's verdict file. */
export const verdictsPath = (runDir: string): string => path.join(runDir, 'verdicts.jsonl');

/** Key of a verdict: one per (metric, candidate, example). */
export const verdictKey = (v: Pick<VerdictRecord, 'metricId' | 'candidateId' | 'exampleId'>): string =>
  `${v.metricId}\u0000${v.candidateId}\u0000${v.exampleId}`;

/** The latest verdict per key (later lines win); torn or foreign lines are skipped. */
export function readVerdicts(file: string): Map<string, VerdictRecord> {
  const out = new Map<string, VerdictRecord>();
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch { return out; }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as VerdictRecord;
      if (v && typeof v.metricId === 'string' && typeof v.exampleId === 'string' && typeof v.candidateId === 'string') out.set(verdictKey(v), v);
    } catch { /* a line torn by a crash */ }
  }
  return out;
}

/** Appends verdict records, one write per line, starting on a fresh line if a crash left a torn one. */
export class VerdictWriter {
  private fd: number;
  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openForAppend(file);
  }
  append(v: VerdictRecord): void { fs.writeSync(this.fd, `${JSON.stringify(v)}\n`); }
  close(): void { if (this.fd >= 0) { fs.closeSync(this.fd); this.fd = -1; } }
}

/** Whether an existing verdict still stands for this output (same output; not a transient judge error). */
export function verdictStands(v: VerdictRecord | undefined, outputHash: string | undefined): boolean {
  if (!v) return false;
  if ((v.outputHash ?? '') !== (outputHash ?? '')) return false;
  return !(v.verdict === null && v.reason?.startsWith('no verdict: judge error'));
}
