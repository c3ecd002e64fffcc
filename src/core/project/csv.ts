// The only module that imports `csv-parse`. Streams RFC 4180 CSV (quoted fields with newlines, "" escapes,
// a UTF-8 BOM) as records keyed by the header, with the line each record starts on. A bad record is
// reported and skipped; an unclosed quote ends the file (everything after it is one broken field).
import { parse } from 'csv-parse';
import type { Readable } from 'node:stream';

/** One data record, or a problem with the record starting at `line` (1-based). */
export type CsvItem =
  | { kind: 'record'; line: number; fields: Record<string, string> }
  | { kind: 'problem'; line: number; message: string; fatal: boolean };

/** Longest record we accept; a longer one almost always means an unclosed quote swallowing the file. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** Line breaks inside a record's (quoted) fields: a CRLF counts once. */
function newlines(values: unknown[]): number {
  let n = 0;
  for (const v of values) if (typeof v === 'string') for (let i = v.indexOf('\n'); i !== -1; i = v.indexOf('\n', i + 1)) n++;
  return n;
}

/** Parses CSV from a byte stream. The first record is the header. */
export async function* readCsv(input: Readable): AsyncGenerator<CsvItem> {
  const pending: CsvItem[] = [];
  let header: string[] | undefined;
  let lastEnd = 0; // line on which the previous record (or skipped record) ended
  let lastEmpty = 0;
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    columns: (names: string[]) => {
      const seen = new Set<string>();
      names.forEach((n, i) => {
        if (n.trim() === '') pending.push({ kind: 'problem', line: 1, fatal: false, message: `Column ${i + 1} of the header has no name; its values are available as 'column${i + 1}'.` });
        else if (seen.has(n)) pending.push({ kind: 'problem', line: 1, fatal: false, message: `The header names the column '${n}' twice; only the last one is used. Rename one of them.` });
        seen.add(n);
      });
      header = names.map((n, i) => (n.trim() === '' ? `column${i + 1}` : n));
      lastEnd = 1;
      return header;
    },
    on_record: (record: Record<string, string>, info: { lines: number; empty_lines: number }) => {
      // The record starts after the previous one and any empty lines skipped in between.
      const line = lastEnd + 1 + (info.empty_lines - lastEmpty);
      // csv-parse counts a CRLF inside quotes as two lines, so we count the record's own line breaks.
      lastEnd = line + newlines(Object.values(record));
      lastEmpty = info.empty_lines;
      return { line, record, before: pending.splice(0) };
    },
    on_skip: (err) => {
      if (!err) return undefined;
      const ctx = err as { lines?: number; empty_lines?: number };
      const empties = ctx.empty_lines ?? lastEmpty;
      const start = lastEnd + 1 + (empties - lastEmpty);
      const fieldsOfBad = (err as { record?: unknown }).record;
      const at = Array.isArray(fieldsOfBad) ? start + newlines(fieldsOfBad) : ctx.lines ?? start;
      lastEmpty = empties;
      if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
        pending.push({ kind: 'problem', line: start, fatal: true, message: `A quoted field in the record starting on line ${start} is never closed, so lines ${start}–${at} could not be read. Close the quote; write "" for a quote inside a quoted field.` });
      } else if (err.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' || err.code === 'CSV_RECORD_INCONSISTENT_COLUMNS') {
        const m = /columns length is (\d+), got (\d+)/.exec(err.message);
        const detail = m ? `has ${m[2]} fields but the header has ${m[1]}` : 'does not have as many fields as the header';
        pending.push({ kind: 'problem', line: start, fatal: false, message: `The record on line ${start} ${detail}; it was skipped. Quote fields that contain commas.` });
      } else if (err.code === 'CSV_INVALID_CLOSING_QUOTE') {
        pending.push({ kind: 'problem', line: at, fatal: false, message: `Line ${at} has a quote in the middle of a quoted field; it was skipped. Write "" for a quote inside a quoted field.` });
      } else if (err.code === 'CSV_MAX_RECORD_SIZE') {
        pending.push({ kind: 'problem', line: start, fatal: true, message: `The record starting on line ${start} is longer than 16 MB, most likely because of an unclosed quote; the rest of the file was not read.` });
      } else {
        pending.push({ kind: 'problem', line: at, fatal: false, message: `Line ${at} is not valid CSV (${err.message}); it was skipped.` });
      }
      lastEnd = at;
      return undefined;
    },
  });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ line: number; record: Record<string, string>; before: CsvItem[] }>) {
      yield* item.before;
      yield { kind: 'record', line: item.line, fields: item.record };
    }
    while (pending.length) yield pending.shift()!;
  } finally {
    input.unpipe(parser);
    input.destroy();
    parser.destroy();
  }
}
