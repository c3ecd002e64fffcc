// "ppi++": prediction-powered inference with power tuning (METHOD.md §5); needs each system's own labels.
import { ppiCompare, ppiOne } from '../ppi';
import { normalAbove, waldSummary } from '../summary';
import { bothSystemsLabels, clip01, clipDiff, perSystemLabelDiagnostics, type EstimatorDescriptor } from './descriptor';

export const ppiPlusPlusEstimator = {
  id: 'ppi++',
  displayName: 'PPI++',
  explanation: 'Uses each system\'s own labelled outputs and lets the judge narrow the interval; makes no assumption about the judge, but needs labels for both systems.',
  labels: 'per-system',
  estimateOne({ labels, judged, n, options: o, diagnostics }) {
    const r = ppiOne(labels, judged, n);
    diagnostics.push(...perSystemLabelDiagnostics([labels], ['This system']));
    return { estimate: clip01(waldSummary(r.estimate, r.se, o.level)), draws: 0 };
  },
  compare(ctx) {
    const [a, b] = bothSystemsLabels(ctx, 'ppi++');
    const o = ctx.options;
    const r = ppiCompare(a, b, ctx.paired);
    ctx.diagnostics.push(...perSystemLabelDiagnostics([a, b], ['The baseline', 'The candidate']));
    return { difference: clipDiff(waldSummary(r.estimate, r.se, o.level)), pBetter: normalAbove(r.estimate, r.se, 0),
      pNotInferior: normalAbove(r.estimate, r.se, -o.margin), draws: 0 };
  },
} satisfies EstimatorDescriptor;
