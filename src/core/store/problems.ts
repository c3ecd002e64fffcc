// What can be wrong with the store's files. Readers report each problem (with file and line) instead of
// skipping it silently; the comparison counts them where its numbers are shown, and `judge` prints them.
import path from 'node:path';

export type StoreProblemKind =
  /** A complete line that is not JSON, or not a record of its file. */
  | 'unreadable-line'
  /** The last line has no newline: a write cut off by a crash, a full disk or a truncated file. */
  | 'cut-off-line'
  | 'line-too-long'
  /** A directory, FIFO, device or socket where a store file belongs. */
  | 'not-a-file'
  | 'too-large'
  /** A file that exists but cannot be opened or read (permissions, I/O error). */
  | 'unreadable-file'
  /** A manifest that cannot be read: its run is listed as damaged. */
  | 'unreadable-manifest'
  /** An output whose text no longer matches the hash stored with it (edited on disk). */
  | 'edited-output'
  /** Fewer responses in a run's file than its manifest records. */
  | 'missing-responses';

export interface StoreProblem {
  /** Absolute path of the file. */
  file: string;
  /** 1-based line, when the problem is one line. */
  line?: number;
  kind: StoreProblemKind;
  message: string;
}

export type OnStoreProblem = (p: StoreProblem) => void;

/**
 * `file:line: message` for a line, `file message` for the whole file ("… is a device"), with the file relative
 * to `base` (the project folder) when it lies inside it.
 */
export function formatStoreProblem(p: StoreProblem, base?: string): string {
  let file = p.file;
  if (base) {
    const rel = path.relative(base, p.file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) file = rel.split(path.sep).join('/');
  }
  return p.line !== undefined ? `${file}:${p.line}: ${p.message}` : `${file} ${p.message}`;
}
