// `runs/<runId>/compare-summary.json` and `verdict-summary.json`: derived caches of what the comparison needs from a
// run's responses and verdicts, so that a 100k-row run is not parsed, hashed and checked again on every comparison.
// They are only ever a shortcut:
// - a summary is used only while its source file is exactly the file it was made from (size, mtime, ctime, inode and
//   device, to the nanosecond). An edit changes the ctime, which no user tool can set back; a copy is a new inode.
//   Anything else (missing, damaged, made from another file, made by another build) means the full read.
// - git's "racily clean" rule: two writes within one tick of the file system's clock can leave the same stamp. A
//   summary made from a file that had not settled (changed less than `SETTLE_MS` before it was looked at) records the
//   sha256 of the bytes it was made from, and is used only after the file's bytes hash to it again. Once the file
//   has settled, the reader that checked the hash rewrites the header, so later reads trust the stamp alone.
// - its body carries its own checksum: a damaged summary is ignored, never read in part.
// The store knows the file and when it is valid; what the body holds is the comparison's (src/core/compare).
import { createHash, hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomicAsync } from './jsonl';

/** Identity of a file's exact contents as far as the file system tells (bigint fields written as decimal text). */
export interface FileStamp { size: string; mtimeNs: string; ctimeNs: string; ino: string; dev: string }

/** A file unchanged for this long has settled: a later edit cannot leave its stamp as it was. */
export const SETTLE_MS = 2000;

const FORMAT = 'prompt-adapt compare summary';
/** 2: `seenAt` and, for a source that had not settled, `sourceSha256` (builds that trust the stamp alone ignore these). */
const VERSION = 2;

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

/** A source file as stat'ed just before it was read: its stamp, when (ms; taken before the stat) and whether it had settled then. */
export interface SourceSeen { stamp: FileStamp; seenAt: number; settled: boolean }

/** Whether a file with this stamp, seen at `seenAt`, had settled: a later edit gets a later ctime (whatever the clock's tick). */
function settledAt(stamp: Pick<FileStamp, 'mtimeNs' | 'ctimeNs'>, seenAt: number): boolean {
  const changed = Number((BigInt(stamp.ctimeNs) > BigInt(stamp.mtimeNs) ? BigInt(stamp.ctimeNs) : BigInt(stamp.mtimeNs)) / 1_000_000n);
  return seenAt - changed >= SETTLE_MS;
}

/** The stamp of a regular file, when it was seen and whether it had settled, or undefined when it is missing or not a regular file. */
export async function fileStamp(file: string): Promise<SourceSeen | undefined> {
  let st: fs.BigIntStats;
  const seenAt = Date.now();
  try { st = await fs.promises.stat(file, { bigint: true }); } catch { return undefined; }
  if (!st.isFile()) return undefined;
  const stamp: FileStamp = { size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs), ino: String(st.ino), dev: String(st.dev) };
  return { stamp, seenAt, settled: settledAt(stamp, seenAt) };
}

const sameStamp = (a: FileStamp, b: Partial<FileStamp> | undefined): boolean =>
  !!b && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs && a.ino === b.ino && a.dev === b.dev;

/**
 * The sha256 of the bytes a full read of an unsettled source read (`add` is given each chunk as it is read), which
 * its summary records; undefined for a settled source (its stamp is enough).
 */
export class SourceDigest {
  private readonly sha = createHash('sha256');
  private bytes = 0;
  readonly add = (chunk: Uint8Array): void => { this.sha.update(chunk); this.bytes += chunk.length; };
  /** The digest of what was read, when that was exactly `size` bytes (a file that grew or was cut short while read: undefined). */
  hex(size: string): string | undefined { return String(this.bytes) === size ? this.sha.digest('hex') : undefined; }
  static for(source: SourceSeen | undefined): SourceDigest | undefined { return source && !source.settled ? new SourceDigest() : undefined; }
}

/** The sha256 of a file's bytes as they are now, when it has `size` bytes; undefined otherwise or when it cannot be read. */
async function fileSha256(file: string, size: string): Promise<string | undefined> {
  const digest = new SourceDigest();
  try {
    const fh = await fs.promises.open(file, 'r');
    try {
      const buf = Buffer.allocUnsafe(1 << 20);
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        digest.add(buf.subarray(0, bytesRead));
      }
    } finally { await fh.close(); }
  } catch { return undefined; }
  return digest.hex(size);
}

