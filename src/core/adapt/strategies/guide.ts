// `guide`: the rewriter applies the built-in prompting guidance of the target model's family (one variant).
import { guidanceFor } from '../guidance';
import { rewriteRequest } from '../rewriterProtocol';
import type { Strategy } from './types';

export const guide: Strategy = {
  id: 'guide',
  summary: "the rewriter applies the built-in prompting guidance for the target model's family",
  usesRewriter: true,
  variants: () => 1,
  propose: (input) => ({ kind: 'rewrite', request: rewriteRequest({ messages: input.parent.messages, targetModel: input.targetModel, guidance: guidanceFor(input.targetModel) }) }),
};
