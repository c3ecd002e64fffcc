// The comparison of candidates with the baseline (paper Tables 2/5) and of prompt variants with their parent
// (Table 4): forest plot, the table behind it, and the estimator's warnings shown as visible notes.
import { shownPoint, type DecisionRow, type Note, type SystemRow, type TestSetComparison } from '../../src/protocol/comparison';
import { mergedNotes, VERDICT_WORDS } from '../../src/protocol/legend';
import { h, type Child } from '../dom';
import { num, pct, pp, prob, rangeWords, usd } from '../format';
import { button } from '../ui/controls';
import { copy, svgText, tableText, type ViewContext } from './context';
import { costLatencyChart } from './costChart';
import { statusLegend, verdictTable } from './decisionView';
import { forestPlot } from './forestPlot';

/**
 * Results computed from a prompt, test set or project that changed since: said first, with "Run again" beside it.
 * (The same fact is in the test set's notes as `stale-results`, for reports; here the banner replaces it.)
 */
export function staleBanner(ctx: ViewContext, ts: TestSetComparison): HTMLElement | null {
  if (!ts.stale?.length) return null;
  return h('div', { class: 'stale-banner', role: 'alert' }, ...ts.stale.map((s) => h('p', { class: 'note warning', 'data-code': 'stale-results', 'data-prompt': s.prompt },
    h('strong', {}, 'Stale results: '),
    `${s.prompt} — ${s.changed.join(' and ')} changed since ${s.runIds.length > 1 ? 'these runs' : 'this run'} (${s.runIds.join(', ')}). The figures below describe the earlier version. `,
    button('Run again', () => void ctx.host.request('runAgain', { testSetId: ts.testSetId, prompt: s.prompt })
      .then(() => ctx.status(`Running ${s.prompt} again on ${s.candidates.join(', ')}…`), (err: Error) => ctx.status(`Run again failed: ${err.message}`, 'error')),
    { title: `Run ${s.prompt} on ${ts.testSetId} again (${s.candidates.join(', ')})` }))));
}

/** The test set's notes without those a banner already shows. */
export const testSetNotes = (ts: TestSetComparison): Note[] => ts.notes.filter((n) => n.code !== 'stale-results' || !ts.stale?.length);

export function notesList(notes: readonly Note[], label: string): HTMLElement | null {
  if (!notes.length) return null;
  return h('ul', { class: 'notes', 'aria-label': label },
    ...notes.map((n) => h('li', { class: `note ${n.severity}`, 'data-code': n.code }, h('span', { class: 'note-severity' }, n.severity === 'error' ? 'Do not act on this: ' : n.severity === 'warning' ? 'Warning: ' : 'Note: '), n.message)));
}

/** Inconclusive and "do not act" results get no headline point and no bare P(better) (METHOD §7). */
const settled = (r: SystemRow): boolean => r.verdict !== 'inconclusive' && r.verdict !== 'do-not-act';

function differenceText(r: SystemRow): string {
  const d = r.difference;
  if (!d) return r.resolve ? `no estimate; ${r.resolve}` : '—';
  if (!settled(r)) return `${rangeWords(d.lo, d.hi)}${r.resolve ? `; ${r.resolve}` : ''}`;
  return `${pp(shownPoint(d))} [${pp(d.lo)}, ${pp(d.hi)}]`;
}

/** The verdict first, with the estimator behind it and why it was chosen (as the tooltip). */
function verdictCell(r: SystemRow): HTMLTableCellElement {
  if (r.isBaseline || !r.verdict) return h('td', {}, '—');
  const words = r.verdict === 'do-not-act' ? 'do not act on this number' : VERDICT_WORDS[r.verdict].word;
  return h('td', { class: `verdict ${r.verdict}`, 'data-verdict': r.verdict, title: r.estimatorReason ?? '' },
    h('strong', {}, words), r.estimator ? h('div', { class: 'muted' }, `${r.estimator}${r.estimatorReason ? `: ${r.estimatorReason}` : ''}`) : null);
}

