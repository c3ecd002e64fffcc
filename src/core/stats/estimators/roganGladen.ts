// "rogan-gladen": the judge's verdicts corrected by its error rates (METHOD.md §4), the default.
import { crossCheckDiagnostics, differentialDiagnostics } from '../diagnostics';
import { drawTruncated, rgCompare, rgCompareDelta, rgOne, rgOneDelta } from '../roganGladen';
import { calibrationDiagnostics, invertedDiagnostic, pooledLabels, type EstimatorDescriptor } from './descriptor';

const clipCross = (c: { estimate: number; lo: number; hi: number }): { estimate: number; lo: number; hi: number } =>
  ({ estimate: c.estimate, lo: Math.max(0, c.lo), hi: Math.min(1, c.hi) });

export const roganGladenEstimator = {
  id: 'rogan-gladen',
  displayName: 'Rogan-Gladen',
  explanation: 'Corrects the judge\'s verdicts by its error rates measured on your labels; assumes the judge errs equally on every system.',
  labels: 'pooled',
  estimateOne({ confusion, judged, n, options: o, rng, diagnostics }) {
    diagnostics.push(...calibrationDiagnostics(confusion));
    const tr = drawTruncated(confusion, o.draws, rng);
    const crossCheck = rgOneDelta(confusion, judged, n, o.level);
    if (!tr) {
      diagnostics.push(invertedDiagnostic());
      return { estimate: { mean: 0.5, median: 0.5, lo: 0, hi: 1 }, draws: 0, rejectedFraction: 1, crossCheck };
    }
    const r = rgOne(tr, judged, n, o.level, rng);
    diagnostics.push(...crossCheckDiagnostics(r.summary, crossCheck && clipCross(crossCheck)));
    return { estimate: r.summary, draws: o.draws, rejectedFraction: tr.rejectedFraction, crossCheck };
  },
  compare(ctx) {
    const { paired, stats: ps, baselineLabels, candidateLabels, options: o, rng, diagnostics } = ctx;
    const c = pooledLabels(ctx, 'rogan-gladen');
    diagnostics.push(...calibrationDiagnostics(c), ...differentialDiagnostics(baselineLabels, candidateLabels, { pooled: c, paired, level: o.level }));
    const tr = drawTruncated(c, o.draws, rng);
    const crossCheck = rgCompareDelta(c, paired, o.level);
    if (!tr) {
      diagnostics.push(invertedDiagnostic());
      return { difference: { mean: 0, median: 0, lo: -1, hi: 1 }, pBetter: 0.5, pNotInferior: 0.5, draws: 0, rejectedFraction: 1, crossCheck };
    }
    const r = rgCompare(tr, paired, o.level, o.margin, rng);
    if (ps.n > 0 && (ps.dBar !== 0 || ps.varX !== 0)) diagnostics.push(...crossCheckDiagnostics(r.summary, crossCheck));
    return { difference: r.summary, pBetter: r.pAbove, pNotInferior: r.pNotInferior, draws: o.draws, rejectedFraction: tr.rejectedFraction, crossCheck };
  },
} satisfies EstimatorDescriptor;
