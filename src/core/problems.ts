// Problems found in user files (prompt files, the project file, test sets): one shape for the CLI's
// `file:line:col` output and for editor diagnostics.

/** A zero-based position, as in the Language Server Protocol (character = UTF-16 code unit). */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  /** Absolute path or workspace-relative path of the file the problem is in. */
  file: string;
  range: Range;
  severity: Severity;
  message: string;
  /** A stable id for the kind of problem (diagnostic code, quick-fix key). */
  code: string;
}

export const pointRange = (line: number, character: number): Range => ({ start: { line, character }, end: { line, character } });

/** `file:line:col: severity: message`, one-based like compilers print. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.severity}: ${p.message}`;
}

/** Maps offsets in a text to positions; built once per text, each lookup O(log lines). */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): Position {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo]! };
  }
  range(start: number, end: number): Range { return { start: this.position(start), end: this.position(end) }; }
  offset(p: Position): number { return (this.starts[p.line] ?? this.starts[this.starts.length - 1]!) + p.character; }
}
