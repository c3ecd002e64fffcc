// Forest plot of each candidate's calibrated difference vs the baseline: point, interval, the zero line and
// the non-inferiority line at −margin, coloured by the candidate's OVERALL status (PASS / FAIL / UNKNOWN, the
// same colours and legend as the verdict table and the HTML report). Built with DOM APIs (createElementNS + text
// nodes); hover or focus shows the numbers in a readout and as the native tooltip (<title>).
import { shownPoint, type DecisionRow, type SystemRow, type TestSetComparison } from '../../src/protocol/comparison';
import { labelLines, STATUS_ORDER, STATUS_STYLE } from '../../src/protocol/legend';
import { h, s } from '../dom';
import { pp, prob } from '../format';

const MIN_ROW_H = 30;
const LINE_H = 13;
const PLOT_W = 420;
const PAD = 12;
/** Approximate width of a label character at 12px (names are never cut: the label column grows instead). */
const CHAR_W = 6.8;

export function describeRow(r: SystemRow, level: number): string {
  const d = r.difference!;
  return `${r.systemId}: difference ${pp(shownPoint(d))} [${pp(d.lo)}, ${pp(d.hi)}] at ${Math.round(level * 100)}%` +
    `${r.pBetter !== undefined ? `, P(better) ${prob(r.pBetter)}` : ''}${r.pairedN !== undefined ? `, n = ${r.pairedN}` : ''}`;
}

/** A nice tick step for a span in fractions (0.01 = 1 pp). */
function tickStep(span: number): number {
  for (const st of [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5]) if (span / st <= 8) return st;
  return 1;
}

/** The plot's legend: what each colour means (the overall status), as text beside a swatch. */
function forestLegend(): HTMLElement {
  return h('ul', { class: 'forest-legend', 'aria-label': 'Colours' },
    ...STATUS_ORDER.map((st) => h('li', { class: `swatch-item status-${st}` }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), `${STATUS_STYLE[st].word}: ${STATUS_STYLE[st].meaning}`)),
    h('li', { class: 'swatch-item margin' }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), 'dashed line: the non-inferiority margin'));
}

export function forestPlot(ts: TestSetComparison, rows: readonly SystemRow[] = ts.rows, decisions: readonly DecisionRow[] = [...ts.decisions, ...(ts.variantDecisions ?? [])]): HTMLElement {
  const shown = rows.filter((r) => !r.isBaseline && r.difference);
  const readout = h('div', { class: 'readout', 'aria-live': 'polite' }, shown.length ? 'Hover or focus a row for its numbers.' : '');
  if (!shown.length) return h('figure', { class: 'forest empty' }, h('p', { class: 'muted' }, 'No calibrated differences to plot yet (no candidate has paired verdicts with the baseline).'));
  let lo = Math.min(-ts.margin, 0, ...shown.map((r) => r.difference!.lo));
  let hi = Math.max(0, ...shown.map((r) => r.difference!.hi));
  const padFrac = (hi - lo) * 0.08 || 0.01;
  lo -= padFrac; hi += padFrac;
  const labels = shown.map((r) => labelLines(r.systemId));
  const rowH = Math.max(MIN_ROW_H, ...labels.map((l) => l.length * LINE_H + 6));
  const labelW = Math.max(120, Math.ceil(Math.max(...labels.flat().map((l) => l.length)) * CHAR_W) + 8);
  const x = (v: number): number => labelW + PAD + ((v - lo) / (hi - lo)) * PLOT_W;
  const height = shown.length * rowH + 40;
  const width = labelW + PLOT_W + 2 * PAD;
  const svg = s('svg', { xmlns: 'http://www.w3.org/2000/svg', class: 'forest-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Forest plot: difference with ${ts.baselineId} on ${ts.testSetId}` });
  const axisY = shown.length * rowH + 8;
  const step = tickStep(hi - lo);
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) {
    svg.appendChild(s('line', { class: 'tick', x1: x(t), x2: x(t), y1: axisY, y2: axisY + 4 }));
    svg.appendChild(s('text', { class: 'tick-label', x: x(t), y: axisY + 16, 'text-anchor': 'middle' }, `${(100 * t).toFixed(Math.abs(step) < 0.01 ? 1 : 0)}`));
  }
  svg.appendChild(s('line', { class: 'axis', x1: labelW + PAD, x2: labelW + PAD + PLOT_W, y1: axisY, y2: axisY }));
  svg.appendChild(s('text', { class: 'axis-label', x: labelW + PAD + PLOT_W, y: axisY + 30, 'text-anchor': 'end' }, `difference vs ${ts.baselineId} (pp)`));
  svg.appendChild(s('line', { class: 'zero-line', x1: x(0), x2: x(0), y1: 0, y2: axisY }, s('title', {}, 'no difference')));
  svg.appendChild(s('line', { class: 'margin-line', x1: x(-ts.margin), x2: x(-ts.margin), y1: 0, y2: axisY },
    s('title', {}, `non-inferiority margin −${(100 * ts.margin).toFixed(1)} pp`)));
  shown.forEach((r, i) => {
    const d = r.difference!;
    const y = i * rowH + rowH / 2;
    const text = describeRow(r, ts.level);
    const worse = d.hi < -ts.margin ? ' worse' : d.lo > -ts.margin ? ' noninferior' : '';
    const overall = decisions.find((x2) => x2.systemId === r.systemId)?.overall;
    const lines = labels[i]!;
    const g = s('g', { class: `forest-row${worse}${overall ? ` overall-${overall}` : ''}`, tabindex: 0, 'data-system': r.systemId, 'data-overall': overall, role: 'listitem', 'aria-label': overall ? `${text}; overall ${STATUS_STYLE[overall].word}` : text },
      s('title', {}, overall ? `${text} — overall ${STATUS_STYLE[overall].word}` : text),
      s('rect', { class: 'hit', x: 0, y: y - rowH / 2, width, height: rowH }),
      s('text', { class: 'row-label', x: labelW, y: y - ((lines.length - 1) * LINE_H) / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        ...lines.map((l, k) => s('tspan', { x: labelW, y: y - ((lines.length - 1) * LINE_H) / 2 + k * LINE_H }, l))),
      s('line', { class: 'ci', x1: x(d.lo), x2: x(d.hi), y1: y, y2: y }),
      s('line', { class: 'ci-cap', x1: x(d.lo), x2: x(d.lo), y1: y - 5, y2: y + 5 }),
      s('line', { class: 'ci-cap', x1: x(d.hi), x2: x(d.hi), y1: y - 5, y2: y + 5 }),
      s('circle', { class: 'point', cx: x(shownPoint(d)), cy: y, r: 4.5 }));
    const show = (): void => { readout.textContent = text; };
    g.addEventListener('mouseenter', show);
    g.addEventListener('focus', show);
    svg.appendChild(g);
  });
  return h('figure', { class: 'forest' }, svg, readout, decisions.length ? forestLegend() : null);
}
