// Judge calibration (paper Table 1): the confusion matrix of human labels against the metric's verdicts,
// TPR/FPR with intervals, and the planner's advice on labels vs more test questions.
import { LABEL_DEFINITION, labelCountText, labelCounts } from '../../src/protocol/legend';
import { h } from '../dom';
import { pct } from '../format';
import { button, progress } from '../ui/controls';
import { copy, tableText, type ViewContext } from './context';
import { notesList } from './comparisonView';

export function calibrationView(ctx: ViewContext): HTMLElement {
  const ts = ctx.testSet();
  const c = ts?.calibration;
  if (!ts || !c) return h('p', { class: 'muted' }, 'No calibration yet: label some outputs (Blind labelling) to calibrate the judge.');
  const matrix = h('table', { class: 'grid confusion', id: 'confusion' },
    h('caption', {}, `Human label (rows) vs metric ${c.metricId} (columns)`),
    h('thead', {}, h('tr', {}, h('td', {}), h('th', { scope: 'col' }, 'metric: correct'), h('th', { scope: 'col' }, 'metric: incorrect'))),
    h('tbody', {},
      h('tr', {}, h('th', { scope: 'row' }, 'human: correct'), h('td', { class: 'num', 'data-cell': 'tp' }, c.tp), h('td', { class: 'num', 'data-cell': 'fn' }, c.fn)),
      h('tr', {}, h('th', { scope: 'row' }, 'human: incorrect'), h('td', { class: 'num', 'data-cell': 'fp' }, c.fp), h('td', { class: 'num', 'data-cell': 'tn' }, c.tn))));
  const labelled = c.tp + c.fn + c.fp + c.tn;
  const target = c.plan?.labelsNeeded !== undefined ? labelled + c.plan.labelsNeeded : 0;
  return h('section', { class: 'calibration', 'data-testset': ts.testSetId },
    h('h2', {}, `Judge calibration: ${ts.testSetId}`),
    c.uninformative ? h('p', { class: 'note error' }, `This metric looks uninformative: P(TPR ≤ FPR) = ${c.pTprLeFpr.toFixed(3)}. Do not base a decision on it.`) : null,
    notesList(c.notes, 'Calibration notes'),
    h('div', { class: 'figure-actions' }, button('Copy table', () => void copy(ctx, tableText(matrix), 'the confusion matrix'), { secondary: true })),
    matrix,
    h('dl', { class: 'rates' },
      h('dt', {}, 'TPR'), h('dd', { id: 'tpr' }, `${pct(c.tpr.mean)} [${pct(c.tpr.lo)}, ${pct(c.tpr.hi)}]`),
      h('dt', {}, 'FPR'), h('dd', { id: 'fpr' }, `${pct(c.fpr.mean)} [${pct(c.fpr.lo)}, ${pct(c.fpr.hi)}]`),
      h('dt', { title: LABEL_DEFINITION }, 'Labels'), h('dd', { id: 'labels-used', title: LABEL_DEFINITION }, labelCountText(labelCounts(c)))),
    h('p', { class: 'muted label-definition' }, `${LABEL_DEFINITION.charAt(0).toUpperCase()}${LABEL_DEFINITION.slice(1)}.`),
    c.plan ? h('div', { class: 'planner' },
      target ? progress(labelled, target, `${labelled} of about ${target} labels`) : null,
      h('p', { id: 'planner-message' }, c.plan.message)) : null);
}
