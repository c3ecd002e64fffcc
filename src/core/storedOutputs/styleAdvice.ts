// What the editor says about style on the prompt file: one summary per (rule, candidate) with counts, and
// the instruction a quick fix adds to the prompt's system message.
import type { PromptFile } from '../prompt/types';
import { DEFAULT_PHRASES, phraseRuleId } from '../style';
import type { RunOutputs } from './runOutputs';

export interface StyleSummary {
  ruleId: string;
  candidateId: string;
  model: string;
  /** Outputs with at least one finding of the rule, out of `n` answered outputs. */
  count: number;
  n: number;
  rate: number;
  message: string;
  /** Up to `maxExamples` examples with the finding, for "related information". */
  examples: string[];
}

/** Human-readable name of a rule: the phrase for phrase rules, else the id. */
export function ruleLabel(ruleId: string, prompt?: PromptFile, projectPhrases: readonly string[] = []): string {
  if (ruleId.startsWith('phrase:')) {
    const phrase = [...(prompt?.adapt.style?.phrases ?? []), ...projectPhrases, ...DEFAULT_PHRASES].find((p) => phraseRuleId(p) === ruleId);
    return `'${phrase ?? ruleId.slice('phrase:'.length).replace(/-/g, ' ')}'`;
  }
  const names: Record<string, string> = { 'max-words': 'too many words', 'min-words': 'too few words', 'complete-sentences': 'incomplete sentences', markdown: 'markdown formatting' };
  return names[ruleId] ?? ruleId;
}

/** One summary per rule and candidate with at least one finding, most frequent first. */
export function styleSummaries(run: RunOutputs, label: (ruleId: string) => string, maxExamples = 5): StyleSummary[] {
  const out: StyleSummary[] = [];
  for (const c of run.candidates.values()) {
    for (const [ruleId, count] of Object.entries(c.stats.counts)) {
      if (!count) continue;
      const n = c.stats.n;
      const examples: string[] = [];
      for (const r of c.responses) {
        if (examples.length >= maxExamples) break;
        if (r.findings.some((f) => f.ruleId === ruleId)) examples.push(r.exampleId);
      }
      const rate = n ? count / n : 0;
      out.push({ ruleId, candidateId: c.candidateId, model: c.model, count, n, rate, examples,
        message: `${label(ruleId)} in ${count}/${n} outputs of ${c.candidateId} (${(100 * rate).toFixed(1)}%)` });
    }
  }
  return out.sort((a, b) => b.rate - a.rate || a.ruleId.localeCompare(b.ruleId));
}

/** The sentence a quick fix adds to the system message to steer models away from a rule's findings. */
export function instructionFor(ruleId: string, label: string, maxWords?: number): string {
  if (ruleId.startsWith('phrase:')) return `Never use the phrase ${label.replace(/'/g, '"')}; state the answer directly.`;
  switch (ruleId) {
    case 'max-words': return `Keep every answer under ${maxWords ?? 150} words.`;
    case 'min-words': return 'Answer in at least one full sentence.';
    case 'complete-sentences': return 'Write every answer in complete sentences that end with punctuation.';
    case 'markdown': return 'Write plain text: no headings, bullet lists or other markdown.';
    default: return `Avoid what the style rule ${ruleId} flags.`;
  }
}
