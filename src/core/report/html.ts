// The self-contained HTML report: inline CSS and an inline SVG forest plot, no scripts and no external
// resources (a CSP meta tag forbids them too). Every string from the data is escaped: model outputs, ids,
// file names and notes are untrusted and must show as text.
import { shownPoint, type CellStatus, type ComparisonReport, type CoverSet, type DecisionRow, type Note, type SystemRow, type TestSetComparison } from '../../protocol/comparison';
import { COST_CHART_CAPTION, COST_CHART_LEGEND, costChartRows, costChartSvg, type SvgNode } from '../../protocol/costChart';
import { failingRules, labelCountText, labelCounts, labelLines, LABEL_DEFINITION, mergedNotes, requirementWords, STATUS_ORDER, STATUS_STYLE, VERDICT_ORDER, VERDICT_WORDS } from '../../protocol/legend';
import { escapeHtml as h, money, num, pct, pp, ppInterval } from './format';

/** Status colours from the shared legend (protocol/legend), light and dark, as classes the text and the plot use. */
const statusCss = (st: CellStatus, c: string): string => `.${st}{color:${c}}.st-${st} line{stroke:${c}}.st-${st} circle,.sw-${st},.bar.overall-${st},.sw.overall-${st}{fill:${c};background:${c}}`;
const STATUS_CSS = STATUS_ORDER.map((st) => `${statusCss(st, STATUS_STYLE[st].light)}.${st}{font-weight:600}`).join('')
  + `@media (prefers-color-scheme:dark){${STATUS_ORDER.map((st) => statusCss(st, STATUS_STYLE[st].dark)).join('')}}`;

