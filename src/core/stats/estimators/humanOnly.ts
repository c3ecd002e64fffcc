// "human-only": the human labels alone (METHOD §6, IDK-aware): Wilson for one system, MOVER for a difference,
// each answered accuracy scaled by its system's answered share.
import { moverDifference, wilson } from '../baselines';
import { MIN_CLASS_LABELS } from '../calibration';
import { humanLabelCorrelation } from '../labelLayout';
import { closedSummary } from '../summary';
import { bothSystemsLabels, closedPart, labelTotal, type EstimatorDescriptor } from './descriptor';

export const humanOnlyEstimator = {
  id: 'human-only',
  displayName: 'Human labels only',
  explanation: 'Ignores the judge and estimates from the human labels alone; honest but wide unless many outputs are labelled.',
  labels: 'per-system',
  estimateOne({ labels, confusion, states, options: o, diagnostics }) {
    const own = labels ?? confusion;
    const m = labelTotal(own);
    const n = states.correct + states.incorrect + states.idk;
    const answered = n > 0 ? 1 - states.idk / n : 1;
    const w = wilson(own.tp + own.fn, m, o.level);
    if (m < MIN_CLASS_LABELS) diagnostics.push({ code: 'few-labels-per-system', severity: 'warning', message: `Only ${m} labelled outputs: the interval is wide.` });
    return { estimate: closedSummary(answered * w.estimate, answered * w.lo, answered * w.hi), draws: 0 };
  },
  compare(ctx) {
    const both = bothSystemsLabels(ctx, 'human-only');
    if (typeof both === 'string') return { draws: 0, none: both };
    const [a, b] = both;
    // Labels on the same questions: the two accuracies' correlation is phi (of the k pairs' human labels)
    // times the share of each label set that they are, k/sqrt(m_A·m_B); 0 without such questions.
    const { k, phi } = humanLabelCorrelation(ctx.labelLayout);
    const correlation = k > 0 ? (phi * k) / Math.sqrt(labelTotal(a) * labelTotal(b)) : 0;
    const r = moverDifference({ correct: a.tp + a.fn, labelled: labelTotal(a), answeredShare: 1 - ctx.moments.rA },
      { correct: b.tp + b.fn, labelled: labelTotal(b), answeredShare: 1 - ctx.moments.rB }, ctx.options.level, correlation);
    return closedPart(r.estimate, r.se, r.lo, r.hi, ctx.options.margin);
  },
} satisfies EstimatorDescriptor;
