// `style`: deterministic edits from the style findings on the optimisation part. Each rule with findings
// adds the instruction the editor's quick fix would add, but into a new variant, never the parent in place.
import { instructionFor } from '../../storedOutputs/styleAdvice';
import type { Strategy, StrategyInput } from './types';

/** The parent's messages with `sentences` added to the end of the first system message (else the first message). */
function withSentences(input: StrategyInput, sentences: readonly string[]): (string | undefined)[] {
  const messages = input.parent.messages;
  const at = Math.max(0, messages.findIndex((m) => m.role === 'system'));
  return messages.map((m, i) => {
    if (i !== at) return undefined;
    const trailing = /\n$/u.test(m.content) ? '\n' : '';
    return `${m.content.replace(/\s+$/u, '')}\n${sentences.join('\n')}${trailing}`;
  });
}

export const style: Strategy = {
  id: 'style',
  summary: 'deterministic instructions against the style findings on the optimisation part (no rewriter)',
  usesRewriter: false,
  variants: () => 1,
  propose: (input) => {
    const rules = Object.entries(input.styleRates).filter(([, rate]) => rate > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
    if (rules.length === 0) return { kind: 'nothing', reason: 'no style findings on the optimisation part' };
    const sentences = rules.map((id) => instructionFor(id, input.ruleLabel(id), input.maxWords));
    const rationale = `Adds one instruction per style rule with findings on the optimisation part: ${rules.map((id) => `${input.ruleLabel(id)} (${(100 * input.styleRates[id]!).toFixed(0)}%)`).join(', ')}.`;
    return { kind: 'edit', contents: withSentences(input, sentences), rationale, rules };
  },
};
