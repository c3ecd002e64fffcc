// One entry point for all output formats, plus the per-candidate aggregates (schema-failure and IDK rates).
import type { OutputSpec } from '../prompt/types';
import { parseJsonOutput } from './json';
import { DEFAULT_IDK_PHRASES, parseTextOutput } from './text';
import { type ParsedOutput, invalid } from './types';
import { parseXmlOutput } from './xml';

/**
 * Reads one model output per the prompt's `adapt.output` spec (plain text with the default IDK phrases
 * when there is none). Never throws: broken outputs come back with `schemaValid: false` and a reason.
 */
export function parseOutput(output: string | undefined | null, spec?: OutputSpec): ParsedOutput {
  if (typeof output !== 'string') return invalid('no output');
  if (!spec) return parseTextOutput(output, DEFAULT_IDK_PHRASES);
  switch (spec.format) {
    case 'xml': return parseXmlOutput(output, spec);
    case 'json': return parseJsonOutput(output, spec);
    case 'text': return parseTextOutput(output, spec.idkPhrases ?? DEFAULT_IDK_PHRASES);
    default: return invalid(`unknown output format '${(spec as { format?: unknown }).format}'`);
  }
}

/** Per-candidate output statistics. Outputs that could not be obtained (request errors) are counted apart. */
export interface OutputStats {
  /** Outputs parsed (request errors excluded). */
  n: number;
  schemaFailures: number;
  /** schemaFailures / n (0 when n is 0). */
  schemaFailureRate: number;
  idk: number;
  /** idk / n (0 when n is 0). */
  idkRate: number;
  /** Responses without an output (request errors). */
  errors: number;
}

/** Aggregates parsed outputs by candidate id. Pass `parsed: undefined` for a response that has no output. */
export function outputStats(items: Iterable<{ candidateId: string; parsed?: ParsedOutput }>): Map<string, OutputStats> {
  const stats = new Map<string, OutputStats>();
  for (const { candidateId, parsed } of items) {
    let s = stats.get(candidateId);
    if (!s) { s = { n: 0, schemaFailures: 0, schemaFailureRate: 0, idk: 0, idkRate: 0, errors: 0 }; stats.set(candidateId, s); }
    if (!parsed) { s.errors++; continue; }
    s.n++;
    if (!parsed.schemaValid) s.schemaFailures++;
    if (parsed.idk) s.idk++;
  }
  for (const s of stats.values()) {
    s.schemaFailureRate = s.n ? s.schemaFailures / s.n : 0;
    s.idkRate = s.n ? s.idk / s.n : 0;
  }
  return stats;
}
