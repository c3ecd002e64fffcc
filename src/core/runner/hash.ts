// Content hashes: the cache key of a request and the key human labels attach to an output.
import { createHash } from 'node:crypto';
import type { RenderedMessage } from '../prompt/types';

/** JSON with object keys sorted, so equal parameters hash equally whatever order they were written in. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

/** 128-bit hex hash of (endpoint kind, model, rendered messages, parameters): equal requests, equal answers. */
export function requestHash(kind: string, model: string, messages: readonly RenderedMessage[], params?: Readonly<Record<string, unknown>>): string {
  const h = createHash('sha256').update(kind).update('\0').update(model).update('\0');
  for (const m of messages) h.update(m.role).update('\0').update(m.content).update('\0');
  return h.update(params ? canonical(params) : '{}').digest('hex').slice(0, 32);
}

/** 128-bit hex hash of an output text; human labels are keyed by it. */
export function outputHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}
