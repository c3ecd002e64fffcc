// The decision view's action on a failing candidate's row: "Adapt the prompt for <candidate>". The host starts
// "Adapt for…" on the candidate's own prompt with the candidate chosen (it asks for the rest).
import type { DecisionRow, TestSetComparison } from '../../src/protocol/comparison';
import { button } from '../ui/controls';
import type { ViewContext } from './context';

export function adaptPromptAction(ctx: ViewContext, ts: TestSetComparison, d: DecisionRow): HTMLElement | null {
  if (d.overall !== 'fail') return null;
  const candidateId = ts.rows.find((r) => r.systemId === d.systemId)?.candidateId ?? d.systemId;
  return button(`Adapt the prompt for ${candidateId}`, () => {
    ctx.status(`Starting "Adapt for…" for ${candidateId}…`);
    ctx.host.request('adaptFor', { candidateId }).catch((err: unknown) => ctx.status(`Could not start adapting: ${(err as Error).message}`, 'error'));
  }, { secondary: true, title: `Write variants of the prompt for ${candidateId} and keep one only if it beats the prompt on a part of the test set the rewriter never saw` });
}
