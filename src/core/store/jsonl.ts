// Append-only JSONL files that survive SIGKILL at any moment: lines are written in batches (one write per
// event-loop turn), fsynced at checkpoints, and a torn last line is repaired before the next append.
import fs from 'node:fs';
import { UserError } from '../errors';
import type { OnStoreProblem } from './problems';

/** No line of a store file is longer (a response line holds one output; this is far above any real one). */
export const MAX_LINE_BYTES = 16 * 2 ** 20;
/** No store file is read past this size, so a file that never ends cannot hang a reader. */
export const MAX_STORE_FILE_BYTES = 2 * 2 ** 30;

/** How a JSONL file is read. */
export interface ReadOptions {
  /** Told about every line or file that could not be read (with file and line). */
  onProblem?: OnStoreProblem;
  /** Why a parsed line is not a record of this file (undefined when it is one); such lines are reported. */
  check?(value: unknown): string | undefined;
  /** Given every chunk of the file's bytes as it is read, before its lines are parsed (a summary hashes them). */
  onBytes?(chunk: Buffer): void;
}

/**
 * Opens a JSONL file for appending. A crash during an earlier write can leave a cut-off last line: by default
 * it is ended here, so the next line starts clean (readers report it); with `dropCutOff` (files with a single
 * writer, such as a locked run's responses) the cut-off bytes are removed, since they never were a record.
 */
export function openForAppend(path: string, opts: { dropCutOff?: boolean } = {}): number {
  const fd = fs.openSync(path, 'a+');
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new UserError(`${path} is not a regular file; the store writes only its own files. Remove it and try again.`);
    if (st.size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, st.size - 1);
      if (last[0] !== 0x0a) {
        if (opts.dropCutOff) fs.ftruncateSync(fd, endOfLastLine(fd, st.size));
        else fs.writeSync(fd, '\n');
      }
    }
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return fd;
}

/** The offset just after the last newline of a file of `size` bytes (0 when it has none). */
function endOfLastLine(fd: number, size: number): number {
  const buf = Buffer.allocUnsafe(64 * 1024);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - buf.length);
    const n = fs.readSync(fd, buf, 0, end - start, start);
    const nl = buf.subarray(0, n).lastIndexOf(0x0a);
    if (nl !== -1) return start + nl + 1;
    end = start;
  }
  return 0;
}

/** Appends whole lines. Lines queued in the same event-loop turn go out in one write(2). */
export class JsonlAppender {
  private fd: number;
  private pending: string[] = [];
  private scheduled = false;
  private dirty = false;
  private closed = false;
  private syncing = false;

  constructor(readonly path: string, opts: { dropCutOff?: boolean } = {}) {
    this.fd = openForAppend(path, opts);
  }

  /** Queues one line (without the newline). */
  append(line: string): void {
    if (this.closed) throw new Error(`${this.path} is closed`);
    this.pending.push(line);
    if (!this.scheduled) { this.scheduled = true; setImmediate(this.flush); }
  }

  /** Writes queued lines now. After this returns they survive a crash of this process (not of the OS). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0 || this.closed) return;
    const text = this.pending.length === 1 ? this.pending[0] + '\n' : this.pending.join('\n') + '\n';
    this.pending.length = 0;
    // A failed write(2) does not name its file; the caller's message should (a full disk, a read-only store).
    try { fs.writeSync(this.fd, text); } catch (err) { throw Object.assign(err as Error, { path: (err as NodeJS.ErrnoException).path ?? this.path }); }
    this.dirty = true;
  };

  /**
   * Flushes, then fsyncs on the thread pool so a slow disk never stalls the event loop (in-flight requests keep
   * being answered). Lines written before this call survive a power cut once the fsync completes; `close()`
   * fsyncs synchronously, so everything is durable when a run returns.
   */
  checkpoint(): void {
    this.flush();
    if (!this.dirty || this.closed || this.syncing) return;
    this.dirty = false;
    this.syncing = true;
    fs.fsync(this.fd, () => { this.syncing = false; });
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    // An fsync still running on the thread pool holds its own reference to the fd; a synchronous one here
    // covers every line written.
    try { if (this.dirty || this.syncing) fs.fsyncSync(this.fd); } finally { fs.closeSync(this.fd); }
  }
}

/** Calls `fn` for each complete line of a JSONL file that parses and is accepted; every other line is reported. */
export async function forEachJsonLine<T>(path: string, fn: (value: T, line: number) => void, opts: ReadOptions = {}): Promise<void> {
  const st = await fs.promises.stat(path).catch((err: NodeJS.ErrnoException) => { if (err.code === 'ENOENT') return undefined; throw err; });
  if (!st || !readable(path, st, opts.onProblem)) return;
  const fh = await fs.promises.open(path, 'r');
  try {
    const lines = new LineSplitter(path, fn, opts);
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let total = 0; ;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      if ((total += bytesRead) > MAX_STORE_FILE_BYTES) { tooLarge(path, opts.onProblem); return; }
      opts.onBytes?.(buf.subarray(0, bytesRead));
      lines.push(buf.subarray(0, bytesRead));
    }
    lines.end();
  } finally {
    await fh.close();
  }
}

/** `forEachJsonLine` as a stream the reader pulls from: a file far larger than memory is read 1 MB at a time. */
export async function* readJsonLines<T>(path: string, opts: ReadOptions = {}): AsyncGenerator<T> {
  const st = await fs.promises.stat(path).catch((err: NodeJS.ErrnoException) => { if (err.code === 'ENOENT') return undefined; throw err; });
  if (!st || !readable(path, st, opts.onProblem)) return;
  const fh = await fs.promises.open(path, 'r');
  try {
    let ready: T[] = [];
    const lines = new LineSplitter<T>(path, (v) => { ready.push(v); }, opts);
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let total = 0; ;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      if ((total += bytesRead) > MAX_STORE_FILE_BYTES) { tooLarge(path, opts.onProblem); return; }
      lines.push(buf.subarray(0, bytesRead));
      const batch = ready;
      ready = [];
      yield* batch;
    }
    lines.end();
    yield* ready;
  } finally {
    await fh.close();
  }
}

