// "naive": the judge's verdicts at face value (METHOD.md §6), shown beside the calibrated estimate.
import { naivePaired, wilson } from '../baselines';
import { normalAbove, waldSummary } from '../summary';
import type { Diagnostic } from '../types';
import { clipDiff, type EstimatorDescriptor } from './descriptor';

function uncalibrated(): Diagnostic {
  return { code: 'uncalibrated', severity: 'info', message: 'Uncalibrated: raw judge verdicts, taking the judge to be always right.' };
}

export const naiveEstimator = {
  id: 'naive',
  displayName: 'Naive (uncalibrated)',
  explanation: 'Takes the judge to be always right: no labels needed, but any judge error goes straight into the number.',
  labels: 'none',
  estimateOne({ judged, n, options: o, diagnostics }) {
    const w = wilson(judged, n, o.level);
    diagnostics.push(uncalibrated());
    return { estimate: { mean: w.estimate, median: w.estimate, lo: w.lo, hi: w.hi }, draws: 0 };
  },
  compare({ paired, options: o, diagnostics }) {
    const r = naivePaired(paired);
    diagnostics.push(uncalibrated());
    return { difference: clipDiff(waldSummary(r.estimate, r.se, o.level)), pBetter: normalAbove(r.estimate, r.se, 0),
      pNotInferior: normalAbove(r.estimate, r.se, -o.margin), draws: 0 };
  },
} satisfies EstimatorDescriptor;
