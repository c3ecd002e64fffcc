// The only module that imports `yaml` (eemeli/yaml). It turns a YAML text into a small tree of our own
// with source offsets on every node, so prompt and project parsing never see the library's types.
import { Document, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, Scalar, type Node as LibNode } from 'yaml';
import { UserError } from './errors';
import { normalizeLoneCr } from './workspaceFiles';

/** How a scalar was written; decides how content offsets map back to the file (see prompt/scalarOffsets.ts). */
export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal' | 'folded';

/** Half-open `[start, end)` offsets into the YAML text. */
export type Span = [start: number, end: number];

export interface YamlScalar {
  kind: 'scalar';
  /** The resolved value: string, number, boolean or null. */
  value: unknown;
  style: ScalarStyle;
  /** From the first character of the scalar (quote or block header) to the end of its value. */
  span: Span;
  /** For block scalars: the indentation of the node that owns them (explicit indentation indicators are relative to it). */
  parentIndent: number;
}
export interface YamlPair {
  /** The key as a string (non-scalar keys are rendered with String()). */
  key: string;
  keySpan: Span;
  /** `null` when the key has no value node at all. */
  value: YamlNode | null;
}
export interface YamlMap { kind: 'map'; span: Span; flow: boolean; pairs: YamlPair[] }
export interface YamlSeq { kind: 'seq'; span: Span; flow: boolean; items: (YamlNode | null)[] }
export interface YamlAlias { kind: 'alias'; span: Span; value: unknown }
export type YamlNode = YamlScalar | YamlMap | YamlSeq | YamlAlias;

/** A syntax error or warning reported by the YAML parser, already in our wording. */
export interface YamlIssue { span: Span; code: string; message: string }

export interface YamlParse {
  /** `null` for an empty document. */
  root: YamlNode | null;
  errors: YamlIssue[];
  warnings: YamlIssue[];
}

/**
 * Deepest nesting we parse. Hand-written prompt and project files stay far below it; the parser and everything
 * that walks the tree recurse once per level, so a file nested thousands deep would overflow the stack.
 */
export const MAX_YAML_DEPTH = 100;

/** One line's effect on the nesting: block levels (indentation and compact `- ` items) and flow brackets. */
interface DepthScan { indents: number[]; flow: number; quote: string; blockScalarIndent: number }

/** Scans one line from `from`; returns the offset in the line where nesting passes the limit, if it does. */
function scanFlow(line: string, from: number, block: number, s: DepthScan): number | undefined {
  for (let k = from; k < line.length; k++) {
    const c = line[k]!;
    if (s.quote) {
      if (s.quote === '"' && c === '\\') k++;
      else if (c === s.quote) { if (c === "'" && line[k + 1] === "'") k++; else s.quote = ''; }
      continue;
    }
    const prev = k === 0 ? ' ' : line[k - 1]!;
    if (c === '#' && (prev === ' ' || prev === '\t')) return undefined;
    if ((c === '"' || c === "'") && ' \t[{,:-'.includes(prev)) s.quote = c;
    else if (c === '[' || c === '{') { if (block + ++s.flow > MAX_YAML_DEPTH) return k; }
    else if ((c === ']' || c === '}') && s.flow > 0) s.flow--;
  }
  return undefined;
}

