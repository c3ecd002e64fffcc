// Cost and latency per candidate as one small inline SVG: two bar panels side by side (USD per 1000 requests,
// median latency), one row per system, bars coloured by the overall status like the forest plot (the baseline in
// a neutral colour). Built with DOM APIs only; every number is also in the bar's <title> and in the table below.
import type { DecisionRow, SystemRow } from '../../src/protocol/comparison';
import { labelLines, STATUS_STYLE } from '../../src/protocol/legend';
import { h, s } from '../dom';
import { num, usd } from '../format';

const PANEL_W = 230;
/** Room after the longest bar for its value. */
const VALUE_W = 72;
const GAP = 28;
const LINE_H = 13;
const CHAR_W = 6.8;
const TOP = 26;

interface Measure { key: 'cost' | 'latency'; title: string; value: (r: SystemRow) => number | undefined; text: (x: number) => string }

const MEASURES: readonly Measure[] = [
  { key: 'cost', title: 'Cost per 1000 requests', value: (r) => r.costPer1k, text: (x) => usd(x) },
  { key: 'latency', title: 'Median latency', value: (r) => r.medianLatencyMs, text: (x) => `${num(x)} ms` },
];

export function costLatencyChart(rows: readonly SystemRow[], decisions: readonly DecisionRow[], caption: string): HTMLElement | null {
  if (!rows.some((r) => r.costPer1k !== undefined || r.medianLatencyMs !== undefined)) return null;
  const labels = rows.map((r) => labelLines(r.systemId));
  const rowH = Math.max(24, ...labels.map((l) => l.length * LINE_H + 6));
  const labelW = Math.max(120, Math.ceil(Math.max(...labels.flat().map((l) => l.length)) * CHAR_W) + 8);
  const width = labelW + 12 + MEASURES.length * (PANEL_W + GAP);
  const height = TOP + rows.length * rowH + 6;
  const svg = s('svg', { xmlns: 'http://www.w3.org/2000/svg', class: 'cost-chart-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': caption });
  MEASURES.forEach((m, k) => {
    const x0 = labelW + 12 + k * (PANEL_W + GAP);
    const max = Math.max(0, ...rows.map((r) => m.value(r) ?? 0));
    svg.appendChild(s('text', { class: 'panel-title', x: x0, y: 14 }, m.title));
    svg.appendChild(s('line', { class: 'axis', x1: x0, x2: x0, y1: TOP - 4, y2: height - 4 }));
    rows.forEach((r, i) => {
      const v = m.value(r);
      const y = TOP + i * rowH;
      const status = r.isBaseline ? 'baseline' : `overall-${decisions.find((d) => d.systemId === r.systemId)?.overall ?? 'none'}`;
      if (v === undefined) { svg.appendChild(s('text', { class: 'bar-value muted', x: x0 + 4, y: y + rowH / 2, 'dominant-baseline': 'middle' }, 'no data')); return; }
      const w = max > 0 ? (v / max) * (PANEL_W - VALUE_W) : 0;
      const overall = decisions.find((d) => d.systemId === r.systemId)?.overall;
      svg.appendChild(s('rect', { class: `bar ${m.key} ${status}`, x: x0, y: y + 4, width: Math.max(1, w), height: rowH - 8, 'data-system': r.systemId, 'data-measure': m.key },
        s('title', {}, `${r.systemId}: ${m.title.toLowerCase()} ${m.text(v)}${r.isBaseline ? ' (baseline)' : overall ? ` — ${STATUS_STYLE[overall].word}` : ''}`)));
      svg.appendChild(s('text', { class: 'bar-value', x: x0 + Math.max(1, w) + 4, y: y + rowH / 2, 'dominant-baseline': 'middle' }, m.text(v)));
    });
  });
  rows.forEach((r, i) => {
    const lines = labels[i]!;
    const y = TOP + i * rowH + rowH / 2 - ((lines.length - 1) * LINE_H) / 2;
    svg.appendChild(s('text', { class: 'row-label', x: labelW, y, 'text-anchor': 'end', 'dominant-baseline': 'middle', 'data-system': r.systemId },
      ...lines.map((l, k) => s('tspan', { x: labelW, y: y + k * LINE_H }, l))));
  });
  return h('figure', { class: 'cost-chart' }, h('figcaption', { class: 'muted' }, caption), svg);
}
