// "paper": the paper's estimator in reproduction mode (METHOD §3), on the 2 × 2 verdict table (IDK as verdict 0).
import { differentialDiagnostics } from '../diagnostics';
import { paperCompare, paperOne } from '../paper';
import { verdictMargins } from '../stateTable';
import { calibrationDiagnostics, labelTotal, type EstimatorDescriptor } from './descriptor';

export const paperEstimator = {
  id: 'paper',
  displayName: 'Paper (reproduction)',
  explanation: 'Reproduces the published method: a fixed 0.5 prior pulls estimates toward 50% and shrinks differences; use it to compare with the paper, not to decide.',
  labels: 'pooled',
  estimateOne({ confusion, states, options: o, rng, diagnostics }) {
    const r = paperOne(confusion, states.correct, states.correct + states.incorrect + states.idk, o.draws, o.level, rng);
    diagnostics.push(...calibrationDiagnostics(confusion), { code: 'paper-mode', severity: 'info',
      message: 'Paper reproduction mode: the fixed 0.5 prior pulls the estimate toward 50% and the interval holds calibration uncertainty only.' });
    return { estimate: r.summary, draws: o.draws };
  },
  compare(ctx) {
    const { confusion: c, baselineLabels, candidateLabels, options: o, rng, diagnostics } = ctx;
    if (!c || labelTotal(c) === 0) return { draws: 0, none: 'paper needs calibration labels' };
    const r = paperCompare(c, verdictMargins(ctx.states), o.draws, o.level, o.margin, rng);
    diagnostics.push(...calibrationDiagnostics(c), ...differentialDiagnostics(baselineLabels, candidateLabels, { pooled: c, states: ctx.states, level: o.level, labelLayout: ctx.labelLayout }),
      { code: 'paper-mode', severity: 'info', message: 'Paper reproduction mode: the difference is shrunk toward 0 by the fixed 0.5 prior, so it is not the true difference.' });
    return { difference: r.summary, pBetter: r.pAbove, pNotInferior: r.pNotInferior, draws: o.draws };
  },
} satisfies EstimatorDescriptor;
