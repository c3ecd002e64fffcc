// The adaptation's own files outside the store: the parent prompt it reads and the variant files it writes
// next to it (never over a different file it did not write), and the project file when a variant is adopted.
import fs from 'node:fs';
import { UserError } from '../errors';

/** A prompt file's text as the editor shows it (no BOM). */
export function readPromptText(file: string): string {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { throw new UserError(`cannot read ${file}: ${(e as Error).message}`); }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The text of a file, or undefined when there is none. */
export function existingText(file: string): string | undefined {
  try { return fs.readFileSync(file, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

/** Writes a file through a temporary file and a rename, so a kill never leaves half a prompt file. */
export function writeTextFile(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