/** The offset where nesting first goes deeper than MAX_YAML_DEPTH, if it does (a cheap scan before parsing). */
export function tooDeepAt(text: string): number | undefined {
  const s: DepthScan = { indents: [], flow: 0, quote: '', blockScalarIndent: -1 };
  let pos = 0;
  for (const line of text.split('\n')) {
    const start = pos;
    pos += line.length + 1;
    const indent = line.length - line.trimStart().length;
    if (indent === line.length) continue;
    if (s.blockScalarIndent >= 0 && indent > s.blockScalarIndent) continue; // inside a `|` or `>` block
    s.blockScalarIndent = -1;
    let from = indent;
    let block = s.indents.length;
    if (s.flow === 0 && !s.quote) {
      while (s.indents.length && s.indents[s.indents.length - 1]! >= indent) s.indents.pop();
      s.indents.push(indent);
      block = s.indents.length;
      if (block > MAX_YAML_DEPTH) return start + indent;
      for (let m = /^[-?][ \t]+/.exec(line.slice(from)); m; m = /^[-?][ \t]+/.exec(line.slice(from))) {
        if (++block > MAX_YAML_DEPTH) return start + from;
        from += m[0].length;
      }
    }
    const at = scanFlow(line, from, block, s);
    if (at !== undefined) return start + at;
    if (s.flow === 0 && !s.quote && /(^|[\s:-])[|>][0-9+-]*\s*(#.*)?$/.test(line)) s.blockScalarIndent = indent;
  }
  return undefined;
}

/** Parses one YAML document; never throws. Duplicate keys and a second document are errors. */
export function parseYaml(text: string): YamlParse {
  text = normalizeLoneCr(text);
  const deep = tooDeepAt(text);
  if (deep !== undefined) {
    const message = `The nesting here is deeper than ${MAX_YAML_DEPTH} levels; the file was not read. Prompt and project files need only a few levels.`;
    return { root: null, errors: [{ span: [deep, deep + 1], code: 'yaml-too-deep', message }], warnings: [] };
  }
  const doc = parseDocument(text, { keepSourceTokens: true, uniqueKeys: true, prettyErrors: false, strict: true });
  const issue = (e: { pos: [number, number]; code: string; message: string }): YamlIssue =>
    ({ span: [e.pos[0], Math.max(e.pos[0], e.pos[1])], code: `yaml-${e.code.toLowerCase().replace(/_/g, '-')}`, message: yamlMessage(e.code, e.message) });
  const root = doc.contents ? convert(doc.contents as LibNode, 0) : null;
  return { root, errors: doc.errors.map(issue), warnings: doc.warnings.map(issue) };
}

// Our own wording for the parser's errors; anything not listed keeps the library's first sentence.
const MESSAGES: Record<string, string> = {
  BAD_INDENT: 'Bad indentation: this line is not aligned with the keys around it. Indent it like its siblings.',
  TAB_AS_INDENT: 'A tab is used for indentation; YAML allows only spaces here.',
  MULTILINE_IMPLICIT_KEY: 'A key must fit on one line. Is a ":" or a closing quote missing on the line before?',
  DUPLICATE_KEY: 'This key appears twice in the same mapping; remove or rename one of them.',
  MULTIPLE_DOCS: 'The file contains a second YAML document ("---"); keep one document per file.',
  BLOCK_AS_IMPLICIT_KEY: 'A nested block cannot be used as a key. Check the indentation and the ":" on this line.',
  BAD_DQ_ESCAPE: 'Invalid escape sequence in a double-quoted string. Write "\\\\" for a backslash, or use single quotes.',
};

function yamlMessage(code: string, libMessage: string): string {
  // The library's message says more than its code in these cases.
  const specific: [RegExp, string][] = [
    [/closing "?quote/i, 'This quoted string is never closed: add the closing quote.'],
    [/sequence items must start at the same column/i, "List items must start at the same column as the items above; fix the indentation of this '-'."],
    [/without - indicator/i, "A list item is missing its '-', or is indented differently from the items above."],
    [/flow map .*end with a \}/i, "A '{ … }' mapping is never closed (or its lines are not indented enough): add the closing '}'."],
    [/flow sequence .*end with a \]/i, "A '[ … ]' list is never closed (or its lines are not indented enough): add the closing ']'."],
    [/Missing , or :/i, "A ',' or ':' is missing between the items of a '{ … }' or '[ … ]'."],
    [/Nested mappings are not allowed in compact mappings|Implicit map keys need to be followed by map values/i, "A value is missing its key, or a ':' is missing; check the indentation of this line."],
  ];
  for (const [re, message] of specific) if (re.test(libMessage)) return message;
  if (code === 'UNEXPECTED_TOKEN' || code === 'BAD_SCALAR_START') {
    return `YAML syntax error: ${firstSentence(libMessage)}. Check the indentation and quoting on this line.`;
  }
  return MESSAGES[code] ?? `YAML error: ${firstSentence(libMessage)}.`;
}

const firstSentence = (m: string): string => m.split('\n')[0]!.replace(/ at line \d+, column \d+:?\s*$/, '').replace(/\.$/, '');

function spanOf(n: LibNode): Span {
  const r = n.range;
  return r ? [r[0], r[1]] : [0, 0];
}

const STYLES: Record<string, ScalarStyle> = {
  PLAIN: 'plain', QUOTE_SINGLE: 'single', QUOTE_DOUBLE: 'double', BLOCK_LITERAL: 'literal', BLOCK_FOLDED: 'folded',
};

function convert(n: LibNode, indent: number): YamlNode {
  if (isScalar(n)) {
    const tokenIndent = (n.srcToken as { indent?: number } | undefined)?.indent ?? indent;
    return { kind: 'scalar', value: n.value, style: STYLES[n.type ?? 'PLAIN'] ?? 'plain', span: spanOf(n), parentIndent: tokenIndent };
  }
  if (isMap(n)) {
    const pairs: YamlPair[] = [];
    for (const p of n.items) {
      if (!isPair(p)) continue;
      const k = p.key as LibNode | null;
      const key = isScalar(k) ? String(k.value) : k ? String(k) : '';
      const keySpan: Span = k ? spanOf(k) : [spanOf(n)[0], spanOf(n)[0]];
      pairs.push({ key, keySpan, value: p.value ? convert(p.value as LibNode, indent + 1) : null });
    }
    return { kind: 'map', span: spanOf(n), flow: n.flow === true, pairs };
  }
  if (isSeq(n)) {
    return { kind: 'seq', span: spanOf(n), flow: n.flow === true, items: n.items.map((i) => (i ? convert(i as LibNode, indent + 1) : null)) };
  }
  if (isAlias(n)) return { kind: 'alias', span: spanOf(n), value: undefined };
  return { kind: 'scalar', value: null, style: 'plain', span: spanOf(n), parentIndent: indent };
}

/** The plain JavaScript value of a node (aliases become `undefined`; we do not expand them). */
export function toPlain(node: YamlNode | null): unknown {
  if (!node) return null;
  switch (node.kind) {
    case 'scalar': return node.value;
    case 'alias': return node.value;
    case 'seq': return node.items.map(toPlain);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const p of node.pairs) o[p.key] = toPlain(p.value);
      return o;
    }
  }
}

