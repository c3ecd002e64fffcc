// XML outputs (the only fast-xml-parser import). The model is asked for an element such as
// `<response><answer>…</answer></response>`; we find that element in whatever surrounds it (prose, code
// fences, reasoning), validate it, and read the answer and the IDK flag by dotted paths.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { stripThinking } from './text';
import { type ParsedOutput, clip, invalid } from './types';

/** A dotted element path with an optional attribute: `response.answer`, `response.@idk`, `response@idk`. */
export interface XmlPath { elements: string[]; attribute?: string }

/** Parses `a.b`, `a.b.@c` and `a.b@c`. */
export function parseXmlPath(path: string): XmlPath {
  const parts = path.trim().split('.').filter((p) => p !== '');
  let attribute: string | undefined;
  const last = parts[parts.length - 1];
  if (last !== undefined && last.includes('@')) {
    const [element, attr] = last.split('@', 2) as [string, string];
    if (element === '') parts.pop(); else parts[parts.length - 1] = element;
    attribute = attr;
  }
  return { elements: parts, attribute };
}

const knownPaths = new Map<string, XmlPath>();

/** `parseXmlPath`, once per path (callers must not change the result). */
function knownPath(path: string): XmlPath {
  let p = knownPaths.get(path);
  if (!p) {
    if (knownPaths.size > 64) knownPaths.clear();
    knownPaths.set(path, (p = parseXmlPath(path)));
  }
  return p;
}

interface Span { start: number; end: number; closed: boolean }

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** The tag pattern of each element name (a comparison reads 100k outputs with one or two names). */
const tagPatterns = new Map<string, RegExp>();

/** Top-level occurrences of element `name` in `text` (nested ones of the same name belong to their parent). */
export function findElements(text: string, name: string, limit = 16): Span[] {
  let re = tagPatterns.get(name);
  if (!re) {
    if (tagPatterns.size > 64) tagPatterns.clear();
    tagPatterns.set(name, (re = new RegExp(`<(/?)${escapeRe(name)}(?=[\\s/>])[^<>]*>`, 'gu')));
  }
  re.lastIndex = 0;
  const spans: Span[] = [];
  let depth = 0;
  let start = -1;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const closing = m[1] === '/';
    const selfClosing = !closing && m[0].endsWith('/>');
    if (closing) {
      if (depth === 0) continue;                       // a stray closing tag in the prose
      depth--;
      if (depth === 0) { spans.push({ start, end: m.index + m[0].length, closed: true }); if (spans.length >= limit) return spans; }
    } else if (selfClosing) {
      if (depth === 0) { spans.push({ start: m.index, end: m.index + m[0].length, closed: true }); if (spans.length >= limit) return spans; }
    } else {
      if (depth === 0) start = m.index;
      depth++;
    }
  }
  if (depth > 0) spans.push({ start, end: text.length, closed: false });
  return spans;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes XML character references and the predefined entities; unknown entities stay as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/giu, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

/** Raw element content to text: CDATA sections kept verbatim, entities decoded elsewhere. */
export function elementText(raw: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const open = raw.indexOf('<![CDATA[', i);
    if (open === -1) { out += decodeEntities(raw.slice(i)); break; }
    out += decodeEntities(raw.slice(i, open));
    const close = raw.indexOf(']]>', open + 9);
    if (close === -1) { out += raw.slice(open + 9); break; }   // unterminated CDATA: keep the rest as text
    out += raw.slice(open + 9, close);
    i = close + 3;
  }
  return out.trim();
}

type Node = string | number | boolean | null | undefined | Node[] | { [key: string]: Node };

const parsers = new Map<string, XMLParser>();

/** One parser per answer path, reused: building a parser costs more than parsing a typical output. */
function parserFor(stopPath: string): XMLParser {
  let p = parsers.get(stopPath);
  if (p) return p;
  if (parsers.size > 32) parsers.clear();
  p = new XMLParser({
    ignoreAttributes: false, attributeNamePrefix: '@', allowBooleanAttributes: true,
    parseTagValue: false, parseAttributeValue: false, trimValues: true, processEntities: true,
    // The answer is kept raw so that markup, CDATA and entities inside it are handled by elementText.
    stopNodes: [stopPath],
  });
  parsers.set(stopPath, p);
  return p;
}

