// The content-addressed response cache shared by all runs: `.prompt-adapt/cache/<0-f>.jsonl`, 16 append-only
// shards of `<requestHash>\t<json>` lines. Crash-safe by construction (append-only, torn lines skipped) and
// safe with several writers (each line is one O_APPEND write). Only an index (hash -> offset) is kept in memory.
import fs from 'node:fs';
import path from 'node:path';
import { JsonlAppender } from './jsonl';
import type { OnStoreProblem } from './problems';

/** What the cache keeps of a response. */
export interface CachedResponse {
  output: string;
  finishReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  latencyMs?: number;
  requestId?: string;
  /** The model the server said answered, when it differs from the one asked for. */
  replyModel?: string;
  /** Answered through the provider's batch service (batch prices apply; no latency is measured). */
  batch?: true;
  at: string;
}

interface Shard { fd: number; index: Map<string, number>; lengths: Map<string, number>; appender?: JsonlAppender; written: Set<string> }

export class ResponseCache {
  private readonly shards = new Map<string, Shard>();

  /** Lines already reported (`file:line`): a shard is indexed again after our own appends. */
  private readonly reported = new Set<string>();

  constructor(readonly dir: string, private readonly onProblem?: OnStoreProblem) { fs.mkdirSync(dir, { recursive: true }); }

  /** Reports a damaged line once; the entry is ignored, so its request is sent again rather than answered wrongly. */
  private damaged(file: string, line: number, why: string): void {
    const key = `${file}:${line}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.onProblem?.({ file, line, kind: 'unreadable-line', message: `${why}; the cache entry is ignored and its request is sent again` });
  }

  /** The 1-based line of the byte at `offset` in a shard (only computed for a damaged entry). */
  private lineAt(shard: Shard, offset: number): number {
    const buf = Buffer.allocUnsafe(offset);
    const n = fs.readSync(shard.fd, buf, 0, offset, 0);
    let line = 1;
    for (let i = buf.indexOf(0x0a); i !== -1 && i < n; i = buf.indexOf(0x0a, i + 1)) line++;
    return line;
  }

  get(hash: string): CachedResponse | undefined {
    const shard = this.shard(hash);
    let off = shard.index.get(hash);
    if (off === undefined && shard.written.has(hash)) { this.reindex(shard, hash[0]!); off = shard.index.get(hash); }
    if (off === undefined) return undefined;
    const len = shard.lengths.get(hash)!;
    const buf = Buffer.allocUnsafe(len);
    fs.readSync(shard.fd, buf, 0, len, off);
    let value: Partial<CachedResponse> | undefined;
    try { value = JSON.parse(buf.toString('utf8')) as Partial<CachedResponse>; } catch { /* reported below */ }
    if (value && typeof value === 'object' && typeof value.output === 'string') return value as CachedResponse;
    this.damaged(this.shardPath(hash[0]!), this.lineAt(shard, off), value === undefined ? 'not valid JSON' : 'not a cached response (no output text)');
    return undefined;
  }

  put(hash: string, value: CachedResponse): void {
    const shard = this.shard(hash);
    shard.appender ??= new JsonlAppender(this.shardPath(hash[0]!));
    shard.appender.append(`${hash}\t${JSON.stringify(value)}`);
    // Our own appends are found by re-indexing when asked for, rather than by tracking offsets other writers may shift.
    shard.written.add(hash);
  }

  checkpoint(): void { for (const s of this.shards.values()) s.appender?.checkpoint(); }
  /** Writes queued entries now (they then survive a crash of this process). */
  flush(): void { for (const s of this.shards.values()) s.appender?.flush(); }

  close(): void {
    for (const s of this.shards.values()) { s.appender?.close(); fs.closeSync(s.fd); }
    this.shards.clear();
  }

  private shardPath(c: string): string { return path.join(this.dir, `${c}.jsonl`); }

  private shard(hash: string): Shard {
    const c = hash[0]!;
    let s = this.shards.get(c);
    if (!s) {
      const fd = fs.openSync(this.shardPath(c), 'a+');
      s = { fd, index: new Map(), lengths: new Map(), written: new Set() };
      this.shards.set(c, s);
      this.reindex(s, c);
    }
    return s;
  }

  private reindex(s: Shard, c: string): void {
    s.appender?.flush();
    const file = this.shardPath(c);
    const buf = fs.readFileSync(file);
    let start = 0;
    let line = 0;
    for (let nl = buf.indexOf(0x0a); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      line++;
      const tab = buf.indexOf(0x09, start);
      if (tab > start && tab < nl) {
        const key = buf.toString('latin1', start, tab);
        s.index.set(key, tab + 1);
        s.lengths.set(key, nl - tab - 1);
      } else if (nl > start) this.damaged(file, line, 'not a cache entry (no request hash and tab)');
      start = nl + 1;
    }
  }
}
