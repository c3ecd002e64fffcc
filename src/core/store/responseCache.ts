// The content-addressed response cache shared by all runs: `.prompt-adapt/cache/<0-f>.jsonl`, 16 append-only
// shards of `<requestHash>\t<json>` lines. Crash-safe by construction (append-only, torn lines skipped) and
// safe with several writers (each line is one O_APPEND write). Only an index (hash -> offset) is kept in memory.
import fs from 'node:fs';
import path from 'node:path';
import { JsonlAppender } from './jsonl';

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

  constructor(readonly dir: string) { fs.mkdirSync(dir, { recursive: true }); }

  get(hash: string): CachedResponse | undefined {
    const shard = this.shard(hash);
    let off = shard.index.get(hash);
    if (off === undefined && shard.written.has(hash)) { this.reindex(shard, hash[0]!); off = shard.index.get(hash); }
    if (off === undefined) return undefined;
    const len = shard.lengths.get(hash)!;
    const buf = Buffer.allocUnsafe(len);
    fs.readSync(shard.fd, buf, 0, len, off);
    try { return JSON.parse(buf.toString('utf8')) as CachedResponse; } catch { return undefined; }
  }

  put(hash: string, value: CachedResponse): void {
    const shard = this.shard(hash);
    shard.appender ??= new JsonlAppender(this.shardPath(hash[0]!));
    shard.appender.append(`${hash}\t${JSON.stringify(value)}`);
    // Our own appends are found by re-indexing when asked for, rather than by tracking offsets other writers may shift.
    shard.written.add(hash);
  }

  checkpoint(): void { for (const s of this.shards.values()) s.appender?.checkpoint(); }

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
    const buf = fs.readFileSync(this.shardPath(c));
    let start = 0;
    for (let nl = buf.indexOf(0x0a); nl !== -1; nl = buf.indexOf(0x0a, start)) {
      const tab = buf.indexOf(0x09, start);
      if (tab > start && tab < nl) {
        const key = buf.toString('latin1', start, tab);
        s.index.set(key, tab + 1);
        s.lengths.set(key, nl - tab - 1);
      }
      start = nl + 1;
    }
  }
}
