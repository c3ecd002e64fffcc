// The built-in style rules: pure functions from text to findings.
import { phraseRegExp } from '../answer/text';
import type { Finding } from './types';

/** Cap on findings of one rule in one output, so a pathological output cannot flood the editor. */
export const MAX_FINDINGS_PER_RULE = 200;

const WORD = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;

/** Number of words (runs of letters/digits, with inner apostrophes, dots and hyphens). */
export function countWords(text: string): number {
  WORD.lastIndex = 0;
  let n = 0;
  while (WORD.exec(text) !== null) n++;
  return n;
}

/** Every occurrence of `phrase` (case-insensitive, word-bounded, any whitespace between words). */
export function phraseFindings(text: string, phrase: string, ruleId: string): Finding[] {
  const re = phraseRegExp(phrase, 'giu');
  re.lastIndex = 0;
  const out: Finding[] = [];
  for (let m = re.exec(text); m !== null && out.length < MAX_FINDINGS_PER_RULE; m = re.exec(text)) {
    out.push({ ruleId, start: m.index, end: m.index + m[0].length, message: `Stock phrase '${phrase}'` });
  }
  return out;
}

/** Too many words: the span from the first word past the limit to the end of the last word. */
export function maxWordsFindings(text: string, maxWords: number): Finding[] {
  WORD.lastIndex = 0;
  let n = 0;
  let start = -1;
  let end = -1;
  for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) {
    n++;
    if (n === maxWords + 1) start = m.index;
    end = m.index + m[0].length;
  }
  return n > maxWords ? [{ ruleId: 'max-words', start, end, message: `${n} words (at most ${maxWords} wanted)` }] : [];
}

/** Too few words: the whole (trimmed) text. */
export function minWordsFindings(text: string, minWords: number): Finding[] {
  const n = countWords(text);
  if (n >= minWords) return [];
  const start = text.length - text.trimStart().length;
  return [{ ruleId: 'min-words', start, end: Math.max(start, text.trimEnd().length), message: `${n} words (at least ${minWords} wanted)` }];
}

// A line ends a sentence when its last visible character is terminal punctuation, possibly followed by
// closing quotes, brackets or emphasis markers.
const ENDS_SENTENCE = /[.!?…。！？](?:["'”’)\]*_»]*)$/u;
const TERMINAL = /[.!?…。！？]["'”’)\]*_»]*\s+/gu;

/**
 * Lines (paragraphs) that do not end as a sentence. A line ending with `:` is accepted when more text
 * follows (it introduces something). The finding spans the unfinished last sentence of the line.
 */
export function sentenceFindings(text: string): Finding[] {
  const out: Finding[] = [];
  const lines = text.split('\n');
  let offset = 0;
  let lastNonEmpty = -1;
  lines.forEach((l, i) => { if (l.trim() !== '') lastNonEmpty = i; });
  for (let i = 0; i < lines.length && out.length < MAX_FINDINGS_PER_RULE; i++) {
    const line = lines[i]!;
    const body = line.trimEnd().replace(/\r$/u, '');
    const lead = body.length - body.trimStart().length;
    if (body.trim() !== '' && !ENDS_SENTENCE.test(body) && !(body.endsWith(':') && i < lastNonEmpty)) {
      // The fragment starts after the last finished sentence of the line.
      let start = offset + lead;
      TERMINAL.lastIndex = 0;
      for (let m = TERMINAL.exec(body); m !== null; m = TERMINAL.exec(body)) start = offset + m.index + m[0].length;
      out.push({ ruleId: 'complete-sentences', start, end: offset + body.length, message: 'Not a complete sentence (no closing punctuation)' });
    }
    offset += line.length + 1;
  }
  return out;
}

const MARKDOWN: { re: RegExp; what: string }[] = [
  { re: /^ {0,3}#{1,6}[ \t]+(?=\S)/gmu, what: 'heading' },
  { re: /^[ \t]*[-*+•][ \t]+(?=\S)/gmu, what: 'bullet' },
  { re: /^[ \t]*\d{1,3}[.)][ \t]+(?=\S)/gmu, what: 'numbered list item' },
  { re: /^[ \t]*(?:```|~~~)/gmu, what: 'code fence' },
  { re: /^[ \t]*\|.*\|[ \t]*$/gmu, what: 'table row' },
  { re: /(\*\*|__)(?=\S)[^\n]*?\S\1/gu, what: 'bold text' },
];

/** Markdown formatting (headings, bullets, numbered lists, fences, tables, bold) in what should be plain prose. */
export function markdownFindings(text: string): Finding[] {
  const out: Finding[] = [];
  for (const { re, what } of MARKDOWN) {
    re.lastIndex = 0;
    let n = 0;
    for (let m = re.exec(text); m !== null && n < MAX_FINDINGS_PER_RULE; m = re.exec(text)) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      // Leading indentation is not part of the marker.
      const lead = m[0].length - m[0].trimStart().length;
      out.push({ ruleId: 'markdown', start: m.index + lead, end: m.index + m[0].trimEnd().length, message: `Markdown ${what} in a plain answer` });
      n++;
    }
  }
  return out;
}
