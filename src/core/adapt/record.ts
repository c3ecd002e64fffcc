// The stored record of one adaptation (`.prompt-adapt/adaptations/<id>/adaptation.json`): the split it uses
// (made once, then reused), every variant written or rejected, the Pareto front, what was spent and the
// acceptance result. Rewritten atomically after every step, so a killed adaptation resumes from it.
import type { Spend } from './budget';
import type { Objectives } from './pareto';
import type { TestSetSplit } from './split';
import type { GuardId } from './guards';
import type { StrategyId } from './strategies';

export interface VariantEntry {
  /** `reflect-2`. */
  tag: string;
  /** Project-relative path of the variant file. */
  file: string;
  strategy: StrategyId;
  round: number;
  /** Project-relative path of the prompt it edits. */
  parent: string;
  rules: string[];
  rationale: string;
  /** Measured on the optimisation part (absent when the optimisation runs were cut short). */
  objectives?: Objectives;
  onFront?: boolean;
}

export interface RejectedRewrite { strategy: StrategyId; round: number; guard: GuardId | 'unreadable' | 'duplicate'; reason: string }

/** One system's figures on one part of one test set (parent or variant, on the target candidate). */
export interface PartFigures {
  n: number;
  /** Calibrated correctness (point estimate), when judged. */
  correctness?: number;
  idkRate: number;
  badStyleRate: number;
  schemaFailureRate: number;
  medianLatencyMs?: number;
}

export interface VariantVerdict {
  tag: string;
  /**
   * `accepted`: every rule passes against the parent on every sealed part and something got better.
   * `inconclusive`: no rule fails, but the correctness interval on a sealed part is inconclusive: no evidence of
   * gain (or of harm); `why` gives the interval and what would resolve it (more labels or examples).
   * `rejected`: a rule fails on a sealed part. `no-gain`: passes but improves nothing measurably.
   */
  verdict: 'accepted' | 'inconclusive' | 'no-gain' | 'rejected' | 'not-evaluated';
  /** Why, in one line (the failing rules, or what got better). */
  why: string;
  /** Per test set: the variant−parent difference on the sealed part and the decision cells. */
  sealed: { testSetId: string; difference?: { mean: number; lo: number; hi: number }; cells: Record<string, string>; variant: PartFigures; parent: PartFigures }[];
  optimisation: { testSetId: string; variant: PartFigures; parent: PartFigures }[];
}

export interface AdaptationRecord {
  version: 1;
  id: string;
  /** Project-relative path of the parent prompt. */
  prompt: string;
  parentHash: string;
  candidateId: string;
  seed: string;
  seal: number;
  strategies: StrategyId[];
  rounds: number;
  /** `endpoint:model`, when a strategy uses the rewriter. */
  rewriter?: string;
  splits: TestSetSplit[];
  /** The parent's objectives on the optimisation part. */
  parentObjectives?: Objectives;
  spent: Spend;
  variants: VariantEntry[];
  rejected: RejectedRewrite[];
  /** Strategy rounds that wrote nothing, with the reason (no failures to learn from, budget…). */
  skipped: { strategy: StrategyId; round: number; reason: string }[];
  /** Why the adaptation stopped early (budget, cancellation), if it did. */
  stopped?: string;
  acceptance?: { verdicts: VariantVerdict[]; headline: string };
  updatedAt: string;
}
