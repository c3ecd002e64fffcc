// The migration decision (the framework's steps 2–6): per test set, one row per candidate with its verdict first
// (overall PASS / FAIL / UNKNOWN, the statistics verdict, the failing rules in words, cost, regions), then a
// PASS / FAIL / UNKNOWN table for the candidates and one for the prompt variants, each cell with its number and
// threshold (details on demand), then which candidate serves which region and at what cost.
// Status is never colour alone: every cell carries an icon and the status word as text.
import type { CellStatus, ComparisonReport, CoverSet, DecisionCell, DecisionRow, Selection, SystemRow, TestSetComparison } from '../../src/protocol/comparison';
import { failingRules, requirementWords, RULE_NAMES, STATUS_ORDER, STATUS_STYLE, VERDICT_ORDER, VERDICT_WORDS, type RuleKey } from '../../src/protocol/legend';
import { h } from '../dom';
import { pct, pp, usd } from '../format';
import { badge, button } from '../ui/controls';
import { adaptPromptAction } from './adaptAction';
import { copy, tableText, type ViewContext } from './context';
import { notesList, staleBanner, testSetNotes } from './comparisonView';

const BADGE_KIND = { pass: 'ok', fail: 'error', unknown: 'warning' } as const;

/** The table's columns: the rule, its heading, and how its value and threshold read. */
const RULES: readonly { key: RuleKey; label: string; step: string; value: (x: number) => string; limit: (t: number) => string }[] = [
  { key: 'schema', label: `${RULE_NAMES.schema}: failures`, step: 'step 2', value: (x) => pct(x), limit: (t) => `≤ ${pct(t)}` },
  { key: 'idk', label: `${RULE_NAMES.idk}: increase`, step: 'steps 3–4', value: (x) => pp(x), limit: (t) => `≤ ${pp(t)}` },
  { key: 'latency', label: `${RULE_NAMES.latency}: latency ratio`, step: 'step 4', value: (x) => `×${x.toFixed(2)}`, limit: (t) => `≤ ×${t.toFixed(2)}` },
  { key: 'correctness', label: `${RULE_NAMES.correctness}: interval's lower end`, step: 'step 4', value: (x) => pp(x), limit: (t) => `> ${pp(t)}` },
  { key: 'style', label: `${RULE_NAMES.style}: bad style`, step: 'step 5', value: (x) => pct(x), limit: (t) => `≤ ${pct(t)}` },
];

/** A status as icon + word inside a badge (colour comes from the badge kind and the `pass|fail|unknown` class). */
export function statusMark(status: CellStatus): HTMLElement {
  const b = badge('', BADGE_KIND[status]);
  b.classList.add('decision-status', status);
  b.classList.add(`status-${status}`);
  b.append(h('span', { class: 'status-icon', 'aria-hidden': 'true' }, STATUS_STYLE[status].icon), ' ', h('span', { class: 'status-word' }, STATUS_STYLE[status].word));
  return b;
}

/** One rule's cell: status, the number and the threshold as text; the rule's detail sentence as the title. */
function ruleCell(rule: (typeof RULES)[number], c: DecisionCell | undefined): HTMLTableCellElement {
  if (!c) return h('td', { class: 'decision-cell unknown', 'data-rule': rule.key, 'data-status': 'unknown' }, statusMark('unknown'), h('div', { class: 'muted' }, 'not evaluated'));
  const value = c.value === undefined || !Number.isFinite(c.value) ? '—' : rule.value(c.value);
  const limit = c.threshold === undefined || !Number.isFinite(c.threshold) ? '' : rule.limit(c.threshold);
  return h('td', { class: `decision-cell ${c.status}`, 'data-rule': rule.key, 'data-status': c.status, title: c.detail },
    statusMark(c.status),
    h('div', { class: 'decision-numbers' }, h('span', { class: 'decision-value' }, value), limit ? h('span', { class: 'muted decision-threshold' }, ` (limit ${limit})`) : null),
    // The detail is also in the cell (not only on hover) for keyboard and screen-reader users.
    h('div', { class: 'muted decision-detail' }, c.detail));
}

/** The legend of the overall status and of the statistics verdicts, in the words every view uses (protocol/legend). */
export function statusLegend(): HTMLElement {
  return h('div', { class: 'legend', 'aria-label': 'Legend' },
    h('ul', { class: 'legend-status' }, ...STATUS_ORDER.map((st) => h('li', { 'data-status': st }, statusMark(st), ' ', STATUS_STYLE[st].meaning))),
    h('p', { class: 'muted legend-verdicts' }, h('strong', {}, 'Statistics verdict: '),
      ...VERDICT_ORDER.flatMap((v, i) => [i ? ' · ' : '', h('span', { class: `verdict-word ${v}`, title: VERDICT_WORDS[v].meaning }, VERDICT_WORDS[v].word), ` — ${VERDICT_WORDS[v].meaning}`])));
}

