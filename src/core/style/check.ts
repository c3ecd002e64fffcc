// Checking outputs against the resolved style: built-in rules plus the project's regex rules.
import { isDisabled, phraseRuleId, regexRuleId } from './config';
import { RegexRules } from './regexRules';
import { countWords, markdownFindings, maxWordsFindings, minWordsFindings, phraseFindings, sentenceFindings } from './rules';
import type { Finding, ResolvedStyle, RuleProblem, StyleResult } from './types';

/** Options of a StyleChecker. */
export interface StyleCheckerOptions {
  /** Time limit for one sandboxed regex call (default 250 ms). */
  regexTimeoutMs?: number;
}

const byOffset = (a: Finding, b: Finding): number => a.start - b.start || a.end - b.end || (a.ruleId < b.ruleId ? -1 : 1);

/**
 * Checks outputs against one resolved style. Build one per (style, batch of work) and reuse it: regex
 * rules are compiled once, and a regex rule that times out is switched off and listed in `problems` once.
 */
export class StyleChecker {
  /** Enabled rule ids, in a stable order (phrases, word bounds, sentences, markdown, regex). */
  readonly ruleIds: string[];
  private readonly phrases: { phrase: string; ruleId: string }[];
  private readonly regex: RegexRules;

  constructor(readonly style: ResolvedStyle, options: StyleCheckerOptions = {}) {
    const on = (id: string): boolean => !isDisabled(id, style.disabledRules);
    const seen = new Set<string>();
    this.phrases = style.phrases.map((phrase) => ({ phrase, ruleId: phraseRuleId(phrase) }))
      .filter((p) => on(p.ruleId) && !seen.has(p.ruleId) && seen.add(p.ruleId));
    this.regex = new RegexRules(style.regex.filter((r) => on(regexRuleId(r.id))), regexRuleId, options.regexTimeoutMs);
    this.ruleIds = [
      ...this.phrases.map((p) => p.ruleId),
      ...(style.maxWords !== undefined && on('max-words') ? ['max-words'] : []),
      ...(style.minWords !== undefined && on('min-words') ? ['min-words'] : []),
      ...(style.completeSentences && on('complete-sentences') ? ['complete-sentences'] : []),
      ...(style.noMarkdown && on('markdown') ? ['markdown'] : []),
      ...this.regex.ruleIds,
    ];
  }

  /** Problems with the rules themselves (invalid or timed-out regexes), each reported once. */
  get problems(): readonly RuleProblem[] { return this.regex.problems; }

  /** Findings for one text, sorted by offset. */
  check(text: string): Finding[] {
    return this.checkMany([text])[0]!.findings;
  }

  /** Findings and word counts for many texts (regex rules run batched: use this for whole runs). */
  checkMany(texts: readonly string[]): StyleResult[] {
    const regexFindings = this.regex.run(texts);
    const enabled = new Set(this.ruleIds);
    return texts.map((text, i) => {
      const findings: Finding[] = [];
      for (const p of this.phrases) findings.push(...phraseFindings(text, p.phrase, p.ruleId));
      if (enabled.has('max-words')) findings.push(...maxWordsFindings(text, this.style.maxWords!));
      if (enabled.has('min-words')) findings.push(...minWordsFindings(text, this.style.minWords!));
      if (enabled.has('complete-sentences')) findings.push(...sentenceFindings(text));
      if (enabled.has('markdown')) findings.push(...markdownFindings(text));
      findings.push(...regexFindings[i]!);
      return { findings: findings.sort(byOffset), words: countWords(text) };
    });
  }
}

/** Per-candidate style aggregates (the paper's Table 5 columns). */
export interface StyleStats {
  n: number;
  /** Fraction of outputs with at least one finding. */
  badStyle: number;
  /** Fraction of outputs with at least one finding of each enabled rule (0 included). */
  rules: Record<string, number>;
  /** Median word count (mean of the two middle values for even n; 0 when n is 0). */
  medianWords: number;
  /** Outputs with at least one finding of each rule, as counts (for "37/500"). */
  counts: Record<string, number>;
  badStyleCount: number;
}

/** Aggregates style results; `ruleIds` fixes which rules appear (all of them, even at 0). */
export function styleStats(results: Iterable<{ words: number; findings: readonly Pick<Finding, 'ruleId'>[] }>, ruleIds: readonly string[]): StyleStats {
  const counts: Record<string, number> = Object.fromEntries(ruleIds.map((id) => [id, 0]));
  const words: number[] = [];
  let bad = 0;
  for (const r of results) {
    words.push(r.words);
    if (r.findings.length) bad++;
    if (r.findings.length) for (const id of new Set(r.findings.map((f) => f.ruleId))) counts[id] = (counts[id] ?? 0) + 1;
  }
  const n = words.length;
  return {
    n,
    badStyle: n ? bad / n : 0,
    rules: Object.fromEntries(Object.entries(counts).map(([id, c]) => [id, n ? c / n : 0])),
    medianWords: median(words),
    counts,
    badStyleCount: bad,
  };
}

/** Median of numbers (0 for none). */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