/** Walks `path` below `node`; the first item of repeated elements is used and counted. */
function walk(node: Node, path: string[], several: { found: boolean }): Node {
  let cur = node;
  for (const key of path) {
    if (Array.isArray(cur)) { several.found = true; cur = cur[0]; }
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, Node>)[key];
  }
  if (Array.isArray(cur)) { several.found = true; cur = cur[0]; }
  return cur;
}

function nodeText(node: Node): string {
  if (node === null || node === undefined) return '';
  if (typeof node === 'object') {
    const t = (node as Record<string, Node>)['#text'];
    return typeof t === 'string' ? t : t === undefined ? '' : String(t);
  }
  return String(node);
}

/** A flag is set when present, unless its value says otherwise (`false`, `0`, `no`). */
function flagValue(value: Node): boolean {
  if (value === undefined) return false;
  const t = nodeText(value).trim().toLowerCase();
  return !(t === 'false' || t === '0' || t === 'no');
}

interface Located { tree?: Node; reason?: string; several: boolean; segment: string }

/** Tags the quick reader takes: names without namespace or dots (a path separator), no attributes. */
const PLAIN_TAG = /<(\/?)([A-Za-z_][A-Za-z0-9_-]*)(\/?)>/uy;
/** Answer paths the quick reader takes: plain names (the parser reads wildcards and other path syntax itself). */
const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/u;

interface Open { name: string; onStopPath: boolean; children?: Record<string, Node>; text: string }

/** Deeper outputs go to the parser, which has its own nesting limit (and says so). */
const PLAIN_DEPTH = 32;