/**
 * Actions offered on a candidate's row of the verdict table (e.g. adapting the prompt for a failing candidate).
 * Each returns an element or null; the row shows them in its last cell.
 */
export const candidateActions: ((ctx: ViewContext, ts: TestSetComparison, d: DecisionRow) => HTMLElement | null)[] = [adaptPromptAction];

/** One row per candidate, verdict first: overall status, the statistics verdict, the failing rules in words, cost, regions. */
export function verdictTable(ctx: ViewContext, ts: TestSetComparison, decisions: readonly DecisionRow[], rows: readonly SystemRow[], caption: string): HTMLTableElement {
  const rowOf = (id: string): SystemRow | undefined => rows.find((r) => r.systemId === id);
  return h('table', { class: 'verdicts', 'data-testset': ts.testSetId },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...['Candidate', 'Overall', 'Statistics verdict', 'Why', 'Cost / 1k requests', 'Serves', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...decisions.map((d) => {
      const r = rowOf(d.systemId);
      const why = failingRules(d);
      const actions = candidateActions.map((a) => a(ctx, ts, d)).filter((x): x is HTMLElement => x !== null);
      const verdict = d.verdict ?? r?.verdict;
      return h('tr', { 'data-system': d.systemId, 'data-overall': d.overall, class: `overall-${d.overall}` },
        h('th', { scope: 'row' }, d.systemId, r?.model ? h('div', { class: 'muted' }, r.model) : null),
        h('td', { class: 'overall-cell', 'data-status': d.overall }, statusMark(d.overall)),
        h('td', { class: `verdict-cell ${verdict ?? 'none'}`, 'data-verdict': verdict ?? '', title: verdict ? VERDICT_WORDS[verdict].meaning : 'no comparison could be made' },
          h('strong', {}, verdict ? VERDICT_WORDS[verdict].word : '—'), r?.estimator && r.estimator !== 'none' ? h('div', { class: 'muted' }, r.estimator) : null),
        h('td', { class: 'why' }, why.length ? h('ul', { class: 'failing-rules' }, ...why.map((w) => h('li', { 'data-rule': w.rule, 'data-status': w.status }, w.text))) : h('span', { class: 'muted' }, 'passes every rule')),
        h('td', { class: 'num cost' }, usd(r?.costPer1k)),
        h('td', { class: 'serves' }, d.covers?.length ? d.covers.map(requirementWords).join(', ') : '—'),
        h('td', { class: 'row-actions' }, ...actions));
    })));
}

/** The decision table of one family (candidates, or prompt variants against their parent). */
export function decisionTable(ts: TestSetComparison, rows: readonly DecisionRow[], caption: string, parentOf?: (systemId: string) => string | undefined): HTMLTableElement {
  return h('table', { class: 'grid decision-table', 'data-testset': ts.testSetId },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'System'),
      ...RULES.map((r) => h('th', { scope: 'col', title: r.step }, r.label)), h('th', { scope: 'col' }, 'Overall'))),
    h('tbody', {}, ...rows.map((d) => {
      const parent = parentOf?.(d.systemId);
      return h('tr', { 'data-system': d.systemId, 'data-overall': d.overall },
        h('th', { scope: 'row' }, d.systemId, parent ? h('div', { class: 'muted' }, `vs ${parent}`) : null),
        ...RULES.map((r) => ruleCell(r, d[r.key])),
        h('td', { class: `decision-cell overall ${d.overall}`, 'data-rule': 'overall', 'data-status': d.overall }, statusMark(d.overall)));
    })));
}

function setLabel(s: CoverSet): string { return s.candidates.join(' + ') || '(empty)'; }

/** The cost of a set per 1000 requests, with the members that have no price named. */
function costText(s: CoverSet): string {
  return `${usd(s.cost)} per 1000 requests${s.unpriced?.length ? ` (no price: ${s.unpriced.join(', ')})` : ''}`;
}

