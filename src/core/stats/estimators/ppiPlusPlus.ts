// "ppi++": prediction-powered inference with power tuning (METHOD §5, IDK-aware); needs each system's own labels.
import { ppiAdequate } from '../auto';
import { ppiCompare, ppiOne } from '../ppi';
import { waldSummary } from '../summary';
import type { Diagnostic } from '../types';
import { bothSystemsLabels, closedPart, labelTotal, type EstimatorDescriptor } from './descriptor';

function thinLabels(which: string): Diagnostic {
  return { code: 'ppi-thin-labels', severity: 'warning',
    message: `ppi++ with thin labels (${which}): it needs 50 answered labels per system with 10 in each class to cover; its interval is too narrow below that.` };
}

export const ppiPlusPlusEstimator = {
  id: 'ppi++',
  displayName: 'PPI++',
  explanation: 'Uses each system\'s own labelled outputs and lets the judge narrow the interval; makes no assumption about the judge, but needs labels for both systems.',
  labels: 'per-system',
  estimateOne({ labels, confusion, states, options: o, diagnostics }) {
    const own = labels ?? confusion;
    const r = ppiOne(own, states);
    if (!ppiAdequate(own)) diagnostics.push(thinLabels(`${labelTotal(own)} labels`));
    return { estimate: waldSummary(r.estimate, r.se, o.level), draws: 0 };
  },
  compare(ctx) {
    const both = bothSystemsLabels(ctx, 'ppi++');
    if (typeof both === 'string') return { draws: 0, none: both };
    const [a, b] = both;
    const r = ppiCompare(a, b, ctx.states, ctx.moments, ctx.labelLayout);
    const thin = [!ppiAdequate(a) && `baseline ${labelTotal(a)}`, !ppiAdequate(b) && `candidate ${labelTotal(b)}`].filter(Boolean).join(', ');
    if (thin) ctx.diagnostics.push(thinLabels(thin));
    const w = waldSummary(r.estimate, r.se, ctx.options.level);
    return closedPart(r.estimate, r.se, w.lo, w.hi, ctx.options.margin);
  },
} satisfies EstimatorDescriptor;
