// Filling `{{variable}}` placeholders for one example. Text outside placeholders is copied exactly.
import { UserError } from '../errors';
import { scanTemplate } from './locate';
import type { Example, FieldMapping, PromptFile, PromptMessage, RenderedMessage } from './types';

export interface RenderResult {
  messages: RenderedMessage[];
  /** Variables the prompt uses that have no value, in order of first use. */
  missing: string[];
  /** Mapped variables (see exampleValues) the prompt never uses. */
  unused: string[];
}

/** How a value is written into the prompt: strings as-is, other scalars with String(), objects as JSON. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

/** Fills one message; `null`/`undefined` values count as missing and leave the placeholder as written. */
export function renderContent(content: string, values: Readonly<Record<string, unknown>>, missing?: Set<string>): string {
  const { variables } = scanTemplate(content);
  let out = '';
  let at = 0;
  for (const v of variables) {
    const value = Object.hasOwn(values, v.name) ? values[v.name] : undefined;
    out += content.slice(at, v.start);
    if (value === undefined || value === null) { missing?.add(v.name); out += content.slice(v.start, v.end); }
    else out += formatValue(value);
    at = v.end;
  }
  return out + content.slice(at);
}

/**
 * Renders every message. `mapped` lists the variable names the field mapping provides on purpose; those the
 * prompt never uses come back in `unused` (ground truth and id are for metrics, so they are never "unused").
 */
export function renderMessages(messages: readonly PromptMessage[], values: Readonly<Record<string, unknown>>, mapped: readonly string[] = []): RenderResult {
  const missing = new Set<string>();
  const rendered = messages.map((m) => ({ role: m.role, content: renderContent(m.content, values, missing) }));
  return { messages: rendered, missing: [...missing], unused: unusedVariables(messages, mapped) };
}

/** Mapped variable names that no message uses (excluding `id` and `groundTruth`, which metrics use). */
export function unusedVariables(messages: readonly PromptMessage[], mapped: readonly string[]): string[] {
  const used = new Set(messages.flatMap((m) => m.variables.map((v) => v.name)));
  return mapped.filter((n) => n !== 'id' && n !== 'groundTruth' && !used.has(n));
}

/**
 * The template values of one example: every raw field under its own name, then each mapped variable
 * (mapping: variable -> field). A variable mapped to several fields gets the list of their values.
 */
export function exampleValues(fields: Readonly<Record<string, unknown>>, mapping: FieldMapping = {}): Record<string, unknown> {
  const values: Record<string, unknown> = { ...fields };
  for (const [variable, field] of Object.entries(mapping)) {
    if (field === undefined) continue;
    values[variable] = Array.isArray(field) ? field.map((f) => fields[f]) : fields[field];
  }
  return values;
}

/** Names of the variables a mapping provides (its keys). */
export const mappedVariables = (mapping: FieldMapping = {}): string[] => Object.keys(mapping).filter((k) => mapping[k] !== undefined);

/** Raised by renderExample when a variable has no value; names every missing variable and the example. */
export class MissingVariableError extends UserError {
  constructor(readonly missing: string[], readonly exampleId: string, readonly promptPath: string) {
    super(`Example '${exampleId}' has no value for ${missing.map((m) => `'{{${m}}}'`).join(', ')} used in ${promptPath}.`,
      'Add the field to the test set, or map it in prompt-adapt.yml under the test set\'s \'fields\'.');
    this.name = 'MissingVariableError';
  }
}

/** Renders a prompt for one example of a test set; throws MissingVariableError if any variable has no value. */
export function renderExample(prompt: PromptFile, example: Example, mapping: FieldMapping = {}): RenderResult {
  const r = renderMessages(prompt.messages, exampleValues(example.fields, mapping), mappedVariables(mapping));
  if (r.missing.length) throw new MissingVariableError(r.missing, example.id, prompt.path);
  return r;
}
