// The cost and latency chart, laid out once for the panel (webview/views/costChart.ts builds it with DOM calls) and
// the HTML report (core/report/html.ts writes it as inline SVG markup), so both show the same bars, numbers, classes
// and legend. Two bar panels side by side (USD per 1000 requests, median latency), one row per system; bars carry
// the overall status as a class (`overall-pass`…, `baseline` in a neutral colour), each view colours the class the
// way its legend does. Leaf module: plain data out, no DOM and no markup.
import type { CellStatus, DecisionRow, SystemRow } from './comparison';
import { labelLines, STATUS_ORDER, STATUS_STYLE } from './legend';

/** One SVG element: tag, attributes, text and children. Text is data (a view must escape or set it as text). */
export interface SvgNode { tag: 'svg' | 'g' | 'text' | 'tspan' | 'rect' | 'line' | 'title'; attrs: Record<string, string | number>; text?: string; children?: SvgNode[] }

export const COST_CHART_CAPTION = 'Cost per 1000 requests and median latency';

/** What the bar colours mean: the overall status, as in the verdict legend; the baseline in grey. */
export const COST_CHART_LEGEND: readonly { barClass: string; status?: CellStatus; text: string }[] = [
  ...STATUS_ORDER.map((st) => ({ barClass: `overall-${st}`, status: st, text: `${STATUS_STYLE[st].icon} ${STATUS_STYLE[st].word}` })),
  { barClass: 'baseline', text: 'the baseline' },
];

const PANEL_W = 230;
/** Room after the longest bar for its value. */
const VALUE_W = 72;
const GAP = 28;
const LINE_H = 13;
const CHAR_W = 6.8;
const TOP = 26;

const usd = (x: number): string => `$${x < 1 ? x.toFixed(4) : x.toFixed(2)}`;
const ms = (x: number): string => `${Math.round(x).toLocaleString('en-US')} ms`;

interface Measure { key: 'cost' | 'latency'; title: string; value: (r: SystemRow) => number | undefined; text: (x: number) => string }

const MEASURES: readonly Measure[] = [
  { key: 'cost', title: 'Cost per 1000 requests', value: (r) => r.costPer1k, text: usd },
  { key: 'latency', title: 'Median latency', value: (r) => r.medianLatencyMs, text: ms },
];

/** The rows a chart shows: the candidates, with the baseline first when it is among them. */
export function costChartRows(rows: readonly SystemRow[]): readonly SystemRow[] {
  const others = rows.filter((r) => !r.isBaseline);
  return others.length && rows.some((r) => r.isBaseline) ? rows : others;
}

function barsOf(m: Measure, x0: number, rows: readonly SystemRow[], decisions: readonly DecisionRow[], rowH: number, height: number): SvgNode[] {
  const max = Math.max(0, ...rows.map((r) => m.value(r) ?? 0));
  const out: SvgNode[] = [
    { tag: 'text', attrs: { class: 'panel-title', x: x0, y: 14 }, text: m.title },
    { tag: 'line', attrs: { class: 'axis', x1: x0, x2: x0, y1: TOP - 4, y2: height - 4 } },
  ];
  rows.forEach((r, i) => {
    const v = m.value(r);
    const y = TOP + i * rowH;
    const mid = { y: y + rowH / 2, 'dominant-baseline': 'middle' };
    if (v === undefined) { out.push({ tag: 'text', attrs: { class: 'bar-value muted', x: x0 + 4, ...mid }, text: 'no data' }); return; }
    const w = Math.max(1, max > 0 ? (v / max) * (PANEL_W - VALUE_W) : 0);
    const overall = decisions.find((d) => d.systemId === r.systemId)?.overall;
    const status = r.isBaseline ? 'baseline' : `overall-${overall ?? 'none'}`;
    const title = `${r.systemId}: ${m.title.toLowerCase()} ${m.text(v)}${r.isBaseline ? ' (baseline)' : overall ? ` — ${STATUS_STYLE[overall].word}` : ''}`;
    out.push({ tag: 'rect', attrs: { class: `bar ${m.key} ${status}`, x: x0, y: y + 4, width: Number(w.toFixed(1)), height: rowH - 8, 'data-system': r.systemId, 'data-measure': m.key },
      children: [{ tag: 'title', attrs: {}, text: title }] },
    { tag: 'text', attrs: { class: 'bar-value', x: Number((x0 + w + 4).toFixed(1)), ...mid }, text: m.text(v) });
  });
  return out;
}

/** The chart as one `svg` node, or null when no row has a cost or a latency. Names wrap onto lines, never cut. */
export function costChartSvg(rows: readonly SystemRow[], decisions: readonly DecisionRow[], caption = COST_CHART_CAPTION): SvgNode | null {
  if (!rows.some((r) => r.costPer1k !== undefined || r.medianLatencyMs !== undefined)) return null;
  const labels = rows.map((r) => labelLines(r.systemId));
  const rowH = Math.max(24, ...labels.map((l) => l.length * LINE_H + 6));
  const labelW = Math.max(120, Math.ceil(Math.max(...labels.flat().map((l) => l.length)) * CHAR_W) + 8);
  const width = labelW + 12 + MEASURES.length * (PANEL_W + GAP);
  const height = TOP + rows.length * rowH + 6;
  const children = MEASURES.flatMap((m, k) => barsOf(m, labelW + 12 + k * (PANEL_W + GAP), rows, decisions, rowH, height));
  rows.forEach((r, i) => {
    const lines = labels[i]!;
    const y = TOP + i * rowH + rowH / 2 - ((lines.length - 1) * LINE_H) / 2;
    children.push({ tag: 'text', attrs: { class: 'row-label', x: labelW, y, 'text-anchor': 'end', 'dominant-baseline': 'middle', 'data-system': r.systemId },
      children: lines.map((l, k) => ({ tag: 'tspan', attrs: { x: labelW, y: y + k * LINE_H }, text: l })) });
  });
  return { tag: 'svg', attrs: { xmlns: 'http://www.w3.org/2000/svg', class: 'cost-chart-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': caption }, children };
}
