// Finding `{{variable}}` placeholders in message content and placing them in the source file.
import type { LineIndex, Range } from '../problems';
import type { YamlScalar } from '../yaml';
import type { VariableRef } from './types';
import { contentOffsets } from './scalarOffsets';

/** A valid variable name: a letter or `_`, then letters, digits, `_`, `-` or `.`. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** A `{{…}}` in content that is not a plain variable (an unclosed `{{`, a bad name, a Handlebars helper). */
export interface TemplateIssue {
  kind: 'unclosed' | 'badName' | 'helper';
  /** What is between the braces (empty for `unclosed`). */
  inner: string;
  start: number;
  end: number;
}

export interface TemplateScan {
  /** Variables in order of appearance, with content offsets of the whole `{{ name }}`. */
  variables: { name: string; start: number; end: number }[];
  issues: TemplateIssue[];
}

/** Scans template content for `{{ name }}` placeholders (whitespace inside the braces is allowed). */
export function scanTemplate(content: string): TemplateScan {
  const variables: TemplateScan['variables'] = [];
  const issues: TemplateIssue[] = [];
  let i = content.indexOf('{{');
  while (i !== -1) {
    // `{{{name}}}` (Handlebars "triple stash", unescaped) is treated as `{{name}}` with one extra brace each side.
    const triple = content[i + 2] === '{';
    const open = triple ? i + 3 : i + 2;
    const close = content.indexOf(triple ? '}}}' : '}}', open);
    const nextOpen = content.indexOf('{{', open);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
      const lineEnd = content.indexOf('\n', i);
      issues.push({ kind: 'unclosed', inner: '', start: i, end: lineEnd === -1 ? content.length : lineEnd });
      i = nextOpen;
      continue;
    }
    const end = close + (triple ? 3 : 2);
    const inner = content.slice(open, close).trim();
    if (VARIABLE_NAME.test(inner)) variables.push({ name: inner, start: i, end });
    else if (/^[#/>!@^&]|^else\b|\s|"/.test(inner)) issues.push({ kind: 'helper', inner, start: i, end });
    else issues.push({ kind: 'badName', inner, start: i, end });
    i = content.indexOf('{{', end);
  }
  return { variables, issues };
}

/** Maps content offsets of a message to file offsets. */
export type OffsetMap = (contentOffset: number) => number;

/** Content that is a verbatim slice of the file starting at `base` (plain templates, front-matter bodies). */
export const verbatimMap = (base: number): OffsetMap => (o) => base + o;

/**
 * Builds the offset map for a YAML string scalar. When the exact mapping cannot be reconstructed (see
 * scalarOffsets.ts) it returns a map that finds each `{{…}}` by searching the raw source in order, and maps
 * anything else to the start of the scalar; `exact` says which one you got.
 */
export function scalarMap(text: string, scalar: YamlScalar, content: string): { map: OffsetMap; exact: boolean; endMap: OffsetMap } {
  const offsets = contentOffsets(text, scalar);
  if (offsets) {
    return {
      map: (o) => offsets[Math.min(o, offsets.length - 1)]!,
      // The end of a token is one past its last character's source (escapes aside, which are wider).
      endMap: (o) => (o > 0 ? offsets[o - 1]! + 1 : offsets[0]!),
      exact: true,
    };
  }
  // Fallback: the k-th `{{` in the content is assumed to be the k-th `{{` in the raw source.
  const [from, to] = scalar.span;
  const raw = text.slice(from, to);
  const contentOpens: number[] = [];
  for (let i = content.indexOf('{{'); i !== -1; i = content.indexOf('{{', i + 2)) contentOpens.push(i);
  const rawOpens: number[] = [];
  for (let i = raw.indexOf('{{'); i !== -1; i = raw.indexOf('{{', i + 2)) rawOpens.push(i);
  const sameCount = contentOpens.length === rawOpens.length;
  const map: OffsetMap = (o) => {
    const k = contentOpens.indexOf(o);
    return sameCount && k >= 0 ? from + rawOpens[k]! : from;
  };
  const endMap: OffsetMap = (o) => {
    // The end of a token: the first `}}` after its opening in the raw source.
    const k = contentOpens.findIndex((s, idx) => s < o && (idx === contentOpens.length - 1 || contentOpens[idx + 1]! >= o));
    if (!sameCount || k < 0) return to;
    const close = raw.indexOf('}}', rawOpens[k]!);
    return close === -1 ? to : from + close + 2 + (raw[close + 2] === '}' ? 1 : 0);
  };
  return { map, endMap, exact: false };
}

/** VariableRefs for a message content, placed in the file with `map`/`endMap`. */
export function locateVariables(scan: TemplateScan, lines: LineIndex, map: OffsetMap, endMap: OffsetMap = map): VariableRef[] {
  return scan.variables.map((v) => ({
    name: v.name, contentStart: v.start, contentEnd: v.end,
    range: lines.range(map(v.start), Math.max(map(v.start), endMap(v.end))),
  }));
}

/** The file range of a content span. */
export function contentRange(lines: LineIndex, map: OffsetMap, endMap: OffsetMap, start: number, end: number): Range {
  const s = map(start);
  return lines.range(s, Math.max(s, endMap(end)));
}