/** `forEachJsonLine` without awaiting (for small files read on the spot, such as a run's verdicts). */
export function forEachJsonLineSync<T>(path: string, fn: (value: T, line: number) => void, opts: ReadOptions = {}): void {
  let st: fs.Stats;
  try { st = fs.statSync(path); } catch (err) { if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; throw err; }
  if (!readable(path, st, opts.onProblem)) return;
  const fd = fs.openSync(path, 'r');
  try {
    const lines = new LineSplitter(path, fn, opts);
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let total = 0; ;) {
      const bytesRead = fs.readSync(fd, buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      if ((total += bytesRead) > MAX_STORE_FILE_BYTES) { tooLarge(path, opts.onProblem); return; }
      opts.onBytes?.(buf.subarray(0, bytesRead));
      lines.push(buf.subarray(0, bytesRead));
    }
    lines.end();
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A store file is read only when it is a regular file of a sane size: a FIFO would block the reader, a device
 * such as /dev/zero never ends, and neither is something the tool wrote.
 */
export function readable(path: string, st: fs.Stats, onProblem?: OnStoreProblem): boolean {
  if (!st.isFile()) {
    const what = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe' : st.isCharacterDevice() || st.isBlockDevice() ? 'a device' : st.isSocket() ? 'a socket' : 'not a regular file';
    onProblem?.({ file: path, kind: 'not-a-file', message: `is ${what}, not a file the store wrote; it was not read` });
    return false;
  }
  if (st.size > MAX_STORE_FILE_BYTES) { tooLarge(path, onProblem); return false; }
  return true;
}

function tooLarge(path: string, onProblem?: OnStoreProblem): void {
  onProblem?.({ file: path, kind: 'too-large', message: `is larger than ${MAX_STORE_FILE_BYTES / 2 ** 30} GiB; it was not read` });
}

/** Splits chunks into lines (numbered from 1), parses each, and reports the ones that cannot be records. */
class LineSplitter<T> {
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** Inside a line already reported as too long: its bytes are dropped up to the next newline. */
  private skipping = false;
  private lineNo = 0;

  constructor(private readonly path: string, private readonly fn: (value: T, line: number) => void, private readonly opts: ReadOptions) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.lineNo++;
      if (!this.skipping) {
        if (this.partBytes) this.line(Buffer.concat([...this.parts, chunk.subarray(start, nl)]), 0, undefined);
        else this.line(chunk, start, nl);   // no Buffer object per line: 100k-line files are read for every comparison
      }
      this.skipping = false;
      this.parts = [];
      this.partBytes = 0;
      start = nl + 1;
    }
    if (start === chunk.length || this.skipping) return;
    this.partBytes += chunk.length - start;
    if (this.partBytes > MAX_LINE_BYTES) { this.tooLong(this.lineNo + 1); this.skipping = true; this.parts = []; this.partBytes = 0; }
    else this.parts.push(Buffer.from(chunk.subarray(start)));   // the read buffer is reused
  }

  /** A last line without its newline is a write cut off (by a crash, a full disk, or a file cut short). */
  end(): void {
    if (this.partBytes === 0 && !this.skipping) return;
    this.opts.onProblem?.({ file: this.path, line: this.lineNo + 1, kind: 'cut-off-line', message: 'the last line is cut off (no newline); it was not read' });
  }

  /** The line held in `bytes` from `start` to `end` (default: its end). */
  private line(bytes: Buffer, start: number, end = bytes.length): void {
    if (end - start > MAX_LINE_BYTES) { this.tooLong(this.lineNo); return; }
    const text = bytes.toString('utf8', start, end);
    if (text.trim() === '') return;
    let v: unknown;
    try { v = JSON.parse(text); } catch {
      this.opts.onProblem?.({ file: this.path, line: this.lineNo, kind: 'unreadable-line', message: 'not valid JSON; the line was not read' });
      return;
    }
    const why = this.opts.check?.(v);
    if (why !== undefined) {
      this.opts.onProblem?.({ file: this.path, line: this.lineNo, kind: 'unreadable-line', message: `${why}; the line was not read` });
      return;
    }
    this.fn(v as T, this.lineNo);
  }

  private tooLong(line: number): void {
    this.opts.onProblem?.({ file: this.path, line, kind: 'line-too-long', message: `longer than ${MAX_LINE_BYTES / 2 ** 20} MiB; the line was not read` });
  }
}

/** Writes a file atomically (temp file + rename), so readers never see half of it. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try { fs.writeSync(fd, text); fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  fs.renameSync(tmp, path);
}

/**
 * `writeFileAtomic` off the event loop (write, fsync and rename on the thread pool). `tag` keeps its temp file
 * apart from a concurrent synchronous write of the same path. `sync: false` skips the fsync, for files that
 * check themselves when read (a derived cache).
 */
export async function writeFileAtomicAsync(path: string, text: string | Uint8Array | readonly Uint8Array[], tag = 'async', opts: { sync?: boolean } = {}): Promise<void> {
  const tmp = `${path}.${process.pid}.${tag}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  try {
    for (const part of Array.isArray(text) ? text as readonly Uint8Array[] : [text as string | Uint8Array]) await fh.writeFile(part);   // each from where the last ended
    if (opts.sync !== false) await fh.sync();
  } finally { await fh.close(); }
  await fs.promises.rename(tmp, path);
}
