// `runs/<runId>/compare-summary.json` and `verdict-summary.json`: derived caches of what the comparison needs from a
// run's responses and verdicts, so that a 100k-row run is not parsed, hashed and checked again on every comparison.
// They are only ever a shortcut:
// - a summary is used only while its source file is exactly the file it was made from (size, mtime, ctime, inode and
//   device, to the nanosecond). An edit changes the ctime, which no user tool can set back; a copy is a new inode.
//   Anything else (missing, damaged, made from another file, made by another build) means the full read.
// - it is written only for a file that has settled (unchanged for `SETTLE_MS`), so two writes within one tick of
//   the file system's clock cannot leave a summary that a later same-size edit would match.
// - its body carries its own checksum: a damaged summary is ignored, never read in part.
// The store knows the file and when it is valid; what the body holds is the comparison's (src/core/compare).
import { createHash, hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomicAsync } from './jsonl';

/** Identity of a file's exact contents as far as the file system tells (bigint fields written as decimal text). */
export interface FileStamp { size: string; mtimeNs: string; ctimeNs: string; ino: string; dev: string }

/** A summary is written only for a responses file that has not changed for this long. */
export const SETTLE_MS = 2000;

const FORMAT = 'prompt-adapt compare summary';
const VERSION = 1;

/** What a summary summarises: a run's responses (`compare-summary.json`) or its verdicts (`verdict-summary.json`). */
export type SummaryOf = 'responses' | 'verdicts';
const FILE_NAMES: Record<SummaryOf, string> = { responses: 'compare-summary.json', verdicts: 'verdict-summary.json' };

export const runSummaryPath = (runDir: string, of: SummaryOf = 'responses'): string => path.join(runDir, FILE_NAMES[of]);

/** Size and mtime of the running code (the bundle, or this file under tsx): a summary's readers key by it. */
let codeStamp: string | undefined;
export function runningCode(): string {
  if (codeStamp === undefined) {
    try { const st = fs.statSync(__filename); codeStamp = `${st.size}:${st.mtimeMs}`; } catch { codeStamp = 'unknown'; }
  }
  return codeStamp;
}

/** The stamp of a regular file, whether it has settled, or undefined when it is missing or not a regular file. */
export async function fileStamp(file: string): Promise<{ stamp: FileStamp; settled: boolean } | undefined> {
  let st: fs.BigIntStats;
  const now = Date.now();
  try { st = await fs.promises.stat(file, { bigint: true }); } catch { return undefined; }
  if (!st.isFile()) return undefined;
  const changed = Number((st.ctimeNs > st.mtimeNs ? st.ctimeNs : st.mtimeNs) / 1_000_000n);
  return {
    stamp: { size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs), ino: String(st.ino), dev: String(st.dev) },
    settled: now - changed >= SETTLE_MS,
  };
}

const sameStamp = (a: FileStamp, b: Partial<FileStamp> | undefined): boolean =>
  !!b && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;

/** Header line of a summary file; the body (the bytes after it, written in parts) has the sha256 `sha256`. */
interface Header { format: string; version: number; source: FileStamp; sha256: string }

/**
 * The body of a run's summary when the summary was made from the file stamped `source` and is intact; undefined
 * otherwise (no summary, another file's, damaged, unreadable).
 */
export async function readRunSummary(runDir: string, source: FileStamp, of: SummaryOf = 'responses'): Promise<Buffer | undefined> {
  let bytes: Buffer;
  try { bytes = await fs.promises.readFile(runSummaryPath(runDir, of)); } catch { return undefined; }
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) return undefined;
  try {
    const header = JSON.parse(bytes.toString('utf8', 0, nl)) as Partial<Header>;
    if (header?.format !== `${FORMAT} of ${of}` || header.version !== VERSION || !sameStamp(source, header.source)) return undefined;
    const body = bytes.subarray(nl + 1);
    return hash('sha256', body, 'hex') === header.sha256 ? body : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes a run's summary made from the responses file stamped `source` (read before it was read), when that file
 * has settled and is still the same. A summary that cannot be written only costs time: errors are ignored.
 * Returns whether it was written.
 */
export async function writeRunSummary(runDir: string, sourceFile: string, source: { stamp: FileStamp; settled: boolean }, body: readonly Uint8Array[],
  of: SummaryOf = 'responses'): Promise<boolean> {
  if (!source.settled) return false;
  const now = await fileStamp(sourceFile);
  if (!now || !sameStamp(source.stamp, now.stamp)) return false;
  const sha = createHash('sha256');
  for (const part of body) sha.update(part);
  const header: Header = { format: `${FORMAT} of ${of}`, version: VERSION, source: source.stamp, sha256: sha.digest('hex') };
  const file = runSummaryPath(runDir, of);
  try {
    // No fsync: a summary lost or torn by a crash fails its checksum and costs one full read.
    await writeFileAtomicAsync(file, [Buffer.from(`${JSON.stringify(header)}\n`), ...body], 'summary', { sync: false });
    return true;
  } catch {
    await fs.promises.rm(`${file}.${process.pid}.summary.tmp`, { force: true }).catch(() => undefined);
    return false;
  }
}
