// "rogan-gladen": the judge's verdicts corrected by its error rates on answered outputs, IDK-aware (METHOD §4).
import { pTprLeFpr, UNINFORMATIVE_THRESHOLD } from '../calibration';
import { crossCheckDiagnostics, differentialDiagnostics } from '../diagnostics';
import { classCounts, drawTruncated, rgCompare, rgCompareDelta, rgOne, rgOneDelta } from '../roganGladen';
import { calibrationDiagnostics, labelTotal, type EstimatorDescriptor } from './descriptor';

export const roganGladenEstimator = {
  id: 'rogan-gladen',
  displayName: 'Rogan-Gladen',
  explanation: 'Corrects the judge\'s verdicts by its error rates measured on your labels; assumes the judge errs equally on every system\'s answered outputs.',
  labels: 'pooled',
  estimateOne({ confusion, states, options: o, rng, diagnostics }) {
    diagnostics.push(...calibrationDiagnostics(confusion));
    const crossCheck = rgOneDelta(confusion, states, o.level);
    if (pTprLeFpr(confusion) > UNINFORMATIVE_THRESHOLD) return { draws: 0, crossCheck };
    const tr = drawTruncated(confusion, o.draws, rng, true);
    if (!tr) return { draws: 0, rejectedFraction: 1, crossCheck };
    const r = rgOne(tr, states, o.level, rng);
    const n = states.correct + states.incorrect + states.idk;
    const top = n > 0 ? 1 - states.idk / n : 1;
    diagnostics.push(...crossCheckDiagnostics(r.summary, crossCheck && { ...crossCheck, lo: Math.max(0, crossCheck.lo), hi: Math.min(top, crossCheck.hi) }));
    return { estimate: r.summary, draws: o.draws, rejectedFraction: tr.rejectedFraction, crossCheck };
  },
  compare(ctx) {
    const { confusion: c, moments: m, options: o, rng, diagnostics } = ctx;
    if (!c || labelTotal(c) === 0) return { draws: 0, none: 'rogan-gladen needs calibration labels' };
    diagnostics.push(...calibrationDiagnostics(c), ...differentialDiagnostics(ctx.baselineLabels, ctx.candidateLabels, { pooled: c, states: ctx.states, level: o.level, labelLayout: ctx.labelLayout }));
    const p = pTprLeFpr(c);
    const crossCheck = rgCompareDelta(c, m, o.level);
    if (p > UNINFORMATIVE_THRESHOLD) {
      return { draws: 0, crossCheck, none: `the judge is uninformative on these labels (P(TPR ≤ FPR) = ${p.toFixed(3)}), so its verdicts cannot be corrected` };
    }
    const tr = drawTruncated(c, o.draws, rng, true);
    if (!tr) return { draws: 0, rejectedFraction: 1, crossCheck, none: 'almost every calibration draw has TPR ≤ FPR' };
    const r = rgCompare(tr, c, m, classCounts(ctx.baselineLabels), classCounts(ctx.candidateLabels), o.level, o.margin, rng);
    if (m.n > 0 && (m.D !== 0 || m.E !== 0 || m.Vxx !== 0)) diagnostics.push(...crossCheckDiagnostics(r.summary, crossCheck));
    return { difference: r.summary, pBetter: r.pAbove, pNotInferior: r.pNotInferior, draws: o.draws, rejectedFraction: tr.rejectedFraction, crossCheck };
  },
} satisfies EstimatorDescriptor;
