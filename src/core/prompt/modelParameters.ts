// Model parameters in either spelling (GitHub Models files use camelCase, OpenAI/Prompty use snake_case),
// normalised to camelCase and type-checked.
import { describeNode, toPlain, type YamlNode } from '../yaml';
import type { ModelParameters } from './types';
import type { Reporter } from '../fileProblems/reporter';

/** `max_tokens` -> `maxTokens`; camelCase passes through. */
export const camelCase = (key: string): string => key.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());

interface Rule { type: 'number' | 'integer' | 'stop'; min?: number; max?: number }
const RULES: Record<string, Rule> = {
  temperature: { type: 'number', min: 0, max: 2 },
  topP: { type: 'number', min: 0, max: 1 },
  maxTokens: { type: 'integer', min: 1 },
  maxCompletionTokens: { type: 'integer', min: 1 },
  maxOutputTokens: { type: 'integer', min: 1 },
  seed: { type: 'integer' },
  frequencyPenalty: { type: 'number', min: -2, max: 2 },
  presencePenalty: { type: 'number', min: -2, max: 2 },
  stop: { type: 'stop' },
};

/**
 * Reads a `modelParameters`-like mapping. Unknown parameters are kept (providers may accept them); known ones
 * are type-checked; the same parameter in two spellings is a warning and the later one wins.
 */
export function readModelParameters(node: YamlNode | null, rep: Reporter, where: string): ModelParameters {
  const out: ModelParameters = {};
  if (!node || (node.kind === 'scalar' && node.value === null)) return out;
  if (node.kind !== 'map') {
    rep.error(node.span, 'wrong-type', `'${where}' must be a mapping of parameter names to values (for example 'temperature: 0'), not ${describeNode(node)}.`);
    return out;
  }
  const seen = new Map<string, string>();
  for (const p of node.pairs) {
    const key = camelCase(p.key);
    const v = p.value;
    const before = seen.get(key);
    if (before !== undefined) {
      rep.warning(p.keySpan, 'duplicate-parameter', `'${p.key}' sets the same parameter as '${before}' above; keep one spelling (this one wins).`);
    }
    seen.set(key, p.key);
    const rule = RULES[key];
    const value = toPlain(v);
    if (!rule) { out[key] = value; continue; }
    const span = v ? v.span : p.keySpan;
    if (rule.type === 'stop') {
      if (typeof value === 'string') out.stop = [value];
      else if (Array.isArray(value) && value.every((s) => typeof s === 'string')) out.stop = value as string[];
      else rep.error(span, 'wrong-type', `'${p.key}' must be a string or a list of strings, not ${describeNode(v)}.`);
      continue;
    }
    if (typeof value !== 'number' || Number.isNaN(value)) {
      const quoted = v?.kind === 'scalar' && typeof v.value === 'string' && v.value.trim() !== '' && !Number.isNaN(Number(v.value));
      rep.error(span, 'wrong-type', `'${p.key}' must be a number, not ${describeNode(v)}.${quoted ? ' Remove the quotes.' : ''}`);
      continue;
    }
    if (rule.type === 'integer' && !Number.isInteger(value)) {
      rep.error(span, 'wrong-type', `'${p.key}' must be a whole number, not ${value}.`);
      continue;
    }
    if ((rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)) {
      const bounds = rule.max === undefined ? `at least ${rule.min}` : `between ${rule.min} and ${rule.max}`;
      rep.error(span, 'out-of-range', `'${p.key}' must be ${bounds}, not ${value}.`);
      continue;
    }
    out[key] = value;
  }
  return out;
}
