// Human labels: the expensive part of an evaluation. `.prompt-adapt/labels/<testSetId>.jsonl` is append-only
// and meant to be committed: each label is one whole line written with a single O_APPEND write and fsynced
// before the call returns, so a crash never loses a confirmed label and never leaves half of one. Undo and
// relabel append a newer line; the latest line per (output, reviewer) wins.
import fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import type { HumanLabel, LabelRecord } from './records';
import { forEachJsonLine, openForAppend } from './jsonl';
import type { OnStoreProblem, StoreProblem } from './problems';

/** A label line may also withdraw an earlier label (undo). */
export type LabelLine = LabelRecord | (Omit<LabelRecord, 'label'> & { label: 'withdrawn' });

const LABELS: ReadonlySet<string> = new Set<HumanLabel | 'withdrawn'>(['correct', 'incorrect', 'unsure', 'withdrawn']);
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export const labelsDir = (root: string): string => path.join(root, 'labels');

/** The labels file of a test set; the id becomes a file name, so it must be a plain name. */
export function labelsPath(root: string, testSetId: string): string {
  if (!SAFE_ID.test(testSetId)) throw new UserError(`Test set id '${testSetId}' cannot name a labels file; use letters, digits, '.', '_' or '-'.`);
  return path.join(labelsDir(root), `${testSetId}.jsonl`);
}

/** Appends one label durably (returns after fsync). */
export function appendLabel(root: string, testSetId: string, line: LabelLine): void {
  if (!LABELS.has(line.label)) throw new UserError(`Unknown label '${String(line.label)}'.`);
  if (!line.outputHash) throw new UserError('A label needs the hash of the output it labels.');
  const file = labelsPath(root, testSetId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = openForAppend(file);
  try {
    fs.writeSync(fd, `${JSON.stringify(line)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Why a parsed line is not a label line (undefined when it is one). */
function labelProblem(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a label record';
  const l = v as Partial<LabelLine>;
  if (typeof l.outputHash !== 'string' || !l.outputHash) return 'not a label record (no outputHash)';
  if (!LABELS.has(l.label as string)) return `unknown label ${JSON.stringify(l.label)}`;
  return undefined;
}

/**
 * A test set's labels in memory, folded exactly as the file is read: the latest line per (outputHash, reviewer)
 * wins, withdrawn ones count as none. A session adds the lines it appends, so it never has to read the file back.
 */
export class LabelBook {
  private readonly latest = new Map<string, LabelLine>();
  /** Lines of the file that could not be read (with their line numbers), kept with the labels that were. */
  readonly problems: StoreProblem[] = [];

  /** Folds in one line (later lines win); malformed lines are ignored. */
  add(l: LabelLine): void {
    if (!l || typeof l !== 'object' || typeof l.outputHash !== 'string' || !LABELS.has(l.label)) return;
    this.latest.set(`${l.outputHash}\u0000${l.reviewer ?? ''}`, l);
  }

  /** The current labels, withdrawn ones removed. */
  records(): LabelRecord[] { return [...this.latest.values()].filter((l): l is LabelRecord => l.label !== 'withdrawn'); }
}

/**
 * A test set's labels file folded into a LabelBook. Lines that cannot be read are kept in `problems` with their
 * line numbers (and told to `onProblem`), never dropped silently.
 */
export async function readLabelBook(root: string, testSetId: string, onProblem?: OnStoreProblem): Promise<LabelBook> {
  const book = new LabelBook();
  await forEachJsonLine<LabelLine>(labelsPath(root, testSetId), (l) => book.add(l),
    { onProblem: (p) => { book.problems.push(p); onProblem?.(p); }, check: labelProblem });
  return book;
}

/** The current labels of a test set: the latest line per (outputHash, reviewer), withdrawn ones removed. */
export async function readLabels(root: string, testSetId: string, onProblem?: OnStoreProblem): Promise<LabelRecord[]> {
  return (await readLabelBook(root, testSetId, onProblem)).records();
}

/**
 * Size and modification time of a test set's labels file ('' when absent): a session compares it with the
 * stamp after its own last write to tell its own writes from a change made elsewhere (a git pull).
 */
export function labelsFileStamp(root: string, testSetId: string): string {
  try {
    const st = fs.statSync(labelsPath(root, testSetId));
    return `${st.size}:${st.mtimeMs}`;
  } catch { return ''; }
}
