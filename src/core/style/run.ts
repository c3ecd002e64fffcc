// Style over a whole run: each response's parsed answer is checked (not the raw XML/JSON around it),
// and results are aggregated per candidate.
import { parseOutput } from '../answer/parse';
import type { ParsedOutput } from '../answer/types';
import type { OutputSpec } from '../prompt/types';
import type { ResponseRecord } from '../store/records';
import { type StyleChecker, type StyleStats, styleStats } from './check';
import { countWords } from './rules';
import type { Finding } from './types';

/** Style of one response: offsets in `findings` are into `answer`. */
export interface ResponseStyle {
  exampleId: string;
  candidateId: string;
  /** The parsed answer that was checked (what an output document shows). */
  answer: string;
  idk: boolean;
  findings: Finding[];
  words: number;
}

/**
 * The text style rules read for one output: its parsed answer. Never the raw output (an XML or JSON wrapper is not
 * prose, so sentence rules would fire on its tags), and nothing for an IDK reply or an output without an answer.
 */
export function styleTextOf(parsed: ParsedOutput): string | undefined {
  return parsed.idk || parsed.answer === '' ? undefined : parsed.answer;
}

/** Style results of a run. Responses without output (request errors) are left out; IDK answers are left out of the rates. */
export interface RunStyle {
  responses: ResponseStyle[];
  byCandidate: Map<string, StyleStats>;
}

/** Checks the answers of a run's responses with `checker` (one batched pass per candidate). */
export function styleRun(responses: Iterable<ResponseRecord>, outputSpec: OutputSpec | undefined, checker: StyleChecker): RunStyle {
  const groups = new Map<string, { r: ResponseRecord; answer: string; idk: boolean }[]>();
  for (const r of responses) {
    if (r.error || typeof r.output !== 'string') continue;
    const parsed = parseOutput(r.output, outputSpec);
    let g = groups.get(r.candidateId);
    if (!g) groups.set(r.candidateId, (g = []));
    g.push({ r, answer: parsed.answer, idk: parsed.idk });
  }
  const out: RunStyle = { responses: [], byCandidate: new Map() };
  for (const [candidateId, g] of groups) {
    // A refusal is not prose to check: IDK replies get no findings. They are often empty, so they would also drag
    // the median word count to 0: the rates cover answered outputs only (IDK has its own rate).
    const answered = g.filter((x) => !x.idk);
    const checked = checker.checkMany(answered.map((x) => x.answer));
    let k = 0;
    const results = g.map((x) => (x.idk ? { findings: [], words: countWords(x.answer) } : checked[k++]!));
    out.byCandidate.set(candidateId, styleStats(checked, checker.ruleIds));
    g.forEach((x, i) => {
      const res = results[i]!;
      out.responses.push({ exampleId: x.r.exampleId, candidateId, answer: x.answer, idk: x.idk, findings: res.findings, words: res.words });
    });
  }
  return out;
}
