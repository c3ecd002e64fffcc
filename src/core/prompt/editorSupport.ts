// Pure helpers for editor features (completion, hover, diagnostics about variables); also used by the CLI.
import { LineIndex, type Position, type Problem, type Range } from '../problems';
import { didYouMean, suggest } from '../fileProblems/reporter';
import type { FieldMapping, ParsedPrompt, PromptFile, PromptMessage, VariableRef } from './types';

const inRange = (r: Range, p: Position): boolean =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) &&
  (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

/** The variable whose `{{ … }}` contains `pos` (for hover and go-to), with its message. */
export function variableAt(parsed: ParsedPrompt, pos: Position): { variable: VariableRef; message: PromptMessage } | undefined {
  for (const message of parsed.prompt.messages) {
    const variable = message.variables.find((v) => inRange(v.range, pos));
    if (variable) return { variable, message };
  }
  return undefined;
}

/** The message whose content contains `pos`, if any (completion should only fire inside message text). */
export function messageAt(parsed: ParsedPrompt, pos: Position): PromptMessage | undefined {
  return parsed.prompt.messages.find((m) => inRange(m.range, pos));
}

/** Where a variable-name completion applies: after `{{` (and spaces), with the partial name typed so far. */
export interface CompletionContext {
  /** The partial name before the cursor (may be empty). */
  prefix: string;
  /** The range a chosen name replaces: the partial name plus any name characters right after the cursor. */
  replace: Range;
  /** False when `}}` already follows the name, so the completion should not add one. */
  needsClose: boolean;
}

/** Is the cursor right after `{{` (optionally with a partial name)? Only looks at the cursor's line. */
export function completionContext(text: string, pos: Position): CompletionContext | undefined {
  const lines = new LineIndex(text);
  const offset = lines.offset(pos);
  const lineStart = offset - pos.character;
  const before = text.slice(lineStart, offset);
  const m = /\{\{\{?\s*([A-Za-z_][A-Za-z0-9_.-]*)?$/.exec(before);
  if (!m) return undefined;
  const prefix = m[1] ?? '';
  let end = offset;
  while (end < text.length && /[A-Za-z0-9_.-]/.test(text[end]!)) end++;
  const after = text.slice(end, end + 8);
  return { prefix, replace: lines.range(offset - prefix.length, end), needsClose: !/^\s*\}\}/.test(after) };
}

/** What the test set(s) offer a prompt: raw field names and the variables their mapping defines. */
export interface VariableSources {
  /** Field names seen in the first rows of the test set(s). Undefined when unknown: then nothing is "unknown". */
  fields?: readonly string[];
  /** Variable names defined by the field mapping(s) (keys of `fields:` in prompt-adapt.yml). */
  mapped?: readonly string[];
  /** A label for messages, e.g. "test set 'hotpot'". */
  label?: string;
  /** Variables that hold the expected answer: `groundTruth` when mapped, and the raw field(s) it maps to. */
  groundTruth?: readonly string[];
}

/** The names a prompt may use: fields, mapped variables and inline testData keys. */
function knownVariables(prompt: PromptFile, sources: VariableSources): string[] {
  const inline = (prompt.testData ?? []).flatMap((row) => Object.keys(row));
  return [...new Set([...(sources.fields ?? []), ...(sources.mapped ?? []), ...inline])];
}

/** The known variable an unknown name is most likely a typo of (the "Did you mean" quick fix), if any. */
export function suggestVariable(prompt: PromptFile, sources: VariableSources, name: string): string | undefined {
  return suggest(name, knownVariables(prompt, sources));
}

/** The names that hold a test set's expected answer under its field mapping. */
export function groundTruthVariables(mapping: FieldMapping): string[] {
  const gt = mapping.groundTruth;
  if (gt === undefined) return [];
  return ['groundTruth', ...(Array.isArray(gt) ? gt : [gt])];
}

/** Each use of a variable no source provides (an error at the `{{…}}`): rendering it would fail on every example. */
export function unknownVariables(prompt: PromptFile, sources: VariableSources): Problem[] {
  if (!sources.fields && !sources.mapped) return [];
  const label = sources.label ?? 'the test set';
  const known = knownVariables(prompt, sources);
  return prompt.messages.flatMap((m) => m.variables.filter((v) => !known.includes(v.name)).map((v): Problem => ({
    file: prompt.path, range: v.range, severity: 'error', code: 'unknown-variable',
    message: `Unknown variable '{{${v.name}}}': ${label} has no field or mapped variable '${v.name}'.${didYouMean(v.name, known)} Map it under the test set's 'fields' in prompt-adapt.yml, or fix the name.`,
  })));
}

/**
 * Diagnostics about variables: each use of a variable no source provides (error, at the `{{…}}`), and each
 * mapped variable the prompt never uses (warning, at the `messages` key). Inline `testData` keys count as provided.
 */
export function checkVariables(parsed: ParsedPrompt, sources: VariableSources): Problem[] {
  const problems = unknownVariables(parsed.prompt, sources);
  const file = parsed.prompt.path;
  const label = sources.label ?? 'the test set';
  const used = new Set(parsed.prompt.messages.flatMap((m) => m.variables.map((v) => v.name)));
  for (const name of sources.mapped ?? []) {
    if (name === 'id' || name === 'groundTruth' || used.has(name)) continue;
    problems.push({ file, range: parsed.anchors.messages ?? parsed.anchors.top, severity: 'warning', code: 'unused-field',
      message: `The mapped field '${name}' of ${label} is never used in this prompt; add '{{${name}}}' where it belongs, or remove it from the mapping.` });
  }
  problems.push(...groundTruthUses(parsed.prompt, sources));
  return problems;
}

/** Each use of the expected answer in the prompt (a warning): the model would be shown what it is graded against. */
function groundTruthUses(prompt: PromptFile, sources: VariableSources): Problem[] {
  const leaked = new Set(sources.groundTruth ?? []);
  return prompt.messages.flatMap((m) => m.variables.filter((v) => leaked.has(v.name)).map((v): Problem => ({
    file: prompt.path, range: v.range, severity: 'warning', code: 'ground-truth-variable',
    message: `'{{${v.name}}}' is the expected answer of the test set: putting it in the prompt shows the model what it is graded against, so every score would be inflated. Remove it, unless this prompt is a judge's.`,
  })));
}
