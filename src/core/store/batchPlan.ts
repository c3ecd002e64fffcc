// A batch run's own record of its plan, `runs/<runId>/batch-plan.jsonl`: one line per plan item (example,
// candidate, rendered messages, parameters) after a header with the plan key and the candidates as the run
// used them (prices, the mode in effect). With it a run whose batch jobs are still out can be resumed without
// the workspace files it was made from: the editor does so when it opens, `run --cancel` to store what a
// cancelled job finished. Written to a temp file while the plan is fed and renamed at the end, so a process
// killed while feeding keeps the previous complete record.
import fs from 'node:fs';
import path from 'node:path';
import type { RenderedMessage } from '../prompt/types';
import type { PlanCandidate } from '../runner/plan';
import { readJsonLines } from './jsonl';
import type { OnStoreProblem } from './problems';

export interface BatchPlanHeader { planKey: string; candidates: PlanCandidate[] }

/** One plan item: example id, candidate id, messages, parameters, or the reason it could not be rendered. */
export interface BatchPlanItem {
  x: string;
  c: string;
  m: readonly RenderedMessage[];
  p?: Readonly<Record<string, unknown>>;
  e?: string;
}

export const batchPlanFile = (runDir: string): string => path.join(runDir, 'batch-plan.jsonl');

/**
 * Streams the record to disk in 64 KB writes (lines kept waiting longer outlive young-generation collections and
 * swell the heap of a 100k run); `commit` makes it the run's record, `discard` drops it.
 */
export class BatchPlanWriter {
  private readonly tmp: string;
  private readonly fd: number;
  private pending: string[] = [];
  private bytes = 0;

  constructor(private readonly file: string, header: BatchPlanHeader) {
    this.tmp = `${file}.${process.pid}.tmp`;
    this.fd = fs.openSync(this.tmp, 'w');
    this.push(JSON.stringify(header));
  }

  add(item: BatchPlanItem): void { this.push(JSON.stringify(item)); }

  commit(): void {
    this.close();
    fs.renameSync(this.tmp, this.file);
  }

  discard(): void {
    this.close();
    fs.rmSync(this.tmp, { force: true });
  }

  private push(line: string): void {
    this.pending.push(line);
    this.bytes += line.length;
    if (this.bytes >= 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.pending.length) fs.writeSync(this.fd, this.pending.join('\n') + '\n');
    this.pending = [];
    this.bytes = 0;
  }

  private closed = false;
  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try { this.flush(); fs.fsyncSync(this.fd); } finally { fs.closeSync(this.fd); }
  }
}

/** The record's header and its items, streamed; undefined when the run has no record. */
export async function openBatchPlan(file: string, onProblem?: OnStoreProblem): Promise<{ header: BatchPlanHeader; items: AsyncGenerator<BatchPlanItem> } | undefined> {
  if (!fs.existsSync(file)) return undefined;
  const lines = readJsonLines<BatchPlanHeader | BatchPlanItem>(file, { onProblem });
  const first = await lines.next();
  const header = first.value as BatchPlanHeader | undefined;
  if (first.done || !header || typeof header.planKey !== 'string' || !Array.isArray(header.candidates)) {
    await lines.return(undefined);
    onProblem?.({ file, line: 1, kind: 'unreadable-line', message: 'the first line is not the plan header; the record was not read' });
    return undefined;
  }
  return { header, items: lines as AsyncGenerator<BatchPlanItem> };
}
