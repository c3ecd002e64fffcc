// What a strategy gets and what it gives back. A strategy either asks the rewriter model (a request the
// adaptation sends through the runner, cached and resumable) or edits the prompt itself (deterministic).
import type { PromptFile, RenderedMessage } from '../../prompt/types';
import type { FailureExample } from '../rewriterProtocol';

export type StrategyId = 'guide' | 'reflect' | 'style';

export interface StrategyInput {
  /** The prompt this round edits (the original parent, or for `reflect` the best prompt on the front so far). */
  parent: PromptFile;
  targetModel: string;
  round: number;
  /** The parent's failures on the optimisation part (computed only when asked for). */
  failures(): FailureExample[];
  /** Share of the parent's answered outputs on the optimisation part with each style rule's finding. */
  styleRates: Readonly<Record<string, number>>;
  ruleLabel(ruleId: string): string;
  maxWords?: number;
}

export type Proposal =
  | { kind: 'rewrite'; request: RenderedMessage[] }
  | { kind: 'edit'; contents: (string | undefined)[]; rationale: string; rules: string[] }
  | { kind: 'nothing'; reason: string };

export interface Strategy {
  id: StrategyId;
  /** One line for `--help` and the report. */
  summary: string;
  usesRewriter: boolean;
  /** How many variants it may write when the adaptation runs `rounds` rounds. */
  variants(rounds: number): number;
  propose(input: StrategyInput): Proposal;
}
