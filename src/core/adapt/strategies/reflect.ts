// `reflect`: reflective rewriting. Each round the rewriter sees the current best prompt and a sample of the
// target candidate's failures with it on the optimisation part, and returns an edited prompt and a rationale.
import { rewriteRequest } from '../rewriterProtocol';
import type { Strategy } from './types';

/** Failures shown per round: enough to see a pattern, few enough to keep the request short. */
const FAILURES_PER_ROUND = 8;

export const reflect: Strategy = {
  id: 'reflect',
  summary: "the rewriter edits the prompt from the target's failures on the optimisation part, over K rounds (Pareto front)",
  usesRewriter: true,
  variants: (rounds) => rounds,
  propose: (input) => {
    const failures = input.failures().slice(0, FAILURES_PER_ROUND);
    if (failures.length === 0) return { kind: 'nothing', reason: 'no failures on the optimisation part to learn from' };
    return { kind: 'rewrite', request: rewriteRequest({ messages: input.parent.messages, targetModel: input.targetModel, failures }) };
  },
};
