// Plain-text outputs: the whole output is the answer; IDK is recognised by phrases.
import { type ParsedOutput, invalid } from './types';

/** Phrases that mark a plain-text answer as "I don't know" when the prompt names none. */
export const DEFAULT_IDK_PHRASES: readonly string[] = [
  "I don't know", 'I do not know', 'I cannot answer', "I can't answer", 'unable to answer',
  'not able to answer', "don't have enough information", 'do not have enough information',
  'not enough information', 'cannot be determined from', 'does not contain the answer',
  'do not contain the answer', "I'm not sure",
];

const cache = new Map<string, RegExp>();

/** A case-insensitive, word-bounded regex for a phrase; any run of whitespace matches a space and any apostrophe matches ' or ’. */
export function phraseRegExp(phrase: string, flags = 'iu'): RegExp {
  const key = `${flags}\u0000${phrase}`;
  let re = cache.get(key);
  if (!re) {
    const body = phrase.trim().split(/\s+/u)
      .map((w) => w.replace(/[.*+?^${}()|[\]\\/]/gu, '\\$&').replace(/['’]/gu, "['’]")).join('\\s+');
    // Lookarounds instead of \b: \b is ASCII-only and wrong next to punctuation at the phrase's edges.
    re = new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, flags);
    cache.set(key, re);
  }
  return re;
}

/** Strips reasoning blocks (`<think>…</think>`) that reasoning models put before their answer. */
export function stripThinking(output: string): string {
  if (!/<think(?:ing)?>/iu.test(output)) return output;
  const closed = output.replace(/<(think(?:ing)?)>[\s\S]*?<\/\1>/giu, '');
  // An unclosed block (truncated reasoning) hides everything after it: nothing usable remains.
  return closed.replace(/<think(?:ing)?>[\s\S]*$/iu, '');
}

/** Reads a plain-text output: answer = trimmed text, IDK when any phrase occurs. */
export function parseTextOutput(output: string, idkPhrases: readonly string[] = DEFAULT_IDK_PHRASES): ParsedOutput {
  const answer = stripThinking(output).trim();
  if (answer === '') return invalid('empty output');
  const idk = idkPhrases.some((p) => p.trim() !== '' && phraseRegExp(p).test(answer));
  return { answer, idk, schemaValid: true };
}
