// The bytes of a run summary (see runSummary.ts and verdictSummary.ts): the meta length (uint32 LE), the meta as
// JSON, text sections, then numeric columns, one after another. Reading throws on anything out of place; the callers
// then read the run in full.
import os from 'node:os';

type Column = Int32Array | Uint8Array | Float64Array;

/** The parts of a summary, to be written one after another. */
export function encodeSummary(meta: object, texts: readonly Buffer[], columns: readonly Column[]): Buffer[] {
  const json = Buffer.from(JSON.stringify({ ...meta, endian: os.endianness() }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return [length, json, ...texts, ...columns.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))];
}

/**
 * Ids as a text section, one per line; ids that lines of UTF-8 cannot give back as they are (a line break, a lone
 * surrogate) go into the meta (`json`) instead, and the section is empty.
 */
export function idsSection(ids: readonly string[]): { json?: string[]; text: Buffer } {
  if (ids.some((id) => /[\n\p{Cs}]/u.test(id))) return { json: [...ids], text: Buffer.alloc(0) };
  return { text: Buffer.from(ids.join('\n')) };
}

/** Reads a summary's parts in the order they were written. */
export class SummaryDecoder {
  readonly meta: Record<string, unknown>;
  private at: number;

  constructor(private readonly body: Buffer) {
    const metaEnd = 4 + body.readUInt32LE(0);
    this.meta = JSON.parse(body.toString('utf8', 4, metaEnd)) as Record<string, unknown>;
    if (!this.meta || this.meta.endian !== os.endianness()) throw new Error('not a summary of this machine');
    this.at = metaEnd;
  }

  text(bytes: unknown, encoding: 'utf8' | 'latin1'): string {
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0 || this.at + bytes > this.body.length) throw new Error('bad section');
    return this.body.toString(encoding, this.at, (this.at += bytes));
  }

  /** `n` ids written by `idsSection`. */
  ids(json: unknown, bytes: unknown, n: number): string[] {
    const ids = json ?? (n === 0 ? (this.text(bytes, 'utf8'), []) : this.text(bytes, 'utf8').split('\n'));
    if (!Array.isArray(ids) || ids.length !== n || !ids.every((x) => typeof x === 'string')) throw new Error('bad ids');
    return ids as string[];
  }

  /** A column of `n` values, copied out (typed arrays need aligned memory). */
  column<A extends Column>(make: new (len: number) => A, n: number): A {
    const a = new make(n);
    if (this.at + a.byteLength > this.body.length) throw new Error('summary cut short');
    new Uint8Array(a.buffer).set(this.body.subarray(this.at, (this.at += a.byteLength)));
    return a;
  }

  get complete(): boolean { return this.at === this.body.length; }
}

/** The index of `value` in `list`, added at the end when absent. */
export function indexIn<T>(list: T[], value: T): number {
  const i = list.indexOf(value);
  return i >= 0 ? i : list.push(value) - 1;
}
