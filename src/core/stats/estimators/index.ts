// The estimator table: one row per estimator. The ids are declared once in the protocol (ESTIMATOR_IDS,
// which the panel and the webview share); this table must have exactly one row per id, which the compiler
// checks. The CLI usage, the project schema enum and the panel's selector are derived from it.
// Adding an estimator: its id in src/protocol/comparison.ts, a file next to this one, a row below
// (then `npm run sync:enums` rewrites the schema enum; a unit test fails until it is done).
import { ESTIMATOR_IDS, type EstimatorInfo } from '../../../protocol/comparison';
import type { EstimatorChoice } from '../types';
import { autoEstimator } from './auto';
import type { EstimatorDescriptor } from './descriptor';
import { humanOnlyEstimator } from './humanOnly';
import { naiveEstimator } from './naive';
import { paperEstimator } from './paper';
import { ppiPlusPlusEstimator } from './ppiPlusPlus';
import { roganGladenEstimator } from './roganGladen';

export type { EstimatorDescriptor, LabelNeed } from './descriptor';

const table: { readonly [K in EstimatorChoice]: EstimatorDescriptor & { id: K } } = {
  'auto': autoEstimator,
  'paper': paperEstimator,
  'rogan-gladen': roganGladenEstimator,
  'ppi++': ppiPlusPlusEstimator,
  'human-only': humanOnlyEstimator,
  'naive': naiveEstimator,
};

/** Every estimator id, `auto` first, in the order selectors and usage texts list them. */
export const ESTIMATORS: readonly EstimatorChoice[] = ESTIMATOR_IDS;
export const ESTIMATOR_CHOICES = ESTIMATORS;

/** The estimator used when neither the project nor the user picks one (METHOD §5b). */
export const DEFAULT_ESTIMATOR: EstimatorChoice = 'auto';

export function isEstimatorId(x: unknown): x is EstimatorChoice {
  return typeof x === 'string' && Object.hasOwn(table, x);
}

/** The descriptor of an estimator; an unknown id is an error naming the valid ones. */
export function estimatorOf(id: string): EstimatorDescriptor {
  if (!isEstimatorId(id)) throw new RangeError(`unknown estimator '${id}'; use one of ${ESTIMATORS.join(', ')}`);
  return table[id];
}

/** Id, name and explanation of every estimator, for selectors (the panel) and help texts. */
export function estimatorInfos(): EstimatorInfo[] {
  return ESTIMATORS.map((id) => ({ id, name: table[id].displayName, explanation: table[id].explanation }));
}

/** `--estimator` help: one line per estimator with its explanation, indented by `indent`. */
export function estimatorUsage(indent: string): string {
  const width = Math.max(...ESTIMATORS.map((id) => id.length));
  return ESTIMATORS.map((id) => `${indent}${id.padEnd(width)}  ${table[id].explanation}`).join('\n');
}
