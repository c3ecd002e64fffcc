// The migration decision (the framework's steps 2–6): per test set, a PASS / FAIL / UNKNOWN table for the
// candidates and one for the prompt variants, each cell with its number and threshold (the rule's detail on
// hover), then the selection over all test sets: the cheapest covering set, its runners-up, or why none exists.
// Status is never colour alone: every cell carries an icon and the status word as text.
import type { CellStatus, ComparisonReport, CoverSet, DecisionCell, DecisionRow, Selection, TestSetComparison } from '../../src/protocol/comparison';
import { h } from '../dom';
import { pct, pp, usd } from '../format';
import { badge, button } from '../ui/controls';
import { copy, tableText, type ViewContext } from './context';
import { notesList, staleBanner, testSetNotes } from './comparisonView';

const STATUS_WORD: Record<CellStatus, string> = { pass: 'PASS', fail: 'FAIL', unknown: 'UNKNOWN' };
/** Icons are text glyphs (no asset, no markup) so they show in high contrast and survive copy as text. */
const STATUS_ICON: Record<CellStatus, string> = { pass: '✓', fail: '✗', unknown: '?' };
const BADGE_KIND = { pass: 'ok', fail: 'error', unknown: 'warning' } as const;

type Rule = 'schema' | 'idk' | 'latency' | 'correctness' | 'style';

/** The table's columns: the rule, its heading, and how its value and threshold read. */
const RULES: readonly { key: Rule; label: string; step: string; value: (x: number) => string; limit: (t: number) => string }[] = [
  { key: 'schema', label: 'Schema failures', step: 'step 2', value: (x) => pct(x), limit: (t) => `≤ ${pct(t)}` },
  { key: 'idk', label: 'IDK increase', step: 'steps 3–4', value: (x) => pp(x), limit: (t) => `≤ ${pp(t)}` },
  { key: 'latency', label: 'Latency ratio', step: 'step 4', value: (x) => `×${x.toFixed(2)}`, limit: (t) => `≤ ×${t.toFixed(2)}` },
  { key: 'correctness', label: 'Correctness (lower end)', step: 'step 4', value: (x) => pp(x), limit: (t) => `> ${pp(t)}` },
  { key: 'style', label: 'Bad style', step: 'step 5', value: (x) => pct(x), limit: (t) => `≤ ${pct(t)}` },
];

/** A status as icon + word inside a badge (colour comes from the badge kind and the `pass|fail|unknown` class). */
export function statusMark(status: CellStatus): HTMLElement {
  const b = badge('', BADGE_KIND[status]);
  b.classList.add('decision-status', status);
  b.append(h('span', { class: 'status-icon', 'aria-hidden': 'true' }, STATUS_ICON[status]), ' ', h('span', { class: 'status-word' }, STATUS_WORD[status]));
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

/** Step 6: the chosen set and its runners-up, or the reason there is none. */
export function selectionSection(report: ComparisonReport, sel: Selection | undefined): HTMLElement {
  const section = h('section', { class: 'selection', id: 'selection' }, h('h2', {}, 'Selection (step 6)'));
  if (!sel) {
    section.append(h('p', { class: 'muted' }, 'No selection was computed for this comparison.'));
    return section;
  }
  const n = report.testSets.length;
  section.append(h('p', { class: 'muted' },
    `A candidate must pass on every test set (${n} compared) to be selectable. `,
    sel.required.length ? `Required regions/modalities: ${sel.required.join(', ')}.` : 'No regions or modalities are required.'));
  if (sel.eligible) section.append(h('p', { id: 'selection-eligible' }, `Eligible: ${sel.eligible.length ? sel.eligible.join(', ') : 'none'}`));
  if (sel.best) {
    const b = sel.best;
    section.append(h('div', { class: 'selection-best', id: 'selection-best', 'data-candidates': b.candidates.join(',') },
      h('p', {}, statusMark('pass'), ' ', h('strong', {}, 'Chosen: '), h('span', { class: 'selection-set' }, setLabel(b))),
      h('dl', { class: 'rates' },
        h('dt', {}, 'Cost'), h('dd', { class: 'selection-cost' }, costText(b)),
        h('dt', {}, 'Covers'), h('dd', { class: 'selection-covers' }, b.covers.length ? b.covers.join(', ') : '—'),
        sel.priceBasis ? h('dt', {}, 'Price basis') : null, sel.priceBasis ? h('dd', {}, sel.priceBasis) : null)));
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
