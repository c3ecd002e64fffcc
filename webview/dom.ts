// DOM building without HTML parsing: every string becomes a text node or a checked attribute value. Nothing in
// the webview writes markup strings into the DOM (no HTML sinks at all), so model output cannot become elements or script.

/** Attributes a view may set. Event handlers (`on*`), `style`, `href`, `src` and friends are refused. */
const ALLOWED_ATTR = /^(class|id|title|role|tabindex|type|value|name|for|placeholder|disabled|checked|selected|open|max|colspan|rowspan|scope|viewBox|x|y|x1|x2|y1|y2|cx|cy|r|width|height|d|points|rx|ry|text-anchor|dominant-baseline|transform|xmlns|aria-[a-z-]+|data-[a-z-]+)$/;

export type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | undefined>;

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (!ALLOWED_ATTR.test(k)) throw new Error(`attribute '${k}' is not allowed in the webview`);
    el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** An HTML element whose string children are text. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element (created with its namespace; string children are text). */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag) as SVGElementTagNameMap[K];
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Replaces all children of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
}

/**
 * Text with highlighted ranges: `spans` are UTF-16 offsets (end exclusive) into `text`; overlapping or
 * out-of-range spans are clipped. Returns text nodes and <mark> elements, never parsed markup.
 */
export function highlighted(text: string, spans: readonly { start: number; end: number; ruleId: string; message: string }[]): Node[] {
  const out: Node[] = [];
  let at = 0;
  for (const sp of [...spans].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const start = Math.max(at, Math.min(text.length, sp.start));
    const end = Math.max(start, Math.min(text.length, sp.end));
    if (end <= start) continue;
    if (start > at) out.push(document.createTextNode(text.slice(at, start)));
    out.push(h('mark', { class: 'finding', title: `${sp.ruleId}: ${sp.message}`, 'data-rule': sp.ruleId }, text.slice(start, end)));
    at = end;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}
