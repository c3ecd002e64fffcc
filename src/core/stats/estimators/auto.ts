// "auto" (METHOD §5b), the default: per pair and test set, the estimator the labels can support, and why.
import { calibrationAdequate, chooseForOne, chooseForPair } from '../auto';
import { differenceRange } from '../roganGladen';
import { clipSummary } from '../summary';
import type { BesideResult, Diagnostic } from '../types';
import type { CompareContext, ComparePart, EstimatorDescriptor } from './descriptor';
import { humanOnlyEstimator } from './humanOnly';
import { ppiPlusPlusEstimator } from './ppiPlusPlus';
import { roganGladenEstimator } from './roganGladen';

const chosenTable = { 'ppi++': ppiPlusPlusEstimator, 'rogan-gladen': roganGladenEstimator, 'human-only': humanOnlyEstimator } as const;

/** Warnings `auto` leaves out: it chose around the label counts, and its reason quotes them. */
const CHOSEN_AROUND = new Set(['few-positives', 'few-negatives', 'few-labels-per-system']);

/**
 * METHOD §5b step 1: beside ppi++, rogan-gladen "assuming the judge errs equally on both"; when the judge-free
 * cross-check finds them apart, ppi++ stands and the disagreement is a warning (never an error here).
 */
function roganBeside(ctx: CompareContext): BesideResult[] {
  if (!calibrationAdequate(ctx.confusion)) return [];
  const notes: Diagnostic[] = [];
  const rg = roganGladenEstimator.compare({ ...ctx, diagnostics: notes });
  for (const x of notes) {
    if (x.code !== 'differential-judge' && x.code !== 'differential-bias') continue;
    ctx.diagnostics.push({ code: x.code, severity: 'warning',
      message: `${x.message.replace(/do not act on this number|it may be biased|the judge-corrected difference is biased/, 'the judge-corrected number beside it is biased')} The ppi++ result stands.` });
  }
  const range = differenceRange(ctx.moments);
  return rg.difference ? [{ estimator: 'rogan-gladen', difference: clipSummary(rg.difference, range.lo, range.hi), note: 'assuming the judge errs equally on both' }] : [];
}

export const autoEstimator = {
  id: 'auto',
  displayName: 'Auto (what the labels support)',
  explanation: 'Picks ppi++ when both systems have enough own labels, else Rogan-Gladen on an adequate calibration, else human labels only, else says which labels are needed.',
  labels: 'chosen',
  estimateOne(ctx) {
    const choice = chooseForOne(ctx.confusion, ctx.labels);
    if (choice.estimator === 'none') return { draws: 0, chosen: choice };
    const own: Diagnostic[] = [];
    const part = chosenTable[choice.estimator].estimateOne({ ...ctx, diagnostics: own });
    ctx.diagnostics.push(...own.filter((x) => !CHOSEN_AROUND.has(x.code)));
    return { ...part, chosen: choice };
  },
  compare(ctx): ComparePart {
    const choice = chooseForPair(ctx.confusion, ctx.baselineLabels, ctx.candidateLabels);
    if (choice.estimator === 'none') return { draws: 0, chosen: choice };
    const own: Diagnostic[] = [];
    const part = chosenTable[choice.estimator].compare({ ...ctx, diagnostics: own });
    ctx.diagnostics.push(...own.filter((x) => !CHOSEN_AROUND.has(x.code)));
    return { ...part, chosen: choice, beside: choice.estimator === 'ppi++' ? roganBeside(ctx) : [] };
  },
} satisfies EstimatorDescriptor;