/** Which member of the chosen set serves each region (or modality) and what a thousand requests there cost. */
function servingTable(set: CoverSet): HTMLTableElement | null {
  if (!set.serving?.length) return null;
  return h('table', { class: 'grid serving', id: 'selection-serving' },
    h('caption', {}, 'Who serves what'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Region'), h('th', { scope: 'col' }, 'Served by'), h('th', { scope: 'col' }, 'Cost per 1000 requests'))),
    h('tbody', {}, ...set.serving.map((x) => h('tr', { 'data-requirement': x.requirement, 'data-candidate': x.candidate },
      h('th', { scope: 'row' }, requirementWords(x.requirement)), h('td', {}, x.candidate), h('td', { class: 'num' }, x.costPer1k === undefined ? 'no price' : usd(x.costPer1k))))));
}

/** The chosen set and its runners-up, or the reason there is none. */
export function selectionSection(report: ComparisonReport, sel: Selection | undefined): HTMLElement {
  const section = h('section', { class: 'selection', id: 'selection' }, h('h2', {}, 'Which candidates to use'));
  if (!sel) {
    section.append(h('p', { class: 'muted' }, 'No selection was computed for this comparison.'));
    return section;
  }
  const n = report.testSets.length;
  section.append(h('p', { class: 'muted' },
    `A candidate must pass on every test set (${n} compared) to be selectable. `,
    sel.required.length ? `Required regions/modalities: ${sel.required.map(requirementWords).join(', ')}.` : 'No regions or modalities are required.'));
  if (sel.eligible) section.append(h('p', { id: 'selection-eligible' }, `Eligible: ${sel.eligible.length ? sel.eligible.join(', ') : 'none'}`));
  if (sel.best) {
    const b = sel.best;
    section.append(h('div', { class: 'selection-best', id: 'selection-best', 'data-candidates': b.candidates.join(',') },
      h('p', {}, statusMark('pass'), ' ', h('strong', {}, 'Chosen: '), h('span', { class: 'selection-set' }, setLabel(b))),
      h('dl', { class: 'rates' },
        h('dt', {}, 'Cost'), h('dd', { class: 'selection-cost' }, costText(b)),
        h('dt', {}, 'Covers'), h('dd', { class: 'selection-covers' }, b.covers.length ? b.covers.join(', ') : '—'),
        sel.priceBasis ? h('dt', {}, 'Price basis') : null, sel.priceBasis ? h('dd', {}, sel.priceBasis) : null),
      servingTable(b)));
  } else {
    section.append(h('p', { class: 'selection-none', id: 'selection-none' }, statusMark('fail'), ' ', h('strong', {}, 'No selection: '), sel.reason ?? 'no set of surviving candidates covers every requirement.'));
  }
  if (sel.runnersUp.length) {
    section.append(h('table', { class: 'grid runners-up', id: 'runners-up' },
      h('caption', {}, 'Runner-up sets'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Set'), h('th', { scope: 'col' }, 'Cost'), h('th', { scope: 'col' }, 'Covers'))),
      h('tbody', {}, ...sel.runnersUp.map((s) => h('tr', { 'data-candidates': s.candidates.join(',') },
        h('th', { scope: 'row' }, setLabel(s)), h('td', { class: 'num' }, costText(s)), h('td', {}, s.covers.join(', ') || '—'))))));
  } else if (sel.best) {
    section.append(h('p', { class: 'muted' }, 'No other covering set.'));
  }
  return section;
}

export function decisionView(ctx: ViewContext): HTMLElement {
  const report = ctx.report;
  const ts = ctx.testSet();
  if (!report) return h('p', { class: 'muted' }, 'Computing the comparison…');
  const root = h('div', { class: 'decision' });
  if (!ts) root.append(h('p', { class: 'muted' }, 'No test set has runs to decide on yet. Run a prompt on the candidates first.'));
  else {
    const t = report.thresholds;
    const candidates = decisionTable(ts, ts.decisions, `Candidates vs ${ts.baselineId} — ${ts.testSetId}, ${ts.estimator}`);
    const parentOf = (id: string): string | undefined => ts.variants.find((v) => v.systemId === id)?.parentPrompt;
    const variants = ts.variantDecisions?.length ? decisionTable(ts, ts.variantDecisions, `Prompt variants vs their parent — ${ts.testSetId}`, parentOf) : null;
    root.append(h('section', { class: 'testset', 'data-testset': ts.testSetId },
      h('h2', {}, `Decision: ${ts.testSetId}`),
      ts.decisions.length ? verdictTable(ctx, ts, ts.decisions, ts.rows, `Each candidate against ${ts.baselineId}, verdict first`) : null,
      ts.decisions.length ? statusLegend() : null,
      t ? h('p', { class: 'muted thresholds' }, `Thresholds: margin ${pp(-t.margin)}, IDK increase ≤ ${pp(t.maxIdkIncrease)}, latency ≤ ×${t.maxLatencyRatio.toFixed(2)}, `
        + `schema failures ≤ ${pct(t.maxSchemaFailure)}, bad style ≤ ${pct(t.maxBadStyle)}.`) : null,
      staleBanner(ctx, ts),
      notesList(testSetNotes(ts), 'Test-set notes'),
      h('div', { class: 'figure-actions' }, button('Copy table', () => void copy(ctx, tableText(candidates), 'the decision table'), { secondary: true })),
      ts.decisions.length ? h('div', { class: 'table-wrap' }, candidates) : h('p', { class: 'muted' }, 'No candidate besides the baseline has outputs on this test set.'),
      h('h3', {}, 'Prompt variants'),
      variants ? h('div', { class: 'table-wrap' }, variants) : h('p', { class: 'muted' }, 'No prompt variants have runs on this test set.')));
  }
  root.append(selectionSection(report, report.selection));
  if (report.notes?.length) root.append(notesList(report.notes, 'Report notes')!);
  return root;
}
