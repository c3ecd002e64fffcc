// The adaptation strategies, one row each. Adding a strategy is one file and one row here.
import { guide } from './guide';
import { reflect } from './reflect';
import { style } from './style';
import type { Strategy, StrategyId } from './types';

export type { Proposal, Strategy, StrategyId, StrategyInput } from './types';

export const STRATEGIES: Readonly<Record<StrategyId, Strategy>> = { guide, reflect, style };

export const STRATEGY_IDS = Object.keys(STRATEGIES) as StrategyId[];

/** Strategy ids from `guide,reflect`; throws a RangeError naming an unknown one. */
export function parseStrategies(list: string): StrategyId[] {
  const ids = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) if (!(id in STRATEGIES)) throw new RangeError(`unknown strategy '${id}' (known: ${STRATEGY_IDS.join(', ')})`);
  return [...new Set(ids)] as StrategyId[];
}
