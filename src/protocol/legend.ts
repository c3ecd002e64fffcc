// What the panel, the reports and the CLI say about a decision, in one place: the overall status (PASS / FAIL /
// UNKNOWN) with its icon, colours and meaning, the statistics verdicts in words, the rules by name, the label
// count, and how repeated notes are merged. Every view imports these, so the panel's legend and the HTML report's
// legend cannot drift apart. Leaf module: imports nothing but its own siblings (types only).
import type { CalibrationSummary, CellStatus, DecisionRow, Note, SystemRow, VerdictName } from './comparison';

/**
 * The overall status of a candidate. `light`/`dark` are the report's colours (it has no theme of its own);
 * `themeColor` is the VS Code theme colour the panel uses for the same status (main.css, `.status-<key>`):
 * green, red, amber in every theme.
 */
export interface StatusStyle { word: string; icon: string; meaning: string; light: string; dark: string; themeColor: string }

export const STATUS_STYLE: Readonly<Record<CellStatus, StatusStyle>> = {
  pass: { word: 'PASS', icon: '✓', meaning: 'passes every rule: it can replace the baseline', light: '#1a7f37', dark: '#3fb950', themeColor: 'charts-green' },
  fail: { word: 'FAIL', icon: '✗', meaning: 'breaks at least one rule', light: '#cf222e', dark: '#f85149', themeColor: 'charts-red' },
  unknown: { word: 'UNKNOWN', icon: '?', meaning: 'no rule fails, but one cannot be decided yet (missing data, or a number not to act on)', light: '#9a6700', dark: '#d29922', themeColor: 'charts-yellow' },
};

/** A count with its noun in the right number: `counted(1, 'more label')` → "1 more label", `counted(3, 'request')` → "3 requests". */
export const counted = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A region or modality a selection must cover, in plain words: `region:us-east-1` → "us-east-1", `modality:image` → "modality image". */
export const requirementWords = (k: string): string => k.replace(/^region:/, '').replace(/^modality:/, 'modality ');

/** The order a legend lists the statuses in. */
export const STATUS_ORDER: readonly CellStatus[] = ['pass', 'fail', 'unknown'];

/** The statistics verdicts (METHOD §7) as every view words them, with what each means. */
export const VERDICT_WORDS: Readonly<Record<VerdictName, { word: string; meaning: string }>> = {
  better: { word: 'better', meaning: 'more often correct than the baseline: the whole interval is above zero' },
  'non-inferior': { word: 'non-inferior', meaning: 'at most the margin worse than the baseline: the interval stays above −margin' },
  worse: { word: 'worse', meaning: 'more than the margin worse than the baseline: the interval is below −margin' },
  inconclusive: { word: 'inconclusive', meaning: 'the interval is too wide to tell; more labels or test questions would settle it' },
  'do-not-act': { word: 'do not act', meaning: 'an assumption behind the number is known to fail: do not base a decision on it' },
};

export const VERDICT_ORDER: readonly VerdictName[] = ['better', 'non-inferior', 'worse', 'inconclusive', 'do-not-act'];

/** The rules of the decision table, in table order, by the names every view uses. */
export type RuleKey = 'schema' | 'idk' | 'latency' | 'correctness' | 'style';
export const RULE_NAMES: Readonly<Record<RuleKey, string>> = {
  schema: 'Output format', idk: '"I don\'t know" rate', latency: 'Speed', correctness: 'Correctness', style: 'Style',
};
export const RULE_ORDER: readonly RuleKey[] = ['schema', 'idk', 'latency', 'correctness', 'style'];

/** The rules a candidate does not pass, in words: "Style: 70.5% bad style > 5.0%". Empty when every rule passes. */
export function failingRules(d: DecisionRow): { rule: RuleKey; status: CellStatus; text: string }[] {
  return RULE_ORDER.filter((k) => d[k].status !== 'pass').map((k) => ({ rule: k, status: d[k].status, text: `${RULE_NAMES[k]}: ${d[k].detail}` }));
}

/**
 * The one definition of "labels" every view counts (METHOD §1): an answered output with a human label of correct or
 * incorrect and a verdict of the primary metric. Unsure labels, labels on IDK outputs and labels whose output is no
 * longer compared are counted beside it, never in it.
 */
