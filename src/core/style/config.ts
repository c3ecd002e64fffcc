// Resolving the style settings: defaults, the project file's `style:`, then the prompt's overrides.
import type { StyleConfig } from '../project/types';
import type { StyleOverrides } from '../prompt/types';
import type { ResolvedStyle } from './types';

/** Stock phrases flagged when the project names none (the phrases the paper's system had to avoid). */
export const DEFAULT_PHRASES: readonly string[] = ['according to', 'the sources', 'the knowledge', 'the information provided'];

/** Rule id of a phrase: `phrase:` + the phrase in lower case with runs of non-word characters as `-`. */
export function phraseRuleId(phrase: string): string {
  return `phrase:${phrase.trim().toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/gu, '')}`;
}

export const regexRuleId = (id: string): string => `regex:${id}`;

/**
 * Merges project style settings with a prompt's overrides. Prompt values replace project values;
 * `disabledRules` switches rules off by id (`phrase:according-to`), family (`phrase`) or regex rule id.
 * Defaults: the default phrases, markdown check on, complete-sentences check off, no word bounds.
 */
export function resolveStyle(project?: StyleConfig, overrides?: StyleOverrides): ResolvedStyle {
  return {
    phrases: [...(overrides?.phrases ?? project?.phrases ?? DEFAULT_PHRASES)].filter((p) => p.trim() !== ''),
    regex: [...(project?.regex ?? [])],
    maxWords: overrides?.maxWords ?? project?.maxWords,
    minWords: overrides?.minWords ?? project?.minWords,
    completeSentences: overrides?.completeSentences ?? project?.completeSentences ?? false,
    noMarkdown: project?.noMarkdown ?? true,
    disabledRules: [...(overrides?.disabledRules ?? [])],
  };
}

/** True when `ruleId` is switched off by an entry of `disabled` (exact id, family before `:`, or bare regex id). */
export function isDisabled(ruleId: string, disabled: readonly string[]): boolean {
  if (disabled.length === 0) return false;
  const colon = ruleId.indexOf(':');
  const family = colon === -1 ? ruleId : ruleId.slice(0, colon);
  return disabled.some((d) => d === ruleId || d === family || (family === 'regex' && d === ruleId.slice(colon + 1))
    || (family === 'phrase' && phraseRuleId(d) === ruleId));
}
