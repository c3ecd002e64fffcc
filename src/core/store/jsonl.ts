// Append-only JSONL files that survive SIGKILL at any moment: lines are written in batches (one write per
// event-loop turn), fsynced at checkpoints, and a torn last line is repaired before the next append.
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * Opens a JSONL file for appending. A crash during an earlier write can leave a torn last line: it is ended
 * here, so the next line starts clean (readers skip the torn one).
 */
export function openForAppend(path: string): number {
  const fd = fs.openSync(path, 'a+');
  const size = fs.fstatSync(fd).size;
  if (size > 0) {
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) fs.writeSync(fd, '\n');
  }
  return fd;
}

/** Appends whole lines. Lines queued in the same event-loop turn go out in one write(2). */
export class JsonlAppender {
  private fd: number;
  private pending: string[] = [];
  private scheduled = false;
  private dirty = false;
  private closed = false;
  private syncing = false;

  constructor(readonly path: string) {
    this.fd = openForAppend(path);
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

/** Calls `fn` for each complete line of a JSONL file that parses; a torn or corrupt line is skipped. */
export async function forEachJsonLine<T>(path: string, fn: (value: T) => void): Promise<void> {
  let fh: fs.promises.FileHandle;
  try { fh = await fs.promises.open(path, 'r'); } catch (err) { if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; throw err; }
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      const text = rest + decoder.write(buf.subarray(0, bytesRead));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        const line = text.slice(start, nl);
        start = nl + 1;
        if (line.length === 0) continue;
        let v: T;
        try { v = JSON.parse(line) as T; } catch { continue; }
        fn(v);
      }
      rest = text.slice(start);
    }
    // `rest` is a line without its newline: a torn write, never a complete record.
  } finally {
    await fh.close();
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
 * apart from a concurrent synchronous write of the same path.
 */
export async function writeFileAtomicAsync(path: string, text: string, tag = 'async'): Promise<void> {
  const tmp = `${path}.${process.pid}.${tag}.tmp`;
  const fh = await fs.promises.open(tmp, 'w');
  try { await fh.writeFile(text); await fh.sync(); } finally { await fh.close(); }
  await fs.promises.rename(tmp, path);
}
