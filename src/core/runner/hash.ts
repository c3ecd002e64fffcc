// Content hashes: the cache key of a request and the key human labels attach to an output.
import { createHash, hash } from 'node:crypto';
import type { RenderedMessage } from '../prompt/types';

/** JSON with object keys sorted, so equal parameters hash equally whatever order they were written in. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

/** Plans share one parameters object per candidate across all examples: serialise it once. */
const canonicalParams = new WeakMap<object, string>();

/** 128-bit hex hash of (endpoint kind, model, rendered messages, parameters): equal requests, equal answers. */
export function requestHash(kind: string, model: string, messages: readonly RenderedMessage[], params?: Readonly<Record<string, unknown>>): string {
  const h = createHash('sha256').update(kind).update('\0').update(model).update('\0');
  for (const m of messages) h.update(m.role).update('\0').update(m.content).update('\0');
  let p = '{}';
  if (params) {
    // Frozen or not, a plan's parameters are not mutated while it runs; a changed object would be a new plan.
    const known = canonicalParams.get(params);
    if (known === undefined) canonicalParams.set(params, p = canonical(params)); else p = known;
  }
  // The first 16 bytes written as hex: a string of its own (a slice of the 64-digit one would keep that alive, and
  // runs hold 100k of these keys).
  return h.update(p).digest().toString('hex', 0, 16);
}

/** 128-bit hex hash of an output text; human labels are keyed by it. */
export function outputHash(text: string): string {
  // The one-shot hash: a comparison checks 100k+ stored outputs against their hashes, and a Hash object each
  // costs several times the hashing itself.
  return hash('sha256', text, 'buffer').toString('hex', 0, 16);
}
