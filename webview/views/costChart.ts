// Cost and latency per candidate as one small inline SVG. The layout is shared with the HTML report
// (protocol/costChart); this builds it with DOM calls only (createElementNS + text nodes), never markup.
import type { DecisionRow, SystemRow } from '../../src/protocol/comparison';
import { COST_CHART_CAPTION, COST_CHART_LEGEND, costChartRows, costChartSvg, type SvgNode } from '../../src/protocol/costChart';
import { h, s } from '../dom';

const build = (n: SvgNode): SVGElement => s(n.tag, n.attrs, ...(n.text !== undefined ? [n.text] : []), ...(n.children ?? []).map(build));

/** The chart's colours in words, the same entries as the report's chart legend. */
function chartLegend(): HTMLElement {
  return h('ul', { class: 'forest-legend chart-legend', 'aria-label': 'Bar colours' },
    ...COST_CHART_LEGEND.map((e) => h('li', { class: `swatch-item ${e.status ? `status-${e.status}` : e.barClass}` }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), e.text)));
}

export function costLatencyChart(rows: readonly SystemRow[], decisions: readonly DecisionRow[], caption = COST_CHART_CAPTION): HTMLElement | null {
  const chart = costChartSvg(costChartRows(rows), decisions, caption);
  return chart ? h('figure', { class: 'cost-chart' }, h('figcaption', { class: 'muted' }, caption), build(chart), chartLegend()) : null;
}
