// The self-contained HTML report: inline CSS and an inline SVG forest plot, no scripts and no external
// resources (a CSP meta tag forbids them too). Every string from the data is escaped: model outputs, ids,
// file names and notes are untrusted and must show as text.
import { shownPoint, type CellStatus, type ComparisonReport, type DecisionRow, type Note, type SystemRow, type TestSetComparison } from '../../protocol/comparison';
import { escapeHtml as h, money, num, pct, pp, ppInterval, STATUS_WORD, VERDICT_TEXT } from './format';

const STATUS_COLOR: Record<CellStatus, string> = { pass: '#1a7f37', fail: '#cf222e', unknown: '#9a6700' };

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1f2328;background:#fff}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de}h3{margin-top:1.5rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:13px}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}.unknown{color:#9a6700;font-weight:600}
.note-error{color:#cf222e}.note-warning{color:#9a6700}.muted{color:#656d76}svg{max-width:100%;height:auto}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}th{background:#161b22}th,td{border-color:#30363d}}`;

const status = (s: CellStatus, text = STATUS_WORD[s]): string => `<span class="${s}">${h(text)}</span>`;

function tableHtml(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table>`;
}

const td = (text: string, numeric = false): string => `<td${numeric ? ' class="num"' : ''}>${h(text)}</td>`;

function decisionHtml(rows: readonly DecisionRow[]): string {
  const cell = (c: DecisionRow['schema']): string => `<td>${status(c.status)} ${h(c.detail)}</td>`;
  return tableHtml(['System', 'Verdict', 'Schema', 'IDK', 'Latency', 'Correctness', 'Style', 'Overall'],
    rows.map((d) => [td(d.systemId), `<td><strong>${h(d.verdict ? VERDICT_TEXT[d.verdict] : '–')}</strong></td>`, cell(d.schema), cell(d.idk), cell(d.latency), cell(d.correctness), cell(d.style), `<td>${status(d.overall)}</td>`]));
}

function systemsHtml(rows: readonly SystemRow[]): string {
  return tableHtml(['System', 'Prompt', 'n', 'Judged', 'Estimated', 'Difference [interval]', 'P(better)', 'Holm p', 'IDK', 'IDK change', 'Schema failures',
    'Bad style', 'Median latency', 'Median words', 'Tokens in / out', 'Cost / 1k'],
  rows.map((r) => [td(r.systemId + (r.isBaseline ? ' (baseline)' : '')), td(r.prompt + (r.parentPrompt ? ` vs ${r.parentPrompt}` : '')), td(String(r.n), true),
    td(pct(r.judgedRate), true), td(r.estimate ? `${pct(shownPoint(r.estimate))} [${pct(r.estimate.lo)}, ${pct(r.estimate.hi)}]` : '–', true),
    td(ppInterval(r.difference), true), td(num(r.pBetter, 3), true), td(num(r.pHolm, 3), true), td(pct(r.idkRate), true), td(ppInterval(r.idkDifference), true),
    td(pct(r.schemaFailureRate), true), td(pct(r.badStyleRate), true), td(r.medianLatencyMs === undefined ? '–' : `${num(r.medianLatencyMs)} ms`, true),
    td(num(r.medianWords), true), td(`${r.inputTokens} / ${r.outputTokens}`, true), td(money(r.costPer1k), true)]));
}

/**
 * A forest plot of the differences with their intervals: one row per system, a solid zero line and a
 * dashed line at −margin. Colours follow each row's overall decision; `<title>` gives the numbers on hover.
 */
export function forestPlotSvg(rows: readonly SystemRow[], decisions: readonly DecisionRow[], margin: number, title: string): string {
  const shown = rows.filter((r) => r.difference);
  if (shown.length === 0) return '<p class="muted">No calibrated differences to plot.</p>';
  const labelW = 220, plotW = 460, rowH = 26, top = 30, bottom = 34;
  const height = top + bottom + rowH * shown.length;
  let lo = Math.min(-margin, 0, ...shown.map((r) => r.difference!.lo));
  let hi = Math.max(0, ...shown.map((r) => r.difference!.hi));
  const pad = Math.max(0.01, (hi - lo) * 0.08);
  lo -= pad; hi += pad;
  const x = (v: number): number => labelW + ((v - lo) / (hi - lo)) * plotW;
  const f = (v: number): string => v.toFixed(1);
  const parts: string[] = [];
  parts.push(`<title>${h(title)}</title>`);
  parts.push(`<line x1="${f(x(0))}" y1="${top - 8}" x2="${f(x(0))}" y2="${height - bottom + 4}" stroke="#656d76" stroke-width="1"/>`);
  parts.push(`<text x="${f(x(0))}" y="${top - 12}" font-size="11" text-anchor="middle" fill="#656d76">0</text>`);
  if (margin > 0) {
    parts.push(`<line x1="${f(x(-margin))}" y1="${top - 8}" x2="${f(x(-margin))}" y2="${height - bottom + 4}" stroke="#cf222e" stroke-width="1" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${f(x(-margin))}" y="${height - bottom + 16}" font-size="11" text-anchor="middle" fill="#cf222e">${h(`−margin ${pp(-margin)}`)}</text>`);
  }
  shown.forEach((r, i) => {
    const d = r.difference!;
    const y = top + rowH * i + rowH / 2;
    const s = decisions.find((x2) => x2.systemId === r.systemId)?.overall ?? 'unknown';
    const color = STATUS_COLOR[s];
    const label = r.systemId.length > 32 ? `${r.systemId.slice(0, 31)}…` : r.systemId;
    parts.push(`<g><title>${h(`${r.systemId}: ${ppInterval(d)}, P(better) ${num(r.pBetter, 3)} — ${STATUS_WORD[s]}`)}</title>` +
      `<text x="${labelW - 8}" y="${f(y + 4)}" font-size="12" text-anchor="end" fill="currentColor">${h(label)}</text>` +
      `<line x1="${f(x(d.lo))}" y1="${f(y)}" x2="${f(x(d.hi))}" y2="${f(y)}" stroke="${color}" stroke-width="2"/>` +
      `<circle cx="${f(x(shownPoint(d)))}" cy="${f(y)}" r="4" fill="${color}"/></g>`);
  });
  // Axis ticks every 5 or 10 percentage points depending on the span.
  const step = hi - lo > 0.4 ? 0.1 : hi - lo > 0.15 ? 0.05 : 0.02;
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
    parts.push(`<text x="${f(x(t))}" y="${height - 4}" font-size="10" text-anchor="middle" fill="#656d76">${h(pp(t).replace(' pp', ''))}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${labelW + plotW + 20}" height="${height}" viewBox="0 0 ${labelW + plotW + 20} ${height}">${parts.join('')}</svg>`;
}

const notesHtml = (notes: readonly { note: Note; where?: string }[]): string =>
  notes.length ? `<ul>${notes.map(({ note, where }) => `<li class="note-${note.severity}"><strong>${h(note.severity)}</strong>${where ? ` (${h(where)})` : ''}: ${h(note.message)}</li>`).join('')}</ul>` : '';

function testSetHtml(ts: TestSetComparison): string {
  const out: string[] = [`<h2>Test set ${h(ts.testSetId)}</h2>`,
    `<p>${ts.n} examples with a baseline output; baseline ${h(ts.baselineId)}; metric ${h(ts.metricId ?? 'none')}; estimator ${h(ts.estimator)}; ` +
    `${Math.round(ts.level * 100)}% intervals; non-inferiority margin ${h(pp(-ts.margin))}.</p>`];
  const candidates = ts.rows.filter((r) => !r.isBaseline);
  out.push('<h3>Difference from the baseline</h3>', forestPlotSvg(candidates, ts.decisions, ts.margin, `Correctness difference vs ${ts.baselineId} on ${ts.testSetId}`));
  if (ts.decisions.length) out.push('<h3>Decision</h3>', decisionHtml(ts.decisions));
  if (ts.rows.length) out.push('<h3>Candidates against the baseline</h3>', systemsHtml(ts.rows));
  const rules = [...new Set(ts.rows.flatMap((r) => Object.keys(r.styleRules)))];
  if (rules.length) {
    out.push('<h3>Style rules (share of answered outputs)</h3>',
      tableHtml(['System', ...rules], ts.rows.map((r) => [td(r.systemId), ...rules.map((id) => td(pct(r.styleRules[id]), true))])));
  }
  const c = ts.calibration;
  if (c) {
    out.push('<h3>Judge calibration</h3>', tableHtml(['Metric', 'TP', 'FN', 'FP', 'TN', 'TPR [interval]', 'FPR [interval]', 'P(TPR ≤ FPR)', 'Unsure', 'Unmatched'],
      [[td(c.metricId), td(String(c.tp), true), td(String(c.fn), true), td(String(c.fp), true), td(String(c.tn), true),
        td(`${pct(c.tpr.mean)} [${pct(c.tpr.lo)}, ${pct(c.tpr.hi)}]`, true), td(`${pct(c.fpr.mean)} [${pct(c.fpr.lo)}, ${pct(c.fpr.hi)}]`, true),
        td(num(c.pTprLeFpr, 3) + (c.uninformative ? ' (uninformative)' : ''), true), td(String(c.unsure), true), td(String(c.unmatched), true)]]));
    if (c.plan) out.push(`<p>Planner: ${h(c.plan.message)}</p>`);
    out.push(notesHtml(c.notes.map((note) => ({ note, where: 'calibration' }))));
  }
  if (ts.variants.length) {
    out.push('<h3>Prompt variants against their parent prompt</h3>',
      forestPlotSvg(ts.variants, ts.variantDecisions ?? [], ts.margin, `Prompt variants vs their parent on ${ts.testSetId}`), systemsHtml(ts.variants));
    if (ts.variantDecisions?.length) out.push(decisionHtml(ts.variantDecisions));
  }
  const notes = [...ts.notes.map((note) => ({ note })),
    ...[...ts.rows, ...ts.variants].flatMap((r) => r.notes.filter((n) => n.severity !== 'info').map((note) => ({ note, where: r.systemId })))];
  if (notes.length) out.push('<h3>Notes</h3>', notesHtml(notes));
  return out.join('\n');
}

/** The whole report as one HTML document with no external resources and no scripts. */
export function renderHtml(r: ComparisonReport): string {
  const t = r.thresholds;
  const s = r.selection;
  const sel: string[] = [];
  if (s) {
    if (s.required.length) sel.push(`<p>Required: ${h(s.required.join(', '))}.</p>`);
    if (s.eligible) sel.push(`<p>Passing on every test set: ${h(s.eligible.join(', ') || 'none')}.</p>`);
    if (s.best) {
      sel.push(`<p><strong>${status('pass', 'Selected')}: ${h(s.best.candidates.join(' + '))}</strong> (${h(money(s.best.cost))} per 1k requests${
        s.best.unpriced?.length ? `; no price for ${h(s.best.unpriced.join(', '))}` : ''}).</p>`);
      if (s.runnersUp.length) sel.push(`<ol>${s.runnersUp.map((x) => `<li>Runner-up: ${h(x.candidates.join(' + '))} (${h(money(x.cost))} per 1k requests)</li>`).join('')}</ol>`);
    }
    if (s.reason) sel.push(`<p>${status(s.best ? 'unknown' : 'fail', s.reason)}</p>`);
    if (s.priceBasis) sel.push(`<p class="muted">Cost: ${h(s.priceBasis)}.</p>`);
  }
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`Model comparison: ${r.project}`)}</title>
<style>${CSS}</style></head>
<body>
<h1>Model comparison: ${h(r.project)}</h1>
<p class="muted">Computed ${h(r.generatedAt)} from runs ${h(r.runs.join(', ') || 'none')}.</p>
${t ? `<p>Rules: schema failures ≤ ${h(pct(t.maxSchemaFailure))}; IDK increase ≤ ${h(pp(t.maxIdkIncrease))}; median latency ≤ ×${h(String(t.maxLatencyRatio))} the baseline; correctness interval's lower end above ${h(pp(-t.margin))} (Holm-adjusted across candidates); bad style ≤ ${h(pct(t.maxBadStyle))}.</p>` : ''}
<h2>Selection</h2>
${sel.join('\n')}
${notesHtml((r.notes ?? []).map((note) => ({ note })))}
${r.testSets.map(testSetHtml).join('\n')}
</body></html>
`;
}