export const LABEL_DEFINITION = 'labels = answered outputs with a human label (correct or incorrect) and a verdict of the primary metric; '
  + 'IDK outputs are not labelled (an IDK reply is incorrect by definition), unsure labels and labels of outputs no longer compared are counted apart';

/** Whether one labelled output counts as a label (the definition above). */
export function countsAsLabel(o: { label?: string; idk: boolean; verdict?: 0 | 1 | null }): boolean {
  return !o.idk && (o.label === 'correct' || o.label === 'incorrect') && (o.verdict === 0 || o.verdict === 1);
}

export interface LabelCounts { labels: number; unsure: number; idk: number; unmatched: number; lines: number }

/** A calibration's label counts: `labels` by the definition, then those set apart; `lines` is their sum. */
export function labelCounts(c: Pick<CalibrationSummary, 'tp' | 'fn' | 'fp' | 'tn' | 'unsure' | 'unmatched' | 'idkLabels'>): LabelCounts {
  const labels = c.tp + c.fn + c.fp + c.tn;
  const idk = c.idkLabels ?? 0;
  return { labels, unsure: c.unsure, idk, unmatched: c.unmatched, lines: labels + c.unsure + idk + c.unmatched };
}

/** "390 labels (and 8 unsure, 3 on IDK outputs, 0 no longer compared)". */
export function labelCountText(c: LabelCounts): string {
  const apart = [c.unsure ? `${c.unsure} unsure` : '', c.idk ? `${c.idk} on IDK outputs` : '', c.unmatched ? `${c.unmatched} of outputs no longer compared` : ''].filter(Boolean);
  return `${counted(c.labels, 'label')}${apart.length ? ` (not counted: ${apart.join(', ')})` : ''}`;
}

/** A message with a system's own name (as a whole word) replaced by "this system", so notes of several systems compare equal. */
function withoutName(message: string, name: string): string {
  if (!name) return message;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return message.replace(new RegExp(`(?<![\\w.-])${escaped}(?![\\w-])`, 'g'), 'this system');
}

/**
 * The rows' notes with repeats merged: the same severity, code and message (after taking the system's own name out)
 * on several systems becomes one note naming them all, so eight "too few labels" lines read as one.
 */
export function mergedNotes(rows: readonly Pick<SystemRow, 'systemId' | 'notes'>[], keep: (n: Note) => boolean = () => true): { note: Note; systems: string[] }[] {
  const grouped = new Map<string, { note: Note; original: Note; systems: string[] }>();
  for (const r of rows) {
    for (const n of r.notes) {
      if (!keep(n)) continue;
      const message = withoutName(n.message, r.systemId);
      const key = `${n.severity}\u0000${n.code}\u0000${message}`;
      const g = grouped.get(key);
      if (!g) grouped.set(key, { note: { ...n, message }, original: n, systems: [r.systemId] });
      else if (!g.systems.includes(r.systemId)) g.systems.push(r.systemId);
    }
  }
  // A note on one system keeps its own wording (with the name in it).
  return [...grouped.values()].map((g) => ({ note: g.systems.length === 1 ? g.original : g.note, systems: g.systems }));
}

/**
 * A system's name as lines of at most `max` characters for a plot label, so no name is cut: first at " · " (a
 * variant's candidate and prompt file), then at a separator (space . - _ /) near the limit, else hard.
 */
export function labelLines(name: string, max = 30): string[] {
  if (name.length <= max) return [name];
  const out: string[] = [];
  for (const part of name.split(' · ').map((p, i, all) => (i < all.length - 1 ? `${p} ·` : p))) {
    let rest = part;
    while (rest.length > max) {
      const window = rest.slice(0, max);
      const cut = Math.max(...[' ', '.', '-', '_', '/'].map((c) => window.lastIndexOf(c)));
      const at = cut >= max / 2 ? cut + 1 : max;
      out.push(rest.slice(0, at).trimEnd());
      rest = rest.slice(at).trimStart();
    }
    if (rest) out.push(rest);
  }
  return out;
}
