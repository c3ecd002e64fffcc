// Collects Problems for one file, turning YAML spans into LSP ranges; shared by the prompt-file and the
// project-file parsers, with the wording helpers of their messages ("did you mean", "a, b or c").
import { LineIndex, type Problem, type Range, type Severity } from '../problems';
import type { Span, YamlParse } from '../yaml';

export class Reporter {
  readonly problems: Problem[] = [];
  readonly lines: LineIndex;
  constructor(readonly file: string, readonly text: string) { this.lines = new LineIndex(text); }

  range(span: Span): Range { return this.lines.range(span[0], Math.max(span[0], span[1])); }
  add(severity: Severity, span: Span | Range, code: string, message: string): void {
    const range = Array.isArray(span) ? this.range(span) : span;
    this.problems.push({ file: this.file, range, severity, code, message });
  }
  error(span: Span | Range, code: string, message: string): void { this.add('error', span, code, message); }
  warning(span: Span | Range, code: string, message: string): void { this.add('warning', span, code, message); }
  /** The span of the first line of the file (for problems about the file as a whole). */
  firstLine(): Span {
    const nl = this.text.indexOf('\n');
    return [0, nl === -1 ? this.text.length : nl];
  }
}

/** Reports YAML syntax errors and warnings (`shift`: offset of the YAML inside the file, for front matter). */
export function reportYaml(yaml: YamlParse, rep: Reporter, shift = 0): void {
  for (const e of yaml.errors) rep.error([e.span[0] + shift, e.span[1] + shift], e.code, e.message);
  for (const w of yaml.warnings) rep.warning([w.span[0] + shift, w.span[1] + shift], w.code, w.message);
}

/** A close match among `candidates` (edit distance ≤ 2, or equal ignoring case, `_` and `-`), for "did you mean". */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  const exactish = candidates.find((c) => norm(c) === norm(word));
  if (exactish) return exactish;
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD && d < Math.max(2, c.length / 2)) { best = c; bestD = d; }
  }
  return best;
}

/** " Did you mean 'x'?" or "". */
export const didYouMean = (word: string, candidates: readonly string[]): string => {
  const s = suggest(word, candidates);
  return s ? ` Did you mean '${s}'?` : '';
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/** A list like "a, b or c". */
export const orList = (xs: readonly string[]): string =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;

/** "candidates[0].endpoint" for messages. */
export function describePath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, s) => (typeof s === 'number' ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '') || 'the file';
}
