// `runs/<runId>/verdicts.jsonl`: append-only verdict records beside the run's responses.
import fs from 'node:fs';
import path from 'node:path';
import type { VerdictRecord } from './records';
import { forEachJsonLineSync, openForAppend } from './jsonl';
import type { OnStoreProblem } from './problems';

/** Path of a run's verdict file. */
export const verdictsPath = (runDir: string): string => path.join(runDir, 'verdicts.jsonl');

/** Key of a verdict: one per (metric, candidate, example). */
export const verdictKey = (v: Pick<VerdictRecord, 'metricId' | 'candidateId' | 'exampleId'>): string =>
  `${v.metricId}\u0000${v.candidateId}\u0000${v.exampleId}`;

/** Why a parsed line is not a verdict record (undefined when it is one). */
function verdictProblem(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a verdict record';
  const x = v as Partial<VerdictRecord>;
  if (typeof x.metricId !== 'string' || typeof x.exampleId !== 'string' || typeof x.candidateId !== 'string') return 'not a verdict record (no metricId, exampleId or candidateId)';
  if (x.verdict !== 0 && x.verdict !== 1 && x.verdict !== null) return `its verdict is ${JSON.stringify(x.verdict)}, not 1, 0 or null`;
  return undefined;
}

/** Every verdict line of a file in order (several may exist per key: the last wins); other lines are told to `onProblem`. */
export function forEachVerdict(file: string, fn: (v: VerdictRecord) => void, onProblem?: OnStoreProblem, onBytes?: (chunk: Buffer) => void): void {
  forEachJsonLineSync<VerdictRecord>(file, fn, { onProblem, check: verdictProblem, onBytes });
}

/** The latest verdict per key (later lines win); lines that are not verdicts are told to `onProblem`. */
export function readVerdicts(file: string, onProblem?: OnStoreProblem): Map<string, VerdictRecord> {
  const out = new Map<string, VerdictRecord>();
  forEachVerdict(file, (v) => { out.set(verdictKey(v), v); }, onProblem);
  return out;
}

/** Appends verdict records, one write per line, starting on a fresh line if a crash left a torn one. */
export class VerdictWriter {
  private fd: number;
  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openForAppend(file, { dropCutOff: true });
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
