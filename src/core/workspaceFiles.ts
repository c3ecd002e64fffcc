// Reading files that the workspace names (test sets, prompts): a shared repository is untrusted input. A path
// written in a workspace file must stay inside the project folder after symbolic links are followed, the
// target must be a regular file (a named pipe would hang, a device never ends), and the bytes must be UTF-8
// text (Latin-1 would silently become U+FFFD, UTF-16 would parse as one long string).
import { isUtf8 } from 'node:buffer';
import { promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { UserError } from './errors';

/** True when `p` is `root` or below it (both absolute). */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Why a path written in a workspace file may not be read without looking at the disk, or undefined. */
export function lexicalPathProblem(root: string, baseDir: string, ref: string): string | undefined {
  if (path.isAbsolute(ref) || path.win32.isAbsolute(ref)) {
    return `'${ref}' is an absolute path; name a file inside the project folder, relative to the file that names it.`;
  }
  if (!isInside(root, path.resolve(baseDir, ref))) return `'${ref}' leads outside the project folder (${root}); only files inside it are read.`;
  return undefined;
}

const realpathOrSelf = (p: string): Promise<string> => fsp.realpath(p).catch(() => p);

/** Throws a UserError naming `file` when it lies outside `root` once symbolic links are followed. */
export async function assertInsideProject(root: string, file: string): Promise<void> {
  const [real, realRoot] = await Promise.all([realpathOrSelf(file), realpathOrSelf(root)]);
  if (!isInside(realRoot, real)) {
    throw new UserError(`${file} is outside the project folder (${root})${real !== file ? `: it leads to ${real}` : ''}; only files inside it are read.`);
  }
}

/**
 * Why a file named in a workspace file under `root` may not be read, worded to follow its name: a link out of
 * the folder, or not a regular file. A missing file is not a problem here (the reader says so).
 */
export async function linkTargetProblem(root: string, target: string): Promise<{ code: string; message: string } | undefined> {
  const [real, realRoot] = await Promise.all([realpathOrSelf(target), realpathOrSelf(root)]);
  if (!isInside(realRoot, real)) return { code: 'outside-project', message: `is a symbolic link to ${real}, outside the project folder; only files inside it are read.` };
  const st = await fsp.stat(target).catch(() => undefined);
  if (st && !st.isFile()) return { code: 'not-a-file', message: `is ${kindOf(st)}, not a file.` };
  return undefined;
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Throws a UserError naming `file` unless it is a regular file (stat never blocks, unlike opening a FIFO). */
export async function assertRegularFile(file: string): Promise<Stats> {
  const st = await fsp.stat(file);
  if (!st.isFile()) throw new UserError(`${file} is ${kindOf(st)}, not a file; name a data file.`);
  return st;
}

/** A file that is not UTF-8 text, at the first place that shows it (1-based line and column). */
export interface EncodingProblem { code: 'utf16' | 'nul-byte' | 'not-utf8'; message: string; line: number; column: number }

const UTF16_ADVICE = "This file is UTF-16 text; save it as UTF-8 (most editors: 'Save with Encoding' → UTF-8).";

/** Offset of the first byte that is not part of a valid UTF-8 sequence (call only when `isUtf8` said no). */
function firstInvalidUtf8(buf: Uint8Array): number {
  for (let i = 0; i < buf.length;) {
    const b = buf[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > buf.length || !isUtf8(buf.subarray(i, i + len))) return i;
    i += len;
  }
  return buf.length;
}

/** Characters (not bytes) in a valid UTF-8 byte range: every byte that is not a continuation byte. */
function charCount(buf: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) if ((buf[i]! & 0xc0) !== 0x80) n++;
  return n;
}

/**
 * The first reason `buf` is not UTF-8 text, or undefined. `atStart` enables the UTF-16 byte-order-mark check;
 * `line`/`column` are where `buf` begins in the file (for streamed chunks).
 */
export function encodingProblem(buf: Uint8Array, atStart = true, line = 1, column = 1): EncodingProblem | undefined {
  if (atStart && buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    return { code: 'utf16', message: UTF16_ADVICE, line: 1, column: 1 };
  }
  const nul = buf.indexOf(0);
  const beforeNul = nul === -1 ? buf : buf.subarray(0, nul);
  const bad = isUtf8(beforeNul) ? -1 : firstInvalidUtf8(beforeNul);
  if (bad === -1 && nul === -1) return undefined;
  const at = bad === -1 ? nul : bad;
  let lineStart = 0;
  for (let i = buf.indexOf(10); i !== -1 && i < at; i = buf.indexOf(10, i + 1)) { line++; lineStart = i + 1; column = 1; }
  column += charCount(buf, lineStart, at);
  if (bad === -1) {
    // UTF-16 without a byte-order mark has a NUL next to every ASCII character.
    const utf16 = buf.length >= 4 && (buf[1] === 0 || buf[0] === 0) && (buf[3] === 0 || buf[2] === 0);
    return utf16 && atStart
      ? { code: 'utf16', message: UTF16_ADVICE, line: 1, column: 1 }
      : { code: 'nul-byte', message: `Line ${line}, column ${column} has a NUL byte: this is binary data, not text. Remove it (a test set and a prompt must be UTF-8 text).`, line, column };
  }
  const byte = buf[at]!.toString(16).toUpperCase().padStart(2, '0');
  return { code: 'not-utf8', line, column, message: `Line ${line}, column ${column} is not UTF-8 text (byte 0x${byte}). Save the file as UTF-8; files saved as Latin-1 or Windows-1252 show this.` };
}

/** An encoding problem found while streaming a file, as an error that carries where it is. */
export class TextEncodingError extends UserError {
  constructor(readonly file: string, readonly problem: EncodingProblem) {
    super(`${file}:${problem.line}:${problem.column}: ${problem.message}`);
  }
}

/** Length of `buf` without a trailing incomplete UTF-8 sequence (which the next chunk completes). */
function completeLength(buf: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead byte
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? buf.length - back : buf.length;
  }
  return buf.length;
}

