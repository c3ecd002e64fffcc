// Model parameters in either spelling (GitHub Models files use camelCase, OpenAI/Prompty use snake_case),
// normalised to camelCase and type-checked. Only generation parameters are accepted (core/providers/parameters.ts):
// any other key is an error at its location, so a workspace file cannot set the model, the messages, `n`,
// `store` or anything else that changes what is measured, what it costs or what the provider keeps.
import { GENERATION_PARAMETERS, isParameterName, notAParameterMessage, PARAMETER_ALIASES, parameterValueProblem, type ParameterName } from '../providers/parameters';
import { describeNode, toPlain, type YamlNode } from '../yaml';
import type { ModelParameters } from './types';
import type { Reporter } from '../fileProblems/reporter';

/** `max_tokens` -> `maxTokens`; camelCase passes through; other spellings of a parameter become ours. */
export const camelCase = (key: string): string => {
  const camel = key.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return PARAMETER_ALIASES[camel] ?? camel;
};

/**
 * Reads a `modelParameters`-like mapping. Every key must be a generation parameter with a valid value; the same
 * parameter in two spellings is a warning and the later one wins.
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
    if (!isParameterName(key)) {
      rep.error(p.keySpan, 'not-a-parameter', `${notAParameterMessage(p.key)} (in '${where}')`);
      continue;
    }
    const before = seen.get(key);
    if (before !== undefined) {
      rep.warning(p.keySpan, 'duplicate-parameter', `'${p.key}' sets the same parameter as '${before}' above; keep one spelling (this one wins).`);
    }
    seen.set(key, p.key);
    const value = readValue(key, p.key, p.value, p.keySpan, rep);
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** The checked value of one parameter, or undefined after reporting why it is not acceptable. */
function readValue(key: ParameterName, written: string, v: YamlNode | null, keySpan: [number, number], rep: Reporter): unknown {
  const value = toPlain(v);
  const span = v ? v.span : keySpan;
  const rule = GENERATION_PARAMETERS[key].value;
  if (rule.type === 'stop' && typeof value === 'string') return [value];
  if ((rule.type === 'number' || rule.type === 'integer') && (typeof value !== 'number' || Number.isNaN(value))) {
    const quoted = v?.kind === 'scalar' && typeof v.value === 'string' && v.value.trim() !== '' && !Number.isNaN(Number(v.value));
    rep.error(span, 'wrong-type', `'${written}' must be a number, not ${describeNode(v)}.${quoted ? ' Remove the quotes.' : ''}`);
    return undefined;
  }
  const problem = parameterValueProblem(key, value);
  if (!problem) return value;
  const outOfRange = problem.startsWith('must be between') || problem.startsWith('must be at');
  rep.error(span, outOfRange ? 'out-of-range' : 'wrong-type', `'${written}' ${problem}${rule.type === 'stop' ? `, not ${describeNode(v)}` : ''}.`);
  return undefined;
}
