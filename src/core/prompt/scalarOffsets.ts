// Maps each character of a YAML string's *content* back to its offset in the file, for every scalar style:
// plain, single-quoted ('' escapes), double-quoted (backslash escapes), literal (|) and folded (>) blocks,
// with line folding and block chomping. Characters the YAML rules synthesise (a folded line break that
// becomes a space, an escape like \n) map to the first source character that produced them.
//
// We decode the source ourselves and compare the result with the YAML library's value. If they differ
// (an exotic construct we do not model, e.g. tags or tabs inside folded blocks), `contentOffsets` returns
// undefined and callers fall back to searching the raw source (see locateInScalar in locate.ts).
import type { YamlScalar } from '../yaml';

/** offsets[i] is the file offset of content character i; offsets[content.length] is the end of the scalar's value. */
export function contentOffsets(text: string, scalar: YamlScalar): number[] | undefined {
  if (typeof scalar.value !== 'string') return undefined;
  const [start, end] = scalar.span;
  let decoded: Decoded | undefined;
  try {
    switch (scalar.style) {
      case 'plain': decoded = decodeFlow(text, start, end, 'plain'); break;
      case 'single': decoded = decodeFlow(text, start + 1, end - 1, 'single'); break;
      case 'double': decoded = decodeFlow(text, start + 1, end - 1, 'double'); break;
      case 'literal': case 'folded': decoded = decodeBlock(text, start, end, scalar.style, scalar.parentIndent); break;
    }
  } catch {
    return undefined;
  }
  if (!decoded || decoded.chars.join('') !== scalar.value) return undefined;
  return [...decoded.offsets, scalar.style === 'single' || scalar.style === 'double' ? end - 1 : end];
}

interface Decoded { chars: string[]; offsets: number[] }

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** Plain and quoted scalars: line folding plus, for quoted styles, their escapes. `[from, to)` excludes the quotes. */
function decodeFlow(text: string, from: number, to: number, style: 'plain' | 'single' | 'double'): Decoded {
  const chars: string[] = [];
  const offsets: number[] = [];
  const push = (c: string, at: number): void => { chars.push(c); offsets.push(at); };
  // Trailing blanks of a line are dropped at a fold; remember where they started so we can undo them.
  let blankRun = -1;
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (c === '\r' || c === '\n') {
      // Drop the blanks we emitted just before the line break (they were not escaped).
      if (blankRun >= 0) { chars.length = blankRun; offsets.length = blankRun; }
      blankRun = -1;
      const breakAt = i;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      // Count empty lines after this break.
      const empties: number[] = [];
      for (;;) {
        let j = i;
        while (j < to && isBlank(text[j])) j++;
        if (j < to && (text[j] === '\n' || text[j] === '\r')) {
          empties.push(j);
          i = j + (text[j] === '\r' && text[j + 1] === '\n' ? 2 : 1);
        } else { i = j; break; }
      }
      if (empties.length === 0) push(' ', breakAt);
      else for (const e of empties) push('\n', e);
      continue;
    }
    if (style === 'single' && c === "'" && text[i + 1] === "'") { push("'", i); i += 2; blankRun = -1; continue; }
    if (style === 'double' && c === '\\') {
      const e = text[i + 1]!;
      if (e === '\n' || e === '\r') {
        // An escaped line break: it and the next line's indentation disappear.
        i += 1 + (e === '\r' && text[i + 2] === '\n' ? 2 : 1);
        while (i < to && isBlank(text[i])) i++;
        blankRun = -1;
        continue;
      }
      const simple: Record<string, string> = {
        '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ',
        '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
      };
      if (e in simple) { push(simple[e]!, i); i += 2; blankRun = -1; continue; }
      const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (!width) throw new Error('bad escape');
      const cp = parseInt(text.slice(i + 2, i + 2 + width), 16);
      for (const unit of String.fromCodePoint(cp)) for (const u of unit.split('')) push(u, i);
      i += 2 + width;
      blankRun = -1;
      continue;
    }
    if (isBlank(c)) { if (blankRun < 0) blankRun = chars.length; }
    else blankRun = -1;
    push(c, i);
    i++;
  }
  // A plain scalar's trailing blanks are not content (the library trims them too).
  if (style === 'plain' && blankRun >= 0) { chars.length = blankRun; offsets.length = blankRun; }
  return { chars, offsets };
}

/** Literal (|) and folded (>) block scalars: header, indentation, chomping, and folding for `>`. */
function decodeBlock(text: string, from: number, to: number, style: 'literal' | 'folded', parentIndent: number): Decoded | undefined {
  const headerEnd = text.indexOf('\n', from);
  if (headerEnd < 0 || headerEnd >= to) return { chars: [], offsets: [] };
  const header = text.slice(from + 1, headerEnd).replace(/\s+#.*$/, '').trim();
  const chomp = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
  const explicit = /\d/.exec(header);
  // Split the body into lines with their start offsets.
  const lines: { at: number; text: string }[] = [];
  for (let at = headerEnd + 1; at < to;) {
    let nl = text.indexOf('\n', at);
    if (nl < 0 || nl >= to) nl = to;
    const raw = text.slice(at, nl);
    lines.push({ at, text: raw.endsWith('\r') ? raw.slice(0, -1) : raw });
    at = nl + 1;
  }
  let indent: number;
  if (explicit) indent = parentIndent + Number(explicit[0]);
  else {
    // Auto-detected from the first line that is not all spaces (a tab is content, not indentation); with
    // none, from the longest of the space-only lines.
    const first = lines.find((l) => !/^ *$/.test(l.text));
    if (!first) indent = Math.max(0, ...lines.map((l) => l.text.length));
    else indent = first.text.length - first.text.replace(/^ +/, '').length;
  }
  // Content lines (indentation removed); a line shorter than the indentation is an empty line.
  const body = lines.map((l) => (l.text.length > indent && /^ *$/.test(l.text.slice(0, indent))
    ? { at: l.at + indent, text: l.text.slice(indent), breakAt: l.at + l.text.length }
    : { at: l.at + l.text.length, text: '', breakAt: l.at + l.text.length }));
  // Trailing empty lines are handled by chomping.
  let last = body.length - 1;
  while (last >= 0 && body[last]!.text === '') last--;
  const chars: string[] = [];
  const offsets: number[] = [];
  const push = (c: string, at: number): void => { chars.push(c); offsets.push(at); };
  const moreIndented = (t: string): boolean => isBlank(t[0]);
  for (let k = 0; k <= last; k++) {
    const line = body[k]!;
    for (let j = 0; j < line.text.length; j++) push(line.text[j]!, line.at + j);
    if (k === last) break;
    if (style === 'literal' || line.text === '' || moreIndented(line.text)) { push('\n', line.breakAt); continue; }
    // Folded: a break between two normal lines becomes a space; with empty lines between, it disappears
    // and each empty line gives a newline.
    let n = k + 1;
    while (n <= last && body[n]!.text === '') n++;
    const next = body[n]!;
    if (moreIndented(next.text)) { push('\n', line.breakAt); continue; }
    if (n === k + 1) push(' ', line.breakAt);
    else for (let e = k + 1; e < n; e++) push('\n', body[e]!.breakAt);
    k = n - 1;
  }
  if (last >= 0 && chomp !== 'strip') push('\n', body[last]!.breakAt);
  if (chomp === 'keep') for (let e = last + 1; e < body.length; e++) push('\n', body[e]!.breakAt);
  return { chars, offsets };
}
