// Style findings: plain data with offsets into the checked text. The editor maps them to diagnostics.

/** One style problem in one output. `start`/`end` are UTF-16 offsets into the checked text (end exclusive). */
export interface Finding {
  /** Stable rule id: `phrase:according-to`, `regex:<id>`, `max-words`, `min-words`, `complete-sentences`, `markdown`. */
  ruleId: string;
  start: number;
  end: number;
  message: string;
}

/** The style settings in force for one prompt: the project's `style:` with the prompt's `adapt.style` on top. */
export interface ResolvedStyle {
  phrases: string[];
  regex: { id: string; pattern: string; flags?: string; message?: string }[];
  maxWords?: number;
  minWords?: number;
  completeSentences: boolean;
  noMarkdown: boolean;
  /** Rule ids, rule families (`phrase`, `regex`, …) or regex rule ids that are switched off. */
  disabledRules: string[];
}

/** A problem with a rule itself (bad regex, time limit hit), reported once per checker, not per output. */
export interface RuleProblem { ruleId: string; message: string }

/** Findings and word count of one output. */
export interface StyleResult { findings: Finding[]; words: number }
