// "Export current view": the panel's tables as CSV or Markdown, built by the host from its own data (the
// webview only names the view). Cells are data: CSV quotes per RFC 4180 and neutralises spreadsheet formulas;
// Markdown escapes pipes and line breaks.
import { shownPoint, type ComparisonReport, type DecisionCell, type DecisionRow, type Selection, type SystemRow, type TestSetComparison } from '../../protocol/comparison';
import type { ExportFormat, PanelView } from '../../protocol/messages';
import type { ReviewData } from './data';

export type Table = { title: string; header: string[]; rows: string[][] };

const pct = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '' : `${(100 * x).toFixed(1)}%`);
const pp = (x: number): string => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
const num = (x: number | undefined, digits = 0): string => (x === undefined ? '' : x.toFixed(digits));

/** Column headers of the comparison table (shared with the webview's table through the same order). */
export function systemTable(ts: TestSetComparison, rows: SystemRow[], title: string): Table {
  const rules = [...new Set(rows.flatMap((r) => Object.keys(r.styleRules)))].sort();
  const header = ['system', 'model', 'prompt', 'n', 'judged %', 'estimated correctness', 'difference (pp)', `interval ${Math.round(ts.level * 100)}% (pp)`, 'P(better)',
    'IDK %', 'schema failures %', 'bad style %', ...rules.map((r) => `${r} %`), 'median latency (ms)', 'median words', 'input tokens', 'output tokens', 'cost (USD)'];
  return {
    title, header,
    rows: rows.map((r) => [r.systemId + (r.isBaseline ? ' (baseline)' : ''), r.model, r.prompt, String(r.n), pct(r.judgedRate), pct(r.estimate && shownPoint(r.estimate)),
      r.difference ? pp(shownPoint(r.difference)) : '', r.difference ? `[${pp(r.difference.lo)}, ${pp(r.difference.hi)}]` : '', r.pBetter === undefined ? '' : r.pBetter.toFixed(3),
      pct(r.idkRate), pct(r.schemaFailureRate), pct(r.badStyleRate), ...rules.map((k) => pct(r.styleRules[k] ?? 0)),
      num(r.medianLatencyMs), num(r.medianWords), String(r.inputTokens), String(r.outputTokens), r.cost === undefined ? '' : r.cost.toFixed(4)]),
  };
}

export function calibrationTable(ts: TestSetComparison): Table {
  const c = ts.calibration;
  const rows = c ? [
    ['metric', c.metricId], ['TP (human correct, metric correct)', String(c.tp)], ['FN (human correct, metric incorrect)', String(c.fn)],
    ['FP (human incorrect, metric correct)', String(c.fp)], ['TN (human incorrect, metric incorrect)', String(c.tn)],
    ['TPR', `${pct(c.tpr.mean)} [${pct(c.tpr.lo)}, ${pct(c.tpr.hi)}]`], ['FPR', `${pct(c.fpr.mean)} [${pct(c.fpr.lo)}, ${pct(c.fpr.hi)}]`],
    ['P(TPR <= FPR)', c.pTprLeFpr.toFixed(4)], ['unsure labels', String(c.unsure)], ['unmatched labels', String(c.unmatched)],
    ['planner', c.plan?.message ?? ''],
  ] : [];
  return { title: `Judge calibration — ${ts.testSetId}`, header: ['quantity', 'value'], rows };
}

const cellText = (c: DecisionCell | undefined): string => (c ? `${c.status.toUpperCase()}: ${c.detail}` : '');

/** The decision table of one family: a cell per rule as "STATUS: detail" (the detail holds the number and threshold). */
export function decisionTable(rows: readonly DecisionRow[], title: string): Table {
  return { title, header: ['system', 'schema', 'IDK', 'latency', 'correctness', 'style', 'overall'],
    rows: rows.map((d) => [d.systemId, cellText(d.schema), cellText(d.idk), cellText(d.latency), cellText(d.correctness), cellText(d.style), d.overall.toUpperCase()]) };
}

/** The selection (step 6): the chosen set first, then the runners-up; the reason when there is none. */
export function selectionTable(sel: Selection | undefined): Table {
  const header = ['set', 'rank', 'cost per 1k requests (USD)', 'covers', 'unpriced'];
  if (!sel) return { title: 'Selection', header, rows: [] };
  const rows = [...(sel.best ? [{ s: sel.best, rank: 'chosen' }] : []), ...sel.runnersUp.map((s) => ({ s, rank: 'runner-up' }))]
    .map(({ s, rank }) => [s.candidates.join(' + '), rank, s.cost.toFixed(4), s.covers.join(' '), (s.unpriced ?? []).join(' ')]);
  if (!sel.best) rows.unshift(['', 'none', '', '', sel.reason ?? '']);
  return { title: `Selection (required: ${sel.required.join(', ') || 'none'})`, header, rows };
}

/** The tables of a view of one test set (the review view exports its current filter's rows). */
export function viewTables(report: ComparisonReport, view: PanelView, testSetId?: string, review?: ReviewData): Table[] {
  const sets = report.testSets.filter((t) => !testSetId || t.testSetId === testSetId);
  switch (view) {
    case 'comparison': return sets.map((t) => systemTable(t, t.rows, `Comparison with ${t.baselineId} — ${t.testSetId} (${t.estimator})`));
    case 'variants': return sets.map((t) => systemTable(t, t.variants, `Prompt variants — ${t.testSetId} (${t.estimator})`));
    case 'calibration': return sets.map(calibrationTable);
    case 'decision': return [...sets.flatMap((t) => [decisionTable(t.decisions, `Decision — ${t.testSetId} (${t.estimator})`),
      ...(t.variantDecisions?.length ? [decisionTable(t.variantDecisions, `Prompt-variant decision — ${t.testSetId}`)] : [])]), selectionTable(report.selection)];
    case 'grid':
    case 'review':
    case 'label': {
      if (!review) return [];
      const header = ['example', 'line', 'system', 'output hash', 'verdict', 'IDK', 'schema valid', 'style findings', 'label'];
      const rows: string[][] = [];
      for (const { system, example, output } of review.allOutputs()) {
        const v = review.verdict(output);
        rows.push([example.exampleId, String(example.line), system.systemId, output.outputHash ?? '', v === undefined || v === null ? '' : String(v),
          output.idk ? 'yes' : 'no', output.schemaValid ? 'yes' : 'no', output.findings.map((f) => f.ruleId).join(' '), output.label ?? '']);
      }
      return [{ title: `Outputs — ${review.testSetId}`, header, rows }];
    }
    // Adaptations are not part of the comparison: their record is exported with `prompt-adapt adapt --json`.
    case 'adaptation': return [];
  }
}

/** A cell as CSV: quoted when needed; a leading = + - @ is prefixed with ' so a spreadsheet shows it as text. */
export function csvCell(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) && !/^[+-]\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function mdCell(s: string): string {
  // `<` first, so the <br> for line breaks survives while data cannot open a tag.
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, '<br>');
}

export function formatTables(tables: Table[], format: ExportFormat): string {
  if (format === 'csv') {
    return tables.map((t) => [t.title ? csvCell(t.title) : '', t.header.map(csvCell).join(','), ...t.rows.map((r) => r.map(csvCell).join(','))].join('\r\n')).join('\r\n\r\n') + '\r\n';
  }
  return tables.map((t) => [`## ${mdCell(t.title)}`, '', `| ${t.header.map(mdCell).join(' | ')} |`, `|${t.header.map(() => ' --- ').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n')).join('\n\n') + '\n';
}