// Responsive: the page never scrolls sideways; a wide table scrolls inside its own box, narrow tables wrap,
// plots scale down to the page (their labels are never cut: they wrap onto lines).
const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;padding:0 1.5rem;max-width:1200px;color:#1f2328;background:#fff;overflow-wrap:break-word}
h1{font-size:1.6rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de}h3{margin-top:1.5rem}
.wrap{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;margin:.5rem 0;font-size:13px}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.fit{width:100%}table.fit td{overflow-wrap:anywhere}.pass,.fail,.unknown{white-space:nowrap}table.fit td ul{margin:0;padding-left:1rem}table:not(.fit) th,table:not(.fit) td{white-space:nowrap}
.note-error{color:#cf222e}.note-warning{color:#9a6700}.muted{color:#656d76}svg{max-width:100%;height:auto}
.cost-chart-svg text{fill:currentColor;font-size:12px}.cost-chart-svg .panel-title{font-weight:600}.cost-chart-svg .bar-value{font-size:11px}.cost-chart-svg .axis{stroke:#656d76}
.bar,.sw.overall-none{fill:#0969da;background:#0969da}.bar.baseline,.sw.baseline{fill:#8c959f;background:#8c959f}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem;font-size:13px}.sw{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;margin-right:.35rem;vertical-align:-1px}
@media (max-width:700px){body{margin:1rem auto;padding:0 .75rem}}
@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}th{background:#161b22}th,td{border-color:#30363d}}${STATUS_CSS}`;

const status = (s: CellStatus, text = STATUS_STYLE[s].word): string => `<span class="${s}">${h(text)}</span>`;

function tableHtml(head: string[], rows: string[][], cls = ''): string {
  return `<div class="wrap"><table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((x) => `<th>${h(x)}</th>`).join('')}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</tbody></table></div>`;
}

const td = (text: string, numeric = false): string => `<td${numeric ? ' class="num"' : ''}>${h(text)}</td>`;

function decisionHtml(rows: readonly DecisionRow[]): string {
  const cell = (c: DecisionRow['schema']): string => `<td>${status(c.status)} ${h(c.detail)}</td>`;
  return tableHtml(['System', 'Verdict', 'Schema', 'IDK', 'Latency', 'Correctness', 'Style', 'Overall'],
    rows.map((d) => [td(d.systemId), `<td><strong>${h(d.verdict ? VERDICT_WORDS[d.verdict].word : '–')}</strong></td>`, cell(d.schema), cell(d.idk), cell(d.latency), cell(d.correctness), cell(d.style), `<td>${status(d.overall)}</td>`]), 'fit');
}

/** One row per candidate, verdict first: overall status, statistics verdict, the failing rules in words, cost, what it serves. */
function verdictHtml(decisions: readonly DecisionRow[], rows: readonly SystemRow[]): string {
  return tableHtml(['Candidate', 'Overall', 'Statistics verdict', 'Why', 'Cost / 1k', 'Serves'], decisions.map((d) => {
    const r = rows.find((x) => x.systemId === d.systemId);
    const why = failingRules(d);
    return [td(d.systemId), `<td>${status(d.overall)}</td>`, td(d.verdict ? VERDICT_WORDS[d.verdict].word : '–'),
      `<td>${why.length ? `<ul>${why.map((w) => `<li>${h(w.text)}</li>`).join('')}</ul>` : 'passes every rule'}</td>`,
      td(money(r?.costPer1k), true), td(d.covers?.map((c) => requirementWords(c)).join(', ') || '–')];
  }), 'fit');
}

/** What the colours and the verdict words mean (the same legend as the panel's). */
function legendHtml(): string {
  return `<ul class="legend">${STATUS_ORDER.map((st) => `<li><span class="sw sw-${st}"></span>${status(st)}: ${h(STATUS_STYLE[st].meaning)}</li>`).join('')}</ul>`
    + `<p class="muted">Statistics verdict: ${VERDICT_ORDER.map((v) => `<strong>${h(VERDICT_WORDS[v].word)}</strong> — ${h(VERDICT_WORDS[v].meaning)}`).join('; ')}.</p>`;
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

/** A label on one or more lines (tspans), right-aligned at x: names are wrapped, never cut. */
const labelSvg = (name: string, x: number, y: number, lineH: number): string => {
  const lines = labelLines(name);
  const y0 = y - ((lines.length - 1) * lineH) / 2;
  return `<text x="${x}" y="${(y0 + 4).toFixed(1)}" font-size="12" text-anchor="end" fill="currentColor">${lines.map((l, i) => `<tspan x="${x}" y="${(y0 + 4 + i * lineH).toFixed(1)}">${h(l)}</tspan>`).join('')}</text>`;
};

/**
 * A forest plot of the differences with their intervals: one row per system, a solid zero line and a
 * dashed line at −margin. Colours follow each row's overall decision (the shared legend); `<title>` gives the numbers on hover.
 */
export function forestPlotSvg(rows: readonly SystemRow[], decisions: readonly DecisionRow[], margin: number, title: string): string {
  const shown = rows.filter((r) => r.difference);
  if (shown.length === 0) return '<p class="muted">No calibrated differences to plot.</p>';
  const lineH = 13;
  const lines = shown.map((r) => labelLines(r.systemId));
  const labelW = Math.max(120, Math.ceil(Math.max(...lines.flat().map((l) => l.length)) * 6.8) + 16), plotW = 460, top = 30, bottom = 34;
  const rowH = Math.max(26, ...lines.map((l) => l.length * lineH + 6));
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
    parts.push(`<line x1="${f(x(-margin))}" y1="${top - 8}" x2="${f(x(-margin))}" y2="${height - bottom + 4}" stroke="#9a6700" stroke-width="1" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${f(x(-margin))}" y="${height - bottom + 16}" font-size="11" text-anchor="middle" fill="#9a6700">${h(`−margin ${pp(-margin)}`)}</text>`);
  }
  shown.forEach((r, i) => {
    const d = r.difference!;
    const y = top + rowH * i + rowH / 2;
    const s = decisions.find((x2) => x2.systemId === r.systemId)?.overall ?? 'unknown';
    parts.push(`<g class="st-${s}"><title>${h(`${r.systemId}: ${ppInterval(d)}, P(better) ${num(r.pBetter, 3)} — ${STATUS_STYLE[s].word}`)}</title>` +
      labelSvg(r.systemId, labelW - 8, y, lineH) +
      `<line x1="${f(x(d.lo))}" y1="${f(y)}" x2="${f(x(d.hi))}" y2="${f(y)}" stroke-width="2"/>` +
      `<circle cx="${f(x(shownPoint(d)))}" cy="${f(y)}" r="4"/></g>`);
  });
  // Axis ticks every 5 or 10 percentage points depending on the span.
  const step = hi - lo > 0.4 ? 0.1 : hi - lo > 0.15 ? 0.05 : 0.02;
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
    parts.push(`<text x="${f(x(t))}" y="${height - 4}" font-size="10" text-anchor="middle" fill="#656d76">${h(pp(t).replace(' pp', ''))}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${labelW + plotW + 20}" height="${height}" viewBox="0 0 ${labelW + plotW + 20} ${height}">${parts.join('')}</svg>`;
}

/** One SVG node of a shared layout as markup; every attribute value and text is escaped. (The panel's data-* hooks are left out: the report has no script to use them.) */
const svgMarkup = (n: SvgNode): string => `<${n.tag}${Object.entries(n.attrs).filter(([k]) => !k.startsWith('data-')).map(([k, v]) => ` ${k}="${h(String(v))}"`).join('')}>${
  n.text !== undefined ? h(n.text) : ''}${(n.children ?? []).map(svgMarkup).join('')}</${n.tag}>`;

/** The panel's cost and latency chart (the same layout, protocol/costChart) with its colour legend. */
function costChartHtml(rows: readonly SystemRow[], decisions: readonly DecisionRow[]): string {
  const svg = costChartSvg(costChartRows(rows), decisions);
  if (!svg) return '';
  return `<p><strong>${h(COST_CHART_CAPTION)}</strong></p>${svgMarkup(svg)}<ul class="legend chart-legend">${
    COST_CHART_LEGEND.map((e) => `<li><span class="sw ${e.barClass}"></span>${h(e.text)}</li>`).join('')}</ul>`;
}

const notesHtml = (notes: readonly { note: Note; where?: string }[]): string =>
  notes.length ? `<ul>${notes.map(({ note, where }) => `<li class="note-${note.severity}"><strong>${h(note.severity)}</strong>${where ? ` (${h(where)})` : ''}: ${h(note.message)}</li>`).join('')}</ul>` : '';

/** The judge's calibration, with the label count by the shared definition. */
function calibrationHtml(c: NonNullable<TestSetComparison['calibration']>): string[] {
  const out = ['<h3>Judge calibration</h3>', tableHtml(['Metric', 'TP', 'FN', 'FP', 'TN', 'TPR [interval]', 'FPR [interval]', 'P(TPR ≤ FPR)', 'Unsure', 'Unmatched'],
    [[td(c.metricId), td(String(c.tp), true), td(String(c.fn), true), td(String(c.fp), true), td(String(c.tn), true),
      td(`${pct(c.tpr.mean)} [${pct(c.tpr.lo)}, ${pct(c.tpr.hi)}]`, true), td(`${pct(c.fpr.mean)} [${pct(c.fpr.lo)}, ${pct(c.fpr.hi)}]`, true),
      td(num(c.pTprLeFpr, 3) + (c.uninformative ? ' (uninformative)' : ''), true), td(String(c.unsure), true), td(String(c.unmatched), true)]]),
  `<p class="labels-count">Labels: ${h(labelCountText(labelCounts(c)))}. <span class="muted">(${h(LABEL_DEFINITION)}.)</span></p>`];
  if (c.plan) out.push(`<p>Planner: ${h(c.plan.message)}</p>`);
  out.push(notesHtml(c.notes.map((note) => ({ note, where: 'calibration' }))));
  return out;
}

/** The notes of a test set and its systems; one diagnostic repeated on several systems is one line naming them. */
function testSetNotesHtml(ts: TestSetComparison): string {
  const merged = mergedNotes([...ts.rows, ...ts.variants], (n) => n.severity !== 'info').map(({ note, systems }) => ({ note, where: systems.join(', ') }));
  const notes = [...ts.notes.map((note) => ({ note })), ...merged];
  return notes.length ? `<h3>Notes</h3>${notesHtml(notes)}` : '';
}

function testSetHtml(ts: TestSetComparison): string {
  const out: string[] = [`<h2>Test set ${h(ts.testSetId)}</h2>`,
    `<p>${ts.n} examples with a baseline output; baseline ${h(ts.baselineId)}; metric ${h(ts.metricId ?? 'none')}; estimator ${h(ts.estimator)}; ` +
    `${Math.round(ts.level * 100)}% intervals; non-inferiority margin ${h(pp(-ts.margin))}.</p>`];
  const candidates = ts.rows.filter((r) => !r.isBaseline);
  if (ts.decisions.length) out.push('<h3>Verdict per candidate</h3>', verdictHtml(ts.decisions, ts.rows), legendHtml());
  out.push('<h3>Difference from the baseline</h3>', forestPlotSvg(candidates, ts.decisions, ts.margin, `Correctness difference vs ${ts.baselineId} on ${ts.testSetId}`));
  out.push(costChartHtml(ts.rows, ts.decisions));
  if (ts.decisions.length) out.push('<h3>Decision, rule by rule</h3>', decisionHtml(ts.decisions));
  if (ts.rows.length) out.push('<h3>Candidates against the baseline</h3>', systemsHtml(ts.rows));
  const rules = [...new Set(ts.rows.flatMap((r) => Object.keys(r.styleRules)))];
  if (rules.length) {
    out.push('<h3>Style rules (share of answered outputs)</h3>',
      tableHtml(['System', ...rules], ts.rows.map((r) => [td(r.systemId), ...rules.map((id) => td(pct(r.styleRules[id]), true))])));
  }
  if (ts.calibration) out.push(...calibrationHtml(ts.calibration));
  if (ts.variants.length) {
    out.push('<h3>Prompt variants against their parent prompt</h3>');
    if (ts.variantDecisions?.length) out.push(verdictHtml(ts.variantDecisions, ts.variants));
    out.push(forestPlotSvg(ts.variants, ts.variantDecisions ?? [], ts.margin, `Prompt variants vs their parent on ${ts.testSetId}`),
      costChartHtml(ts.variants, ts.variantDecisions ?? []), systemsHtml(ts.variants));
    if (ts.variantDecisions?.length) out.push(decisionHtml(ts.variantDecisions));
  }
  out.push(testSetNotesHtml(ts));
  return out.join('\n');
}

/** Which member serves each region, at what cost per 1000 requests. */
const servingHtml = (b: CoverSet): string => (b.serving?.length
  ? tableHtml(['Region', 'Served by', 'Cost per 1000 requests'], b.serving.map((x) => [td(requirementWords(x.requirement)), td(x.candidate), td(x.costPer1k === undefined ? 'no price' : money(x.costPer1k), true)]))
  : '');

function selectionHtml(s: ComparisonReport['selection']): string {
  const sel: string[] = [];
  if (!s) return '';
  if (s.required.length) sel.push(`<p>Required: ${h(s.required.map(requirementWords).join(', '))}.</p>`);
  if (s.eligible) sel.push(`<p>Passing on every test set: ${h(s.eligible.join(', ') || 'none')}.</p>`);
  if (s.best) {
    sel.push(`<p><strong>${status('pass', 'Selected')}: ${h(s.best.candidates.join(' + '))}</strong> (${h(money(s.best.cost))} per 1k requests${
      s.best.unpriced?.length ? `; no price for ${h(s.best.unpriced.join(', '))}` : ''}).</p>`, servingHtml(s.best));
    if (s.runnersUp.length) sel.push(`<ol>${s.runnersUp.map((x) => `<li>Runner-up: ${h(x.candidates.join(' + '))} (${h(money(x.cost))} per 1k requests)</li>`).join('')}</ol>`);
  }
  if (s.reason) sel.push(`<p>${status(s.best ? 'unknown' : 'fail', s.reason)}</p>`);
  if (s.priceBasis) sel.push(`<p class="muted">Cost: ${h(s.priceBasis)}.</p>`);
  return sel.join('\n');
}

/** The whole report as one HTML document with no external resources and no scripts. */
export function renderHtml(r: ComparisonReport): string {
  const t = r.thresholds;
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
<h2>Which candidates to use</h2>
${selectionHtml(r.selection)}
${notesHtml((r.notes ?? []).map((note) => ({ note })))}
${r.testSets.map(testSetHtml).join('\n')}
</body></html>
`;
}