/** The table of systems; `withDifference` false on the baseline-only case still shows every column. */
export function systemTable(ts: TestSetComparison, rows: readonly SystemRow[], caption: string): HTMLTableElement {
  const rules = [...new Set(rows.flatMap((r) => Object.keys(r.styleRules)))].sort();
  const head = ['System', 'Verdict', 'Model', 'n', 'Judged', 'Est. correctness', `Difference [${Math.round(ts.level * 100)}% interval]`, 'P(better)', 'IDK',
    'Schema failures', 'Bad style', ...rules, 'Median latency', 'Median words', 'Tokens in/out', 'Cost'];
  const cell = (c: Child, cls?: string): HTMLTableCellElement => h('td', { class: cls }, c);
  return h('table', { class: 'grid' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, ...rows.map((r) => h('tr', { class: r.isBaseline ? 'baseline' : undefined, 'data-system': r.systemId },
      h('th', { scope: 'row', title: r.prompt }, r.systemId, r.isBaseline ? h('span', { class: 'tag' }, 'baseline') : null),
      verdictCell(r),
      cell(r.model),
      cell(num(r.n), 'num'),
      cell(pct(r.judgedRate), 'num'),
      cell(r.estimate ? `${pct(shownPoint(r.estimate))} [${pct(r.estimate.lo)}, ${pct(r.estimate.hi)}]` : '—', 'num'),
      cell(differenceText(r), 'num'),
      cell(settled(r) ? prob(r.pBetter) : '—', 'num'),
      cell(pct(r.idkRate), 'num'),
      cell(pct(r.schemaFailureRate), 'num'),
      cell(pct(r.badStyleRate), 'num'),
      ...rules.map((k) => cell(pct(r.styleRules[k] ?? 0), 'num')),
      cell(r.medianLatencyMs === undefined ? '—' : `${num(r.medianLatencyMs)} ms`, 'num'),
      cell(num(r.medianWords), 'num'),
      cell(`${num(r.inputTokens)} / ${num(r.outputTokens)}`, 'num'),
      cell(usd(r.cost), 'num')))));
}

/** The estimator diagnostics of the rows, as visible notes: the same diagnostic on several systems is one line naming them all. */
export function rowNotes(rows: readonly SystemRow[]): HTMLElement | null {
  const notes = mergedNotes(rows).map(({ note, systems }) => ({ ...note, message: `${systems.join(', ')}: ${note.message}` }));
  return notesList(notes, 'Estimator diagnostics');
}

/**
 * One tab (candidates, or prompt variants): one row per system with its verdict first and the legend, the forest
 * plot and the cost/latency chart in the same colours, the notes, then every figure in a table on demand.
 */
function section(ctx: ViewContext, ts: TestSetComparison, rows: readonly SystemRow[], decisions: readonly DecisionRow[], title: string): HTMLElement {
  const plot = forestPlot(ts, rows, decisions);
  const table = systemTable(ts, rows, `${title} — ${ts.testSetId}, ${ts.estimator}, n = ${ts.n}`);
  const svg = plot.querySelector('svg');
  return h('section', { class: 'testset', 'data-testset': ts.testSetId },
    h('h2', {}, `${title}: ${ts.testSetId}`),
    staleBanner(ctx, ts),
    decisions.length ? h('div', { class: 'table-fit' }, verdictTable(ctx, ts, decisions, rows, `Verdict first — ${ts.testSetId}, ${ts.estimator}, n = ${ts.n}`)) : null,
    decisions.length ? statusLegend() : null,
    notesList(testSetNotes(ts), 'Test-set notes'),
    rowNotes(rows),
    h('div', { class: 'figure-actions' },
      svg ? button('Copy figure (SVG)', () => void copy(ctx, svgText(svg), 'the forest plot'), { secondary: true }) : null,
      button('Copy table', () => void copy(ctx, tableText(table), 'the table'), { secondary: true })),
    plot,
    costLatencyChart(rows, decisions),
    h('details', { class: 'all-figures' }, h('summary', {}, 'Every figure, per system (table)'), h('div', { class: 'table-wrap' }, table)));
}

export function comparisonView(ctx: ViewContext): HTMLElement {
  const ts = ctx.testSet();
  if (!ts) return h('p', { class: 'muted' }, ctx.report ? 'No test set has runs to compare yet. Run a prompt on the candidates first.' : 'Computing the comparison…');
  return section(ctx, ts, ts.rows, ts.decisions, `Candidates vs ${ts.baselineId}`);
}

export function variantsView(ctx: ViewContext): HTMLElement {
  const ts = ctx.testSet();
  if (!ts) return h('p', { class: 'muted' }, 'No comparison yet.');
  if (!ts.variants.length) return h('p', { class: 'muted' }, 'No prompt variants have runs on this test set. Create one with “New Prompt Variant…” and run it.');
  return section(ctx, ts, ts.variants, ts.variantDecisions ?? [], 'Prompt variants vs their parent');
}
