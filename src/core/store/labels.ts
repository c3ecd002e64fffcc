// Human labels: the expensive part of an evaluation. `.prompt-adapt/labels/<testSetId>.jsonl` is append-only
// and meant to be committed: each label is one whole line written with a single O_APPEND write and fsynced
// before the call returns, so a crash never loses a confirmed label and never leaves half of one. Undo and
// relabel append a newer line; the latest line per (output, reviewer) wins.
import fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import type { HumanLabel, LabelRecord } from './records';
import { forEachJsonLine, openForAppend } from './jsonl';

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

/**
 * The current labels of a test set: the latest line per (outputHash, reviewer), withdrawn ones removed.
 * Torn or malformed lines are skipped.
 */
export async function readLabels(root: string, testSetId: string): Promise<LabelRecord[]> {
  const latest = new Map<string, LabelLine>();
  await forEachJsonLine<LabelLine>(labelsPath(root, testSetId), (l) => {
    if (!l || typeof l !== 'object' || typeof l.outputHash !== 'string' || !LABELS.has(l.label)) return;
    latest.set(`${l.outputHash}\u0000${l.reviewer ?? ''}`, l);
  });
  return [...latest.values()].filter((l): l is LabelRecord => l.label !== 'withdrawn');
}
