// Test-set loaders: JSONL, CSV and JSON arrays, streamed as AsyncIterable<Example> so a 200 MB / 100k-row set
// never sits in memory. Bad rows are reported (with their line) and skipped; the rest still loads. An empty
// or wrong-shaped file gives one clear error.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as path from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { pointRange, type Problem } from '../problems';
import { assertInsideProject, assertRegularFile, TextEncodingError, Utf8Guard } from '../workspaceFiles';
import { readCsv } from './csv';
import { duplicateJsonKey, fieldWithNul } from './jsonRows';
import { testSetFormatOf } from './parseProject';
import type { Example, FieldMapping, ProjectFile, TestSetSpec } from './types';

/** Where a test set is and how to read it. */
export interface TestSetSource {
  /** Path of the data file (absolute, or relative to the working directory). */
  path: string;
  /** By default from the extension (.jsonl/.ndjson, .csv, .json). */
  format?: 'jsonl' | 'csv' | 'json';
  fields?: FieldMapping;
  /** The test set's id, for messages. */
  id?: string;
  /** The folder the file must stay inside, after symbolic links (the project folder, for a path from a workspace file). */
  root?: string;
}

export interface ReadOptions {
  /** Called for every problem (bad line, missing mapped field, duplicate id, empty file…). */
  onProblem?: (p: Problem) => void;
  /** Stop after this many examples (the file is closed at once). */
  limit?: number;
  signal?: AbortSignal;
  /** Problems reported per file before the rest are summarised in one; default 100. */
  maxProblems?: number;
}

/** The source for a project's test set, with its path resolved against the project file. */
export function testSetSource(project: Pick<ProjectFile, 'path'>, spec: TestSetSpec): TestSetSource {
  const root = path.dirname(project.path);
  return { path: path.resolve(root, spec.path), format: spec.format, fields: spec.fields, id: spec.id, root };
}

/**
 * Checks a test set before reading it: inside its root (after symbolic links) and a regular file, so a link to
 * /etc/passwd is refused and a named pipe cannot hang the reader. Throws a UserError naming the file.
 */
async function checkSource(source: TestSetSource): Promise<number> {
  if (source.root !== undefined) await assertInsideProject(source.root, source.path);
  return (await assertRegularFile(source.path)).size;
}

/** The file's bytes, failing with a TextEncodingError (with line and column) where they stop being UTF-8 text. */
function textBytes(file: string): Readable {
  const guard = new Utf8Guard(file);
  // pipeline destroys the file stream when the guard fails or the reader stops early.
  pipeline(createReadStream(file, { highWaterMark: CHUNK }), guard, () => undefined);
  return guard;
}

/** A raw row with the line it starts on, or a problem on a line (`code` when it is not a bad row or file). */
type RawItem = { kind: 'record'; line: number; fields: Record<string, unknown> }
  | { kind: 'problem'; line: number; message: string; fatal: boolean; column?: number; endColumn?: number; code?: string };

const CHUNK = 1 << 20;

/** Splits a file into lines without decoding more than one line at a time. Strips a BOM and `\r`. */
async function* readLines(file: string, signal?: AbortSignal): AsyncGenerator<string> {
  const stream = textBytes(file);
  let carry: Buffer | undefined;
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
      carry = undefined;
      let at = 0;
      for (let nl = buf.indexOf(10, at); nl !== -1; nl = buf.indexOf(10, at)) {
        let line = buf.toString('utf8', at, nl > at && buf[nl - 1] === 13 ? nl - 1 : nl);
        if (first) { line = line.replace(/^\uFEFF/, ''); first = false; }
        yield line;
        at = nl + 1;
      }
      if (at < buf.length) carry = Buffer.from(buf.subarray(at));
    }
    if (carry && carry.length) {
      let line = carry.toString('utf8');
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (first) line = line.replace(/^\uFEFF/, '');
      yield line;
    }
  } finally {
    stream.destroy();
  }
}

/** V8's JSON.parse message, reworded, and the column it points at. */
function jsonError(err: unknown, text: string): { message: string; column?: number } {
  const raw = err instanceof Error ? err.message : String(err);
  const pos = /at position (\d+)/.exec(raw);
  let what = raw.replace(/,? ?".*" is not valid JSON$/, '').replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'it ends too early');
  if (/^Unexpected token/.test(what)) what = what.replace(/^Unexpected token '?(.)'?.*$/, "unexpected '$1'");
  what = what.charAt(0).toLowerCase() + what.slice(1);
  const column = pos ? Number(pos[1]) : text.length;
  return { message: what, column };
}