/** Adds a finished element to its parent the way fast-xml-parser does: a repeated name becomes an array. */
function addChild(parent: Open, name: string, value: Node): void {
  const children = (parent.children ??= {});
  const prev = children[name];
  if (prev === undefined) children[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else children[name] = [prev, value];
}

/**
 * The tree fast-xml-parser (as parserFor sets it up) builds, for the plain shape most outputs have: elements
 * without attributes, each holding either text or child elements, and text without `&`, `<`, `>`, `]]>` or `\r`.
 * Such a segment is well-formed, so it also passes the validator. Anything else gives undefined and goes to the
 * parser: building one costs more than reading a typical output (test/unit/answer/xml.test.ts checks both agree).
 */
export function plainTree(segment: string, stopPath: string): Node | undefined {
  if (segment.includes('\r') || segment.includes('&') || segment.includes(']]>')) return undefined;
  const stop = knownPath(stopPath).elements;
  const isStop = (depth: number, onStopPath: boolean): boolean => onStopPath && depth === stop.length - 1;
  const stack: Open[] = [];
  let pos = 0;
  while (pos < segment.length) {
    const lt = segment.indexOf('<', pos);
    if (lt === -1) return undefined;
    const text = segment.slice(pos, lt);
    const top = stack[stack.length - 1];
    if (text !== '') { if (!top || text.includes('>')) return undefined; top.text += text; }
    PLAIN_TAG.lastIndex = lt;
    const m = PLAIN_TAG.exec(segment);
    if (!m || m[2]! in Object.prototype) return undefined;   // `constructor`, `__proto__`: the parser's business
    const [whole, closing, name, selfClosing] = m as unknown as [string, string, string, string];
    pos = lt + whole.length;
    if (closing) {
      if (selfClosing || top?.name !== name) return undefined;
      stack.pop();
      const stopNode = isStop(stack.length, top.onStopPath);
      if (top.children && top.text.trim() !== '') return undefined;   // text beside elements
      const value: Node = top.children ?? (stopNode ? top.text : top.text.trim());
      const parent = stack[stack.length - 1];
      if (!parent) return pos === segment.length ? { [name]: value } : undefined;
      addChild(parent, name, value);
      continue;
    }
    if (top && isStop(stack.length - 1, top.onStopPath)) return undefined;   // markup inside the answer: the parser keeps it raw
    if (stack.length >= PLAIN_DEPTH) return undefined;
    const onStopPath = (top ? top.onStopPath : true) && stop[stack.length] === name;
    if (selfClosing) {
      if (!top) return pos === segment.length ? { [name]: '' } : undefined;
      addChild(top, name, '');
    } else stack.push({ name, onStopPath, text: '' });
  }
  return undefined;
}

/** Finds the first `root` element, validates it, and parses it (never throws). */
function locate(text: string, root: string, stopPath: string, usePlainReader: boolean): Located | undefined {
  const spans = findElements(text, root, 2);
  const first = spans[0];
  if (!first) return undefined;
  let segment = text.slice(first.start, first.end);
  const reasons: string[] = [];
  if (!first.closed) { reasons.push(`unclosed <${root}>`); segment += `</${root}>`; }
  const several = spans.length > 1;
  if (several) reasons.push(`several <${root}> elements; the first was used`);
  if (first.closed && usePlainReader && PLAIN_PATH.test(stopPath)) {
    const plain = plainTree(segment, stopPath);
    if (plain !== undefined) return { tree: plain, reason: reasons.length ? clip(reasons.join('; ')) : undefined, several, segment };
  }
  const valid = XMLValidator.validate(segment);
  if (valid !== true) reasons.push(`malformed XML: ${valid.err.msg}`);
  let tree: Node;
  try {
    tree = parserFor(stopPath).parse(segment) as Node;
  } catch (err) {
    reasons.push(`unparseable XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { tree, reason: reasons.length ? clip(reasons.join('; ')) : undefined, several, segment };
}

/** Last resort when the parser gave up: the raw content of the first `<leaf>` in the segment. */
function rawLeaf(segment: string, leaf: string): string | undefined {
  const span = findElements(segment, leaf, 1)[0];
  if (!span) return undefined;
  const inner = segment.slice(span.start, span.end).replace(/^<[^<>]*>/u, '').replace(new RegExp(`</${escapeRe(leaf)}\\s*>$`, 'u'), '');
  return elementText(inner);
}

/** Reads an XML output by the spec's paths. Never throws, whatever the output. `plainReader: false` (tests): always the parser. */
export function parseXmlOutput(output: string, spec: { answer: string; idk?: string }, opts: { plainReader?: boolean } = {}): ParsedOutput {
  const usePlainReader = opts.plainReader ?? true;
  try {
    const text = stripThinking(output);
    if (text.trim() === '') return invalid('empty output');
    const answerPath = knownPath(spec.answer).elements;
    const root = answerPath[0];
    if (!root) return invalid(`bad answer path '${spec.answer}'`);
    const stopPath = answerPath.join('.');
    const located = locate(text, root, stopPath, usePlainReader);

    // The IDK flag may live under the same root or in an element of its own.
    let idk = false;
    if (spec.idk) {
      const p = knownPath(spec.idk);
      const idkRoot = p.elements[0];
      const src = idkRoot === root ? located : idkRoot ? locate(text, idkRoot, stopPath, usePlainReader) : undefined;
      if (src?.tree !== undefined) {
        const el = walk(src.tree, p.elements, { found: false });
        idk = p.attribute === undefined ? flagValue(el) : el !== null && typeof el === 'object' && !Array.isArray(el) && flagValue(el[`@${p.attribute}`]);
      }
    }

    if (!located) return idk ? { answer: '', idk, schemaValid: true } : invalid(`no <${root}> element`);
    const several = { found: located.several };
    let answerNode: Node;
    let answer: string | undefined;
    if (located.tree !== undefined) {
      answerNode = walk(located.tree, answerPath, several);
      if (answerNode !== undefined) answer = elementText(nodeText(answerNode));
    } else {
      answer = rawLeaf(located.segment, answerPath[answerPath.length - 1]!);
    }
    const reasons = located.reason ? [located.reason] : [];
    if (several.found && !located.several) reasons.push(`several <${answerPath[answerPath.length - 1]}> elements; the first was used`);
    if (answer === undefined || answer === '') {
      if (idk) return reasons.length ? invalid(reasons.join('; '), '', true) : { answer: '', idk, schemaValid: true };
      reasons.push(answer === undefined ? `no <${stopPath}> element` : `empty <${stopPath}>`);
    }
    return reasons.length ? invalid(reasons.join('; '), answer ?? '', idk) : { answer: answer!, idk, schemaValid: true };
  } catch (err) {
    // Deeply nested or pathological input can still trip the parser (stack depth): never crash a run.
    return invalid(`unparseable XML: ${err instanceof Error ? err.message : String(err)}`);
  }
}
