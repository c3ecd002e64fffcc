// Append-only JSONL files that survive SIGKILL at any moment: lines are written in batches (one write per
// event-loop turn), fsynced at checkpoints, and a torn last line is repaired before the next append.
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Appends whole lines. Lines queued in the same event-loop turn go out in one write(2). */
export class JsonlAppender {
  private fd: number;
  private pending: string[] = [];
  private scheduled = false;
  private dirty = false;
  private closed = false;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'a+');
    const size = fs.fstatSync(this.fd).size;
    if (size > 0) {
      // A SIGKILL during a write can leave a torn last line: end it so the next line starts clean.
      const last = Buffer.alloc(1);
      fs.readSync(this.fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) fs.writeSync(this.fd, '\n');
    }
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
    fs.writeSync(this.fd, text);
    this.dirty = true;
  };

  /** Flushes and fsyncs: after this returns the lines survive a power cut too. */
  checkpoint(): void {
    this.flush();
    if (this.dirty && !this.closed) { fs.fsyncSync(this.fd); this.dirty = false; }
  }

  close(): void {
    if (this.closed) return;
    this.checkpoint();
    this.closed = true;
    fs.closeSync(this.fd);
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