const twiceMessage = (key: string): string =>
  `has the key '${key}' twice in one object, and JSON keeps only the last; it was skipped. Remove or rename one of them.`;

const kindOfJson = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

async function* jsonlItems(file: string, signal?: AbortSignal): AsyncGenerator<RawItem> {
  let line = 0;
  let sawContent = false;
  let good = false;
  const early: RawItem[] = [];
  for await (const text of readLines(file, signal)) {
    line++;
    const trimmed = text.trim();
    if (trimmed === '') continue;
    if (!sawContent) {
      sawContent = true;
      // A pretty-printed JSON document is the usual wrong shape: say that once instead of failing every line.
      if (trimmed === '[' || trimmed === '{' || (trimmed.startsWith('[') && !trimmed.endsWith(']'))) {
        yield { kind: 'problem', line, fatal: true, message: trimmed.startsWith('[')
          ? "This file looks like a JSON array, not JSON Lines (one object per line). Rename it to .json or set 'format: json' for this test set."
          : 'This file looks like one JSON object spread over several lines. JSON Lines needs each example as a complete object on one line.' };
        return;
      }
    }
    let value: unknown;
    let problem: RawItem | undefined;
    try {
      value = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problem = { kind: 'problem', line, fatal: false, endColumn: text.length, message: `Line ${line} is ${kindOfJson(value)}, not an object with fields; it was skipped.` };
      }
    } catch (err) {
      const e = jsonError(err, text);
      problem = { kind: 'problem', line, fatal: false, column: e.column, endColumn: text.length, message: `Line ${line} is not valid JSON (${e.message}); it was skipped. Each line must be one complete JSON object.` };
    }
    if (problem) {
      if (!good) {
        // Held back until a good line shows the file is JSONL with a few bad lines, not some other format.
        early.push(problem);
        if (early.length === 3) {
          yield { kind: 'problem', line: early[0]!.line, fatal: true, message: 'This file does not look like JSON Lines: its first lines are not JSON objects. Each line must be one complete JSON object (check the file and its format).' };
          return;
        }
      } else yield problem;
      continue;
    }
    good = true;
    yield* early.splice(0);
    const dup = duplicateJsonKey(text, value);
    if (dup) {
      yield { kind: 'problem', line, fatal: false, column: dup.offset, endColumn: dup.offset + JSON.stringify(dup.key).length, message: `Line ${line} ${twiceMessage(dup.key)}` };
      continue;
    }
    yield { kind: 'record', line, fields: value as Record<string, unknown> };
  }
  yield* early;
}

/**
 * A JSON array of objects, scanned byte by byte so that only one element is held at a time. A bad element is
 * reported at its line and skipped; a document that is not an array is one error.
 */
async function* jsonArrayItems(file: string, signal?: AbortSignal): AsyncGenerator<RawItem> {
  const stream = textBytes(file);
  const scanner = new JsonArrayScanner();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      yield* scanner.feed(chunk);
      if (scanner.stopped) return;
    }
    const last = scanner.end();
    if (last) yield last;
  } finally {
    stream.destroy();
  }
}

/** The state of a streamed scan of one JSON array: where we are, and the bytes of the element being read. */
class JsonArrayScanner {
  /** A fatal problem was reported: the rest of the file is not read. */
  stopped = false;
  private line = 1;
  private state: 'start' | 'beforeElement' | 'afterElement' | 'done' = 'start';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: Buffer[] = [];
  private elementLine = 0;
  /** Offset in the current chunk where the element began. */
  private elementStart = -1;
  private index = 0;
  private trailing = false;
  private first = true;

  /** Scans one chunk; returns the elements and problems it completed. */
  feed(chunk: Buffer): RawItem[] {
    const out: RawItem[] = [];
    let i = 0;
    if (this.first && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    this.first = false;
    if (this.elementStart === -1 && this.depth > 0) this.elementStart = 0; // an element continues from the previous chunk
    for (; i < chunk.length && !this.stopped; i++) {
      const c = chunk[i]!;
      if (c === 10) this.line++;
      if (this.depth > 0) this.insideElement(c, chunk, i, out);
      else i = this.topLevel(c, chunk, i, out);
    }
    if (this.depth > 0 && this.elementStart !== -1) { this.parts.push(Buffer.from(chunk.subarray(this.elementStart))); this.elementStart = -1; }
    return out;
  }

  /** The problem of a file that ends inside the array, if it does. */
  end(): RawItem | undefined {
    if (this.state === 'start' || (this.depth === 0 && this.state === 'done')) return undefined; // empty: reported by the caller
    return { kind: 'problem', line: this.depth > 0 ? this.elementLine : this.line, fatal: true, message: this.depth > 0
      ? `The element starting on line ${this.elementLine} is never closed (a missing '}' or '"'); the file ends inside it.`
      : "The array is never closed: the file ends before its ']'." };
  }

  private insideElement(c: number, chunk: Buffer, i: number, out: RawItem[]): void {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (c === 92) this.escaped = true;
      else if (c === 34) this.inString = false;
      return;
    }
    if (c === 34) this.inString = true;
    else if (c === 123 || c === 91) this.depth++;
    else if ((c === 125 || c === 93) && --this.depth === 0) { out.push(this.elementDone(chunk, i + 1)); this.state = 'afterElement'; }
  }

