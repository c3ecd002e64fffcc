// "naive": the judge's verdicts at face value (METHOD §6), shown beside the calibrated estimate; IDK counts as 0.
import { naivePaired, wilson } from '../baselines';
import { verdictMargins } from '../stateTable';
import { closedSummary, waldSummary } from '../summary';
import { closedPart, uncalibrated, type EstimatorDescriptor } from './descriptor';

export const naiveEstimator = {
  id: 'naive',
  displayName: 'Naive (uncalibrated)',
  explanation: 'Takes the judge\'s verdicts at face value; shown beside a calibrated estimate so you can see what the calibration changed.',
  labels: 'none',
  estimateOne({ states, options: o, diagnostics }) {
    const w = wilson(states.correct, states.correct + states.incorrect + states.idk, o.level);
    diagnostics.push(uncalibrated());
    return { estimate: closedSummary(w.estimate, w.lo, w.hi), draws: 0 };
  },
  compare(ctx) {
    const r = naivePaired(verdictMargins(ctx.states));
    const w = waldSummary(r.estimate, r.se, ctx.options.level);
    ctx.diagnostics.push(uncalibrated());
    return closedPart(r.estimate, r.se, w.lo, w.hi, ctx.options.margin);
  },
} satisfies EstimatorDescriptor;
