// Forest plot of each candidate's calibrated difference vs the baseline: point, interval, the zero line and
// the non-inferiority line at −margin. Built with DOM APIs (createElementNS + text nodes); hover or focus
// shows the numbers in a readout and as the native tooltip (<title>).
import { shownPoint, type SystemRow, type TestSetComparison } from '../../src/protocol/comparison';
import { h, s } from '../dom';
import { pp, prob } from '../format';

const ROW_H = 28;
const LABEL_W = 190;
const PLOT_W = 420;
const PAD = 12;

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

export function forestPlot(ts: TestSetComparison, rows: readonly SystemRow[] = ts.rows): HTMLElement {
  const shown = rows.filter((r) => !r.isBaseline && r.difference);
  const readout = h('div', { class: 'readout', 'aria-live': 'polite' }, shown.length ? 'Hover or focus a row for its numbers.' : '');
  if (!shown.length) return h('figure', { class: 'forest empty' }, h('p', { class: 'muted' }, 'No calibrated differences to plot yet (no candidate has paired verdicts with the baseline).'));
  let lo = Math.min(-ts.margin, 0, ...shown.map((r) => r.difference!.lo));
  let hi = Math.max(0, ...shown.map((r) => r.difference!.hi));
  const padFrac = (hi - lo) * 0.08 || 0.01;
  lo -= padFrac; hi += padFrac;
  const x = (v: number): number => LABEL_W + PAD + ((v - lo) / (hi - lo)) * PLOT_W;
  const height = shown.length * ROW_H + 40;
  const width = LABEL_W + PLOT_W + 2 * PAD;
  const svg = s('svg', { xmlns: 'http://www.w3.org/2000/svg', class: 'forest-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Forest plot: difference with ${ts.baselineId} on ${ts.testSetId}` });
  const axisY = shown.length * ROW_H + 8;
  const step = tickStep(hi - lo);
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) {
    svg.appendChild(s('line', { class: 'tick', x1: x(t), x2: x(t), y1: axisY, y2: axisY + 4 }));
    svg.appendChild(s('text', { class: 'tick-label', x: x(t), y: axisY + 16, 'text-anchor': 'middle' }, `${(100 * t).toFixed(Math.abs(step) < 0.01 ? 1 : 0)}`));
  }
  svg.appendChild(s('line', { class: 'axis', x1: LABEL_W + PAD, x2: LABEL_W + PAD + PLOT_W, y1: axisY, y2: axisY }));
  svg.appendChild(s('text', { class: 'axis-label', x: LABEL_W + PAD + PLOT_W, y: axisY + 30, 'text-anchor': 'end' }, `difference vs ${ts.baselineId} (pp)`));
  svg.appendChild(s('line', { class: 'zero-line', x1: x(0), x2: x(0), y1: 0, y2: axisY }, s('title', {}, 'no difference')));
  svg.appendChild(s('line', { class: 'margin-line', x1: x(-ts.margin), x2: x(-ts.margin), y1: 0, y2: axisY },
    s('title', {}, `non-inferiority margin −${(100 * ts.margin).toFixed(1)} pp`)));
  shown.forEach((r, i) => {
    const d = r.difference!;
    const y = i * ROW_H + ROW_H / 2;
    const text = describeRow(r, ts.level);
    const worse = d.hi < -ts.margin ? ' worse' : d.lo > -ts.margin ? ' noninferior' : '';
    const g = s('g', { class: `forest-row${worse}`, tabindex: 0, 'data-system': r.systemId, role: 'listitem', 'aria-label': text },
      s('title', {}, text),
      s('rect', { class: 'hit', x: 0, y: y - ROW_H / 2, width, height: ROW_H }),
      s('text', { class: 'row-label', x: LABEL_W, y, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, r.systemId.length > 28 ? `${r.systemId.slice(0, 27)}…` : r.systemId),
      s('line', { class: 'ci', x1: x(d.lo), x2: x(d.hi), y1: y, y2: y }),
      s('line', { class: 'ci-cap', x1: x(d.lo), x2: x(d.lo), y1: y - 5, y2: y + 5 }),
      s('line', { class: 'ci-cap', x1: x(d.hi), x2: x(d.hi), y1: y - 5, y2: y + 5 }),
      s('circle', { class: 'point', cx: x(shownPoint(d)), cy: y, r: 4.5 }));
    const show = (): void => { readout.textContent = text; };
    g.addEventListener('mouseenter', show);
    g.addEventListener('focus', show);
    svg.appendChild(g);
  });
  return h('figure', { class: 'forest' }, svg, readout);
}