/** Passes bytes through unchanged and fails with a TextEncodingError at the first byte that is not UTF-8 text. */
export class Utf8Guard extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  private line = 1;
  private column = 1;
  private atStart = true;
  constructor(private readonly file: string) { super(); }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const end = completeLength(buf);
    const body = buf.subarray(0, end);
    const problem = encodingProblem(body, this.atStart, this.line, this.column);
    if (problem) { done(new TextEncodingError(this.file, problem)); return; }
    this.atStart = false;
    const lastNl = body.lastIndexOf(10);
    if (lastNl !== -1) {
      for (let i = body.indexOf(10); i !== -1; i = body.indexOf(10, i + 1)) this.line++;
      this.column = 1 + charCount(body, lastNl + 1, body.length);
    } else this.column += charCount(body, 0, body.length);
    this.carry = Buffer.from(buf.subarray(end));
    done(null, body);
  }

  override _flush(done: TransformCallback): void {
    if (!this.carry.length) { done(); return; }
    done(new TextEncodingError(this.file, { code: 'not-utf8', line: this.line, column: this.column, message: `The file ends inside a UTF-8 character (line ${this.line}, column ${this.column}); it is cut off or not UTF-8 text.` }));
  }
}

/**
 * Decodes a whole workspace text file: UTF-8 only (a UTF-8 byte-order mark is dropped), and a lone carriage
 * return counts as a line break, as in editors (it becomes `\n`, so offsets do not move).
 */
export function decodeWorkspaceText(buf: Buffer): { text: string } | { problem: EncodingProblem } {
  const problem = encodingProblem(buf);
  if (problem) return { problem };
  let text = buf.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text: normalizeLoneCr(text) };
}

/** Lone `\r` line breaks (old Mac files) as `\n`; same length, so every offset stays where it was. */
export const normalizeLoneCr = (text: string): string => (text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text);

/** Largest prompt or project file we read whole; anything bigger is not a hand-written file. */
export const MAX_WORKSPACE_TEXT_BYTES = 16 * 1024 * 1024;

/** Reads a workspace text file (a regular file, at most 16 MB) for `decodeWorkspaceText`. */
export async function readWorkspaceBytes(file: string): Promise<Buffer> {
  const st = await assertRegularFile(file);
  if (st.size > MAX_WORKSPACE_TEXT_BYTES) throw new UserError(`${file} is ${(st.size / 1048576).toFixed(0)} MB; a prompt or project file is at most 16 MB.`);
  return fsp.readFile(file);
}
