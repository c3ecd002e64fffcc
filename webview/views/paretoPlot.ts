// The Pareto plot of an adaptation: each prompt's calibrated correctness on the optimisation part against its
// length (a proxy for input cost), the parent as a ring, variants on the front filled, the others hollow and
// faint; the colour is the verdict on the sealed part (the forest plot's PASS / FAIL / UNKNOWN colours). Built
// with DOM APIs; labels are text nodes, hover or focus shows the numbers in a readout and a <title>.
import type { AdaptationView, AdaptObjectives, AdaptVerdictName } from '../../src/protocol/adaptation';
import { h, s } from '../dom';
import { num, pct } from '../format';

const W = 420;
const H = 220;
const PAD = { left: 56, right: 90, top: 14, bottom: 40 };

/** The forest plot's status colours for a verdict on the sealed part. */
export const VERDICT_STATUS: Record<AdaptVerdictName, 'pass' | 'fail' | 'unknown'> = {
  accepted: 'pass', rejected: 'fail', inconclusive: 'unknown', 'no-gain': 'unknown', 'not-evaluated': 'unknown',
};

interface Point { label: string; o: AdaptObjectives; cls: string; text: string }

const describe = (label: string, o: AdaptObjectives, extra: string): string =>
  `${label}: correct ${pct(o.correctness)}, IDK ${pct(o.idkRate)}, bad style ${pct(o.badStyleRate)}, ${num(o.promptChars)} characters (optimisation part)${extra}`;

function points(a: AdaptationView): Point[] {
  const out: Point[] = a.parentObjectives ? [{ label: 'parent', o: a.parentObjectives, cls: 'parent', text: describe('parent', a.parentObjectives, '') }] : [];
  for (const v of a.variants) {
    if (!v.objectives) continue;
    out.push({ label: v.tag, o: v.objectives, cls: `variant overall-${VERDICT_STATUS[v.verdict]}${v.onFront ? ' front' : ' dominated'}`,
      text: describe(v.tag, v.objectives, `; ${v.onFront ? 'on the Pareto front' : 'dominated'}; sealed part: ${v.verdict}`) });
  }
  return out;
}

const extent = (xs: number[], pad: number): [number, number] => {
  const lo = Math.min(...xs), hi = Math.max(...xs);
  const m = (hi - lo) * 0.1 || pad;
  return [lo - m, hi + m];
};

export function paretoPlot(a: AdaptationView): HTMLElement {
  const pts = points(a);
  if (pts.length < 2) return h('figure', { class: 'pareto empty' }, h('p', { class: 'muted' }, 'No variant was measured on the optimisation part yet, so there is nothing to plot.'));
  const [x0, x1] = extent(pts.map((p) => p.o.promptChars), 20);
  const [y0, y1] = extent(pts.map((p) => p.o.correctness), 0.02);
  const x = (v: number): number => PAD.left + ((v - x0) / (x1 - x0)) * W;
  const y = (v: number): number => PAD.top + (1 - (v - y0) / (y1 - y0)) * H;
  const width = PAD.left + W + PAD.right, height = PAD.top + H + PAD.bottom;
  const readout = h('div', { class: 'readout', 'aria-live': 'polite' }, 'Hover or focus a point for its numbers.');
  const svg = s('svg', { xmlns: 'http://www.w3.org/2000/svg', class: 'forest-svg pareto-svg', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Pareto plot of ${a.prompt} for ${a.candidateId}: correctness against prompt length on the optimisation part` });
  svg.append(
    s('line', { class: 'axis', x1: PAD.left, x2: PAD.left + W, y1: PAD.top + H, y2: PAD.top + H }),
    s('line', { class: 'axis', x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: PAD.top + H }),
    s('text', { class: 'axis-label', x: PAD.left + W, y: PAD.top + H + 30, 'text-anchor': 'end' }, 'prompt length (characters) →'),
    s('text', { class: 'axis-label', x: 4, y: PAD.top + 4, 'dominant-baseline': 'hanging' }, '↑ correct'),
    ...[y0, (y0 + y1) / 2, y1].map((t) => s('text', { class: 'tick-label', x: PAD.left - 6, y: y(t), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, pct(t, 0))),
    ...[x0, (x0 + x1) / 2, x1].map((t) => s('text', { class: 'tick-label', x: x(t), y: PAD.top + H + 16, 'text-anchor': 'middle' }, num(t))));
  for (const p of pts) {
    const g = s('g', { class: `pareto-point ${p.cls}`, tabindex: 0, role: 'listitem', 'aria-label': p.text, 'data-tag': p.label },
      s('title', {}, p.text),
      s('circle', { class: 'point', cx: x(p.o.promptChars), cy: y(p.o.correctness), r: 5 }),
      s('text', { class: 'point-label', x: x(p.o.promptChars) + 8, y: y(p.o.correctness), 'dominant-baseline': 'middle' }, p.label));
    const show = (): void => { readout.textContent = p.text; };
    g.addEventListener('mouseenter', show);
    g.addEventListener('focus', show);
    svg.appendChild(g);
  }
  return h('figure', { class: 'pareto' }, svg, readout,
    h('figcaption', { class: 'muted' }, 'Optimisation part only (what the rewriter learned from). Ring: the parent; filled: on the Pareto front; hollow: dominated. Colour: the verdict on the sealed part.'));
}
