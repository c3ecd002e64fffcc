// JSON outputs: the object may come bare, in a code fence, or inside prose.
import { stripThinking } from './text';
import { type ParsedOutput, invalid } from './types';

/** How many `{` starts are tried before giving up (bounds the work on hostile outputs). */
const MAX_TRIES = 32;

/** The end (exclusive) of the balanced `{…}` starting at `start`, string-aware; -1 if unbalanced. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
    else if (c === 125 /* } */ || c === 93 /* ] */) { depth--; if (depth === 0) return i + 1; if (depth < 0) return -1; }
  }
  return -1;
}

interface Found { value: unknown; several: boolean }

/** The first JSON object in the text, and whether another one follows it. */
export function findJsonObject(text: string): Found | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try { return { value: JSON.parse(trimmed), several: false }; } catch { /* fall through to scanning */ }
  }
  let from = 0;
  let found: Found | undefined;
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const start = text.indexOf('{', from);
    if (start === -1) break;
    const end = balancedEnd(text, start);
    if (end === -1) { from = start + 1; continue; }
    try {
      const value: unknown = JSON.parse(text.slice(start, end));
      if (found) { found.several = true; return found; }
      found = { value, several: false };
      from = end;
    } catch {
      from = start + 1;
    }
  }
  return found;
}

function get(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.').filter((k) => k !== '')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) && /^\d+$/u.test(key) ? cur[Number(key)] : (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function truthy(v: unknown): boolean {
  if (typeof v === 'string') return !['', 'false', '0', 'no'].includes(v.trim().toLowerCase());
  return Boolean(v);
}

/** Reads a JSON output by the spec's dotted paths. Never throws. */
export function parseJsonOutput(output: string, spec: { answer: string; idk?: string }): ParsedOutput {
  try {
    const text = stripThinking(output);
    if (text.trim() === '') return invalid('empty output');
    const found = findJsonObject(text);
    if (!found || found.value === null || typeof found.value !== 'object') return invalid('no JSON object');
    const idk = spec.idk ? truthy(get(found.value, spec.idk)) : false;
    const raw = get(found.value, spec.answer);
    const reasons: string[] = found.several ? ['several JSON objects; the first was used'] : [];
    let answer = '';
    if (typeof raw === 'string') answer = raw.trim();
    else if (typeof raw === 'number' || typeof raw === 'boolean') answer = String(raw);
    else if (raw !== undefined && raw !== null) reasons.push(`'${spec.answer}' is not text`);
    if (answer === '' && !idk && reasons.length === 0) reasons.push(raw === undefined || raw === null ? `no '${spec.answer}'` : `empty '${spec.answer}'`);
    return reasons.length ? invalid(reasons.join('; '), answer, idk) : { answer, idk, schemaValid: true };
  } catch (err) {
    return invalid(`unparseable JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}
