// "paper": the paper's estimator in reproduction mode (METHOD.md §3).
import { differentialDiagnostics } from '../diagnostics';
import { paperCompare, paperOne } from '../paper';
import { calibrationDiagnostics, pooledLabels, type EstimatorDescriptor } from './descriptor';

export const paperEstimator = {
  id: 'paper',
  displayName: 'Paper (reproduction)',
  explanation: 'Reproduces the published method: a fixed 0.5 prior pulls estimates toward 50% and shrinks differences; use it to compare with the paper, not to decide.',
  labels: 'pooled',
  estimateOne({ confusion, judged, n, options: o, rng, diagnostics }) {
    const r = paperOne(confusion, judged, n, o.draws, o.level, rng);
    diagnostics.push(...calibrationDiagnostics(confusion), { code: 'paper-mode', severity: 'info',
      message: 'Paper reproduction mode: the fixed 0.5 prior pulls the estimate toward 50% and the interval holds calibration uncertainty only.' });
    return { estimate: r.summary, draws: o.draws };
  },
  compare(ctx) {
    const { paired, baselineLabels, candidateLabels, options: o, rng, diagnostics } = ctx;
    const c = pooledLabels(ctx, 'paper');
    const r = paperCompare(c, paired, o.draws, o.level, o.margin, rng);
    diagnostics.push(...calibrationDiagnostics(c), ...differentialDiagnostics(baselineLabels, candidateLabels, { pooled: c, paired, level: o.level }), { code: 'paper-mode', severity: 'info',
      message: 'Paper reproduction mode: the difference is shrunk toward 0 by the fixed 0.5 prior, so it is not the true difference.' });
    return { difference: r.summary, pBetter: r.pAbove, pNotInferior: r.pNotInferior, draws: o.draws };
  },
} satisfies EstimatorDescriptor;