/**
 * Header line of a summary file; the body (the bytes after it, written in parts) has the sha256 `sha256`. `seenAt`:
 * when the source was stat'ed before the read the body was made from (or before a later read checked `sourceSha256`);
 * `sourceSha256`: present when the source had not settled by then, the sha256 of its bytes as read.
 */
interface Header { format: string; version: number; source: FileStamp; sha256: string; seenAt: number; sourceSha256?: string }

const headerLine = (h: Header): Buffer => Buffer.from(`${JSON.stringify(h)}\n`);

/**
 * The body of a run's summary when the summary was made from the file `sourceFile` as stamped in `source` and is
 * intact; undefined otherwise (no summary, another file's, damaged, unreadable, or made from bytes the file no longer
 * holds). A summary of a source that had not settled is checked against the source's bytes; when the source has
 * settled since, its header is rewritten so that later reads skip that check.
 */
export async function readRunSummary(runDir: string, sourceFile: string, source: SourceSeen, of: SummaryOf = 'responses'): Promise<Buffer | undefined> {
  let bytes: Buffer;
  const file = runSummaryPath(runDir, of);
  try { bytes = await fs.promises.readFile(file); } catch { return undefined; }
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) return undefined;
  let header: Partial<Header>;
  try { header = JSON.parse(bytes.toString('utf8', 0, nl)) as Partial<Header>; } catch { return undefined; }
  if (header?.format !== `${FORMAT} of ${of}` || header.version !== VERSION || !sameStamp(source.stamp, header.source) || typeof header.seenAt !== 'number') return undefined;
  const body = bytes.subarray(nl + 1);
  if (hash('sha256', body, 'hex') !== header.sha256) return undefined;
  if (settledAt(source.stamp, header.seenAt)) return body;
  // Made right after the source changed: the same stamp may hide an edit within the clock's tick.
  if (typeof header.sourceSha256 !== 'string' || await fileSha256(sourceFile, source.stamp.size) !== header.sourceSha256) return undefined;
  if (source.settled) {
    // Settled before these bytes were hashed: any later edit changes the stamp. No fsync (a torn file fails its checksum).
    const settled: Header = { format: header.format, version: VERSION, source: source.stamp, sha256: header.sha256, seenAt: source.seenAt };
    await writeFileAtomicAsync(file, [headerLine(settled), body], 'summary', { sync: false }).catch(() => removeTemp(file));
  }
  return body;
}

const removeTemp = (file: string): Promise<unknown> => fs.promises.rm(`${file}.${process.pid}.summary.tmp`, { force: true }).catch(() => undefined);

/**
 * Writes a run's summary made from the file stamped `source` (stat'ed before it was read), when that file is still
 * the same; for a file that had not settled, `digest` must hold the sha256 of exactly the bytes read. A summary that
 * cannot be written only costs time: errors are ignored. Returns whether it was written.
 */
export async function writeRunSummary(runDir: string, sourceFile: string, source: SourceSeen, body: readonly Uint8Array[],
  of: SummaryOf = 'responses', digest?: SourceDigest): Promise<boolean> {
  const sourceSha256 = source.settled ? undefined : digest?.hex(source.stamp.size);
  if (!source.settled && !sourceSha256) return false;
  const now = await fileStamp(sourceFile);
  if (!now || !sameStamp(source.stamp, now.stamp)) return false;
  const sha = createHash('sha256');
  for (const part of body) sha.update(part);
  const header: Header = { format: `${FORMAT} of ${of}`, version: VERSION, source: source.stamp, sha256: sha.digest('hex'), seenAt: source.seenAt,
    ...(sourceSha256 ? { sourceSha256 } : {}) };
  const file = runSummaryPath(runDir, of);
  try {
    // No fsync: a summary lost or torn by a crash fails its checksum and costs one full read.
    await writeFileAtomicAsync(file, [headerLine(header), ...body], 'summary', { sync: false });
    return true;
  } catch {
    await removeTemp(file);
    return false;
  }
}