/** The pair for `key` in a map node, if any. */
export function pairOf(node: YamlNode | null | undefined, key: string): YamlPair | undefined {
  return node?.kind === 'map' ? node.pairs.find((p) => p.key === key) : undefined;
}

/** A human name for a node's kind, for messages like "expected a list, found a string". */
export function describeNode(node: YamlNode | null): string {
  if (!node) return 'nothing';
  switch (node.kind) {
    case 'map': return 'a mapping';
    case 'seq': return 'a list';
    case 'alias': return 'an alias';
    case 'scalar': {
      const v = node.value;
      if (v === null) return 'an empty value';
      if (typeof v === 'string') return 'a string';
      if (typeof v === 'number') return 'a number';
      if (typeof v === 'boolean') return 'a boolean';
      return typeof v;
    }
  }
}

/** The document of a file about to be edited; throws a UserError when it is not valid YAML (or nested too deep). */
function documentToEdit(text: string): Document {
  const deep = tooDeepAt(text);
  if (deep !== undefined) throw new UserError(`The file is nested deeper than ${MAX_YAML_DEPTH} levels.`, 'Fix the YAML first.');
  const doc = parseDocument(text, { keepSourceTokens: false, uniqueKeys: true });
  if (doc.errors.length) throw new UserError(`The file is not valid YAML (${firstSentence(doc.errors[0]!.message)}).`, 'Fix the YAML first.');
  return doc;
}

/** One change for `editYaml`: the value at `path` (list indices as numbers) becomes `value`. */
export interface YamlEdit { path: (string | number)[]; value: unknown }

/**
 * Returns `text` with each edit applied (maps created as needed), keeping comments, key order and untouched
 * layout. A string that replaces a block scalar stays a block scalar; a multi-line string becomes one.
 * Throws a UserError when the text is not a single valid YAML mapping or a path crosses a non-collection.
 */
export function editYaml(text: string, edits: readonly YamlEdit[]): string {
  const doc = documentToEdit(text);
  if (doc.contents !== null && !isMap(doc.contents)) throw new UserError('The file is not a YAML mapping of keys to values.');
  for (const e of edits) {
    const old: unknown = doc.getIn(e.path, true);
    if (typeof e.value === 'string') {
      const scalar = new Scalar(e.value);
      const wasBlock = isScalar(old) && (old.type === Scalar.BLOCK_LITERAL || old.type === Scalar.BLOCK_FOLDED);
      if (wasBlock || e.value.includes('\n')) scalar.type = Scalar.BLOCK_LITERAL;
      doc.setIn(e.path, scalar);
    } else {
      doc.setIn(e.path, doc.createNode(e.value));
    }
  }
  return doc.toString({ lineWidth: 0 });
}

/** Serialises a plain value as a YAML block (for scaffolding files). */
export function stringifyYaml(value: unknown): string {
  return new Document(value).toString({ lineWidth: 0 });
}