  /** One byte between elements; returns the index to continue from (a scalar element is skipped whole). */
  private topLevel(c: number, chunk: Buffer, i: number, out: RawItem[]): number {
    if (c === 32 || c === 9 || c === 10 || c === 13) return i;
    if (this.state === 'start') {
      if (c === 91) { this.state = 'beforeElement'; return i; }
      const what = c === 123 ? 'a single JSON object' : 'not a JSON array';
      return this.fatal(out, i, `The file is ${what}; a JSON test set must be an array of objects ([{…}, {…}]). For one object per line, use a .jsonl file.`);
    }
    if (this.state === 'done') return this.fatal(out, i, `Unexpected text after the closing ']' on line ${this.line}; a JSON test set is a single array.`);
    if (c === 93) { // ]
      if (this.trailing) out.push({ kind: 'problem', line: this.line, fatal: false, message: `A trailing comma before ']' on line ${this.line}; remove it.` });
      this.state = 'done';
      return i;
    }
    if (c === 44) { // ,
      if (this.state !== 'afterElement') out.push({ kind: 'problem', line: this.line, fatal: false, message: `An extra ',' on line ${this.line}; remove it.` });
      this.state = 'beforeElement';
      this.trailing = true;
      return i;
    }
    this.trailing = false;
    if (this.state === 'afterElement') out.push({ kind: 'problem', line: this.line, fatal: false, message: `A ',' is missing before the element on line ${this.line}.` });
    this.elementLine = this.line;
    if (c === 123 || c === 91) { this.depth = 1; this.elementStart = i; return i; }
    // A scalar element: read it to the next ',' or ']' (strings may contain those).
    const end = scalarEnd(chunk, i);
    this.index++;
    const text = chunk.toString('utf8', i, end);
    out.push({ kind: 'problem', line: this.line, fatal: false, message: `Element ${this.index} (line ${this.line}) is ${text.startsWith('"') ? 'a string' : `'${text.slice(0, 20)}'`}, not an object with fields; it was skipped.` });
    this.state = 'afterElement';
    return end - 1;
  }

  private fatal(out: RawItem[], i: number, message: string): number {
    out.push({ kind: 'problem', line: this.line, fatal: true, message });
    this.stopped = true;
    return i;
  }

  private elementDone(chunk: Buffer, end: number): RawItem {
    this.parts.push(chunk.subarray(this.elementStart, end));
    const text = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    this.elementStart = -1;
    const index = ++this.index;
    const at = this.elementLine;
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { kind: 'problem', line: at, fatal: false, message: `Element ${index} (line ${at}) is ${kindOfJson(value)}, not an object with fields; it was skipped.` };
      }
      const dup = duplicateJsonKey(text, value);
      if (dup) {
        const line = at + (text.slice(0, dup.offset).match(/\n/g)?.length ?? 0);
        return { kind: 'problem', line, fatal: false, message: `Element ${index} (starting on line ${at}) ${twiceMessage(dup.key)}` };
      }
      return { kind: 'record', line: at, fields: value as Record<string, unknown> };
    } catch (err) {
      return { kind: 'problem', line: at, fatal: false, message: `Element ${index} (line ${at}) is not valid JSON (${jsonError(err, text).message}); it was skipped.` };
    }
  }
}
// Scalars at the top level of the array are rare (and wrong); they are delimited within one chunk.
function scalarEnd(chunk: Buffer, i: number): number {
  let inStr = chunk[i] === 34;
  let j = i + 1;
  for (; j < chunk.length; j++) {
    const c = chunk[j]!;
    if (inStr) { if (c === 92) j++; else if (c === 34) inStr = false; continue; }
    if (c === 44 || c === 93 || c === 10 || c === 13 || c === 32) break;
  }
  return j;
}

async function* csvItems(file: string, signal?: AbortSignal): AsyncGenerator<RawItem> {
  for await (const item of readCsv(textBytes(file))) {
    signal?.throwIfAborted();
    yield item;
  }
}

