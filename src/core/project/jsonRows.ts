// Checks on one parsed test-set row that JSON.parse does not make: a key written twice in one object (the
// parser silently keeps the last) and a NUL character in a value (it would be sent to the model).

/** Number of object keys in a parsed JSON value, at every level (iterative: rows may be deeply nested). */
function keyCount(value: unknown): number {
  let n = 0;
  const todo: unknown[] = [value];
  while (todo.length) {
    const v = todo.pop();
    if (Array.isArray(v)) { for (const x of v) todo.push(x); }
    else if (v !== null && typeof v === 'object') { for (const x of Object.values(v)) { n++; todo.push(x); } }
  }
  return n;
}

const QUOTE = 34, BACKSLASH = 92, COLON = 58;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** Offset just after the string literal that starts at `i` (a `"`). */
function stringEnd(text: string, i: number): number {
  for (let j = text.indexOf('"', i + 1); j !== -1; j = text.indexOf('"', j + 1)) {
    let slashes = 0;
    while (text.charCodeAt(j - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return j + 1;
  }
  return text.length;
}

/** Places in `text` that look like a key: a `"` followed (after blanks) by `:`. At least one per key. */
const KEY_LIKE = /"[ \t\r\n]*:/g;

/**
 * The first key written twice in the same object of `text`, a valid JSON text that parsed to `value`, with the
 * offset of its second occurrence. A cheap count rules out almost every row: each key in the text is a `"`
 * followed by `:`, so with no more such places than keys in the parsed value, nothing was dropped.
 */
export function duplicateJsonKey(text: string, value: unknown): { key: string; offset: number } | undefined {
  const keyLike = text.match(KEY_LIKE)?.length ?? 0;
  if (keyLike <= keyCount(value)) return undefined;
  const objects: (Set<string> | null)[] = []; // null for an array
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const keys = objects[objects.length - 1];
      let j = end;
      while (isSpace(text.charCodeAt(j))) j++;
      if (keys && text.charCodeAt(j) === COLON) {
        const raw = text.slice(i + 1, end - 1);
        const key = raw.includes('\\') ? JSON.parse(text.slice(i, end)) as string : raw;
        if (keys.has(key)) return { key, offset: i };
        keys.add(key);
      }
      i = end;
      continue;
    }
    if (c === 123) objects.push(new Set());
    else if (c === 91) objects.push(null);
    else if (c === 125 || c === 93) objects.pop();
    i++;
  }
  return undefined;
}

/** The top-level field whose value (at any depth) or nested key contains a NUL character, if any. */
export function fieldWithNul(fields: Readonly<Record<string, unknown>>): string | undefined {
  for (const [name, value] of Object.entries(fields)) {
    if (name.includes('\0')) return name;
    const todo: unknown[] = [value];
    while (todo.length) {
      const v = todo.pop();
      if (typeof v === 'string') { if (v.includes('\0')) return name; }
      else if (Array.isArray(v)) { for (const x of v) todo.push(x); }
      else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) { if (k.includes('\0')) return name; todo.push(x); }
      }
    }
  }
  return undefined;
}
