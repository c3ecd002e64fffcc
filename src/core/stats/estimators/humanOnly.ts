// "human-only": the human labels alone (METHOD.md §6): Wilson for one system, Newcombe for a difference.
import { newcombe, wilson } from '../baselines';
import { normalAbove } from '../summary';
import { bothSystemsLabels, perSystemLabelDiagnostics, type EstimatorDescriptor } from './descriptor';

export const humanOnlyEstimator = {
  id: 'human-only',
  displayName: 'Human labels only',
  explanation: 'Ignores the judge and estimates from the human labels alone; honest but wide unless many outputs are labelled.',
  labels: 'per-system',
  estimateOne({ labels, options: o, diagnostics }) {
    const m = labels.tp + labels.fn + labels.fp + labels.tn;
    const w = wilson(labels.tp + labels.fn, m, o.level);
    diagnostics.push(...perSystemLabelDiagnostics([labels], ['This system']));
    return { estimate: { mean: w.estimate, median: w.estimate, lo: w.lo, hi: w.hi }, draws: 0 };
  },
  compare(ctx) {
    const [a, b] = bothSystemsLabels(ctx, 'human-only');
    const o = ctx.options;
    const r = newcombe(a.tp + a.fn, a.tp + a.fn + a.fp + a.tn, b.tp + b.fn, b.tp + b.fn + b.fp + b.tn, o.level);
    ctx.diagnostics.push(...perSystemLabelDiagnostics([a, b], ['The baseline', 'The candidate']));
    return { difference: { mean: r.estimate, median: r.estimate, lo: r.lo, hi: r.hi }, pBetter: normalAbove(r.estimate, r.se, 0),
      pNotInferior: normalAbove(r.estimate, r.se, -o.margin), draws: 0 };
  },
} satisfies EstimatorDescriptor;