/** Raw items with the checks every format shares: a NUL character in a row, bytes that are not UTF-8 text. */
async function* checkedItems(items: AsyncGenerator<RawItem>): AsyncGenerator<RawItem> {
  try {
    for await (const item of items) {
      const withNul = item.kind === 'record' ? fieldWithNul(item.fields) : undefined;
      yield withNul === undefined ? item : { kind: 'problem', line: item.line, fatal: false,
        message: `The row on line ${item.line} has a NUL character (U+0000) in field '${withNul.replace(/\0/g, '\\0')}'; it was skipped. Test data must be text.` };
    }
  } catch (err) {
    if (!(err instanceof TextEncodingError)) throw err;
    // Not text at all: one error where it shows, and nothing after it is read.
    const { line, column, code, message } = err.problem;
    yield { kind: 'problem', line, column: column - 1, fatal: true, code, message: `${message} The test set was not read past this point.` };
  } finally {
    await items.return(undefined);
  }
}

/** The format of a source: its own setting, else its extension. */
export function formatOf(source: TestSetSource): 'jsonl' | 'csv' | 'json' | undefined {
  return source.format ?? testSetFormatOf(source.path);
}

/** A short, stable hash of a row: canonical JSON (keys sorted at every level), SHA-256, 16 hex digits. */
export function rowHash(fields: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted, so the same row always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The fields a mapping reads (its values), excluding nothing: every one should exist in every row. */
export function mappedFields(mapping: FieldMapping = {}): { variable: string; field: string }[] {
  return Object.entries(mapping).flatMap(([variable, f]) => (f === undefined ? [] : (Array.isArray(f) ? f : [f]).map((field) => ({ variable, field }))));
}

/**
 * Streams the examples of a test set. Problems go to `opts.onProblem`: bad lines (skipped), rows without a
 * mapped field, duplicate ids (made unique with a `~2` suffix), keys written twice and NUL characters in a row,
 * an empty or wrong-shaped file, bytes that are not UTF-8 text. Rejects when the file cannot be opened, is not a
 * regular file or lies outside `source.root` (a UserError naming it), or on abort.
 */
export async function* readExamples(source: TestSetSource, opts: ReadOptions = {}): AsyncGenerator<Example> {
  const file = source.path;
  const maxProblems = opts.maxProblems ?? 100;
  let problemCount = 0;
  let suppressed = 0;
  const report = (severity: Problem['severity'], line: number, code: string, message: string, column = 0, endColumn = column): void => {
    problemCount++;
    if (problemCount > maxProblems) { suppressed++; return; }
    opts.onProblem?.({ file, severity, code, message, range: { start: { line: line - 1, character: column }, end: { line: line - 1, character: endColumn } } });
  };
  const format = formatOf(source);
  if (!format) {
    report('error', 1, 'unknown-format', `Cannot tell the format of ${path.basename(file)} from its extension; use .jsonl, .csv or .json, or set 'format' for this test set.`);
    return;
  }
  if ((await checkSource(source)) === 0) {
    report('error', 1, 'empty-test-set', `The test set ${path.basename(file)} is empty (0 bytes); add examples${format === 'csv' ? ' after a header line' : format === 'json' ? ' as a JSON array of objects' : ', one JSON object per line'}.`);
    return;
  }
  const items = checkedItems(format === 'jsonl' ? jsonlItems(file, opts.signal) : format === 'csv' ? csvItems(file, opts.signal) : jsonArrayItems(file, opts.signal));
  const mapping = source.fields ?? {};
  const needed = mappedFields(mapping);
  const idField = typeof mapping.id === 'string' ? mapping.id : undefined;
  const seenIds = new Map<string, number>();
  const missingWarned = new Set<string>();
  let rows = 0;
  let bad = 0;
  let fatal = false;
  try {
    for await (const item of items) {
      if (item.kind === 'problem') {
        bad++;
        report('error', item.line, item.code ?? (item.fatal ? 'bad-test-set' : 'bad-row'), item.message, item.column ?? 0, item.endColumn ?? item.column ?? 0);
        if (item.fatal) { fatal = true; break; }
        continue;
      }
      // A missing mapped field is reported once per field (with the first line), not once per row.
      for (const { variable, field } of needed) {
        if (item.fields[field] !== undefined || missingWarned.has(field)) continue;
        missingWarned.add(field);
        report('warning', item.line, 'missing-field', `The row on line ${item.line} has no field '${field}' (mapped to '${variable === 'id' ? 'id' : `{{${variable}}}`}'); rows without it ${variable === 'id' ? 'get a hash id' : 'cannot be rendered'}. Fix the mapping under this test set's 'fields', or the data.`);
      }
      let id: string;
      const raw = idField !== undefined ? item.fields[idField] : undefined;
      if ((typeof raw === 'string' && raw !== '') || typeof raw === 'number') id = String(raw);
      else id = rowHash(item.fields);
      const before = seenIds.get(id);
      if (before !== undefined) {
        let k = 2;
        while (seenIds.has(`${id}~${k}`)) k++;
        report('warning', item.line, 'duplicate-id', idField !== undefined && raw !== undefined
          ? `Duplicate id '${id}' (first on line ${before}); this row is kept as '${id}~${k}', but ids should be unique.`
          : `This row repeats the row on line ${before} exactly; it is kept as '${id}~${k}'.`);
        id = `${id}~${k}`;
      }
      seenIds.set(id, item.line);
      rows++;
      yield { id, line: item.line, fields: item.fields };
      if (opts.limit !== undefined && rows >= opts.limit) return;
    }
  } finally {
    await items.return(undefined);
    if (suppressed) opts.onProblem?.({ file, severity: 'warning', code: 'more-problems', range: pointRange(0, 0), message: `…and ${suppressed} more problems in this test set that are not listed.` });
  }
  if (rows === 0 && bad === 0) {
    report('error', 1, 'empty-test-set', format === 'csv'
      ? `The test set ${path.basename(file)} has a header but no rows; add one example per line below the header.`
      : `The test set ${path.basename(file)} has no examples.`);
  } else if (rows === 0 && !fatal) {
    report('error', 1, 'no-examples', `No example in ${path.basename(file)} could be read; see the problems above.`);
  }
}

/** Reads a whole test set for its row count and problems (the CLI's `validate`). */
export async function validateTestSet(source: TestSetSource, opts: Omit<ReadOptions, 'onProblem' | 'limit'> = {}): Promise<{ rows: number; problems: Problem[] }> {
  const problems: Problem[] = [];
  let rows = 0;
  for await (const _ of readExamples(source, { ...opts, onProblem: (p) => problems.push(p) })) rows++;
  return { rows, problems };
}

/** The first `n` good examples (for hover samples and the tree); problems on the way are returned too. */
export async function sampleExamples(source: TestSetSource, n = 5): Promise<{ examples: Example[]; problems: Problem[] }> {
  const problems: Problem[] = [];
  const examples: Example[] = [];
  if (n <= 0) return { examples, problems };
  for await (const e of readExamples(source, { limit: n, onProblem: (p) => problems.push(p) })) examples.push(e);
  return { examples, problems };
}

/** Field names seen in the first `rows` examples, in order of first appearance (for completion). */
export async function fieldNames(source: TestSetSource, rows = 20): Promise<string[]> {
  const names = new Set<string>();
  const { examples } = await sampleExamples(source, rows);
  for (const e of examples) for (const k of Object.keys(e.fields)) names.add(k);
  return [...names];
}

/**
 * A cheap row count for the tree view: counts non-blank lines (JSONL), records outside quotes minus the header
 * (CSV), or top-level elements (JSON) without parsing rows. Bad rows are counted too.
 */
export async function countRows(source: TestSetSource, signal?: AbortSignal): Promise<number> {
  const format = formatOf(source);
  await checkSource(source);
  const stream = createReadStream(source.path, { highWaterMark: CHUNK });
  let count = 0;
  let lineHasContent = false;
  let inQuotes = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i]!;
        if (format === 'json') {
          if (inString) { if (escaped) escaped = false; else if (c === 92) escaped = true; else if (c === 34) inString = false; continue; }
          if (c === 34) { inString = true; if (depth === 1) count++; }
          else if (c === 123 || c === 91) { if (depth === 1) count++; depth++; }
          else if (c === 125 || c === 93) depth--;
          else if (depth === 1 && c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 44 && (i === 0 || isDelim(chunk[i - 1]!))) count++;
          continue;
        }
        if (format === 'csv' && c === 34) inQuotes = !inQuotes;
        if (c === 10) { if (lineHasContent && !inQuotes) count++; if (!inQuotes) lineHasContent = false; }
        else if (c !== 13 && c !== 32 && c !== 9) lineHasContent = true;
      }
    }
  } finally {
    stream.destroy();
  }
  if (format !== 'json' && lineHasContent) count++;
  return format === 'csv' ? Math.max(0, count - 1) : count;
}
const isDelim = (c: number): boolean => c === 44 || c === 91 || c === 32 || c === 10 || c === 13 || c === 9;
