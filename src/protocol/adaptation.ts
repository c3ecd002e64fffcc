// What the panel's Adaptation view shows: each stored adaptation of a prompt for a candidate, its variants with
// the figures on the optimisation part (what the rewriter learned from) beside those on the sealed part (what
// acceptance used), and whether a variant is already adopted as a candidate row. Leaf module (types only).
// Every string that came from a model (rationale, rules, why) is untrusted data: render it as text only.

export type AdaptStrategyName = 'guide' | 'reflect' | 'style';
export type AdaptVerdictName = 'accepted' | 'inconclusive' | 'no-gain' | 'rejected' | 'not-evaluated';

/** One prompt's figures on one part of one test set, on the target candidate (rates are shares, 0–1). */
export interface AdaptPartFigures {
  n: number;
  /** Calibrated correctness (point estimate), when judged. */
  correctness?: number;
  idkRate: number;
  badStyleRate: number;
  schemaFailureRate: number;
}

/** The variant against its parent on one test set's sealed part. */
export interface AdaptSealedFigures {
  testSetId: string;
  /** Variant − parent correctness with its interval (absent when no estimate could be made). */
  difference?: { mean: number; lo: number; hi: number };
  variant: AdaptPartFigures;
  parent: AdaptPartFigures;
}

export interface AdaptOptimisationFigures { testSetId: string; variant: AdaptPartFigures; parent: AdaptPartFigures }

/** What the Pareto front trades off, on the optimisation part. */
export interface AdaptObjectives { correctness: number; idkRate: number; badStyleRate: number; promptChars: number }

export interface AdaptVariantView {
  /** `reflect-2`. */
  tag: string;
  /** Project-relative path of the variant file. */
  file: string;
  strategy: AdaptStrategyName;
  round: number;
  /** The rewriter's (or the style edit's) explanation: untrusted text. */
  rationale: string;
  /** Guidance rule ids applied. */
  rules: string[];
  onFront: boolean;
  objectives?: AdaptObjectives;
  verdict: AdaptVerdictName;
  why: string;
  optimisation: AdaptOptimisationFigures[];
  sealed: AdaptSealedFigures[];
  /** The id of the candidate row pairing the target with this variant, when the project file has it. */
  adoptedAs?: string;
}

export interface AdaptationView {
  id: string;
  /** Project-relative path of the parent prompt. */
  prompt: string;
  candidateId: string;
  strategies: AdaptStrategyName[];
  /** `endpoint:model` of the rewriter, when one was used. */
  rewriter?: string;
  spent: { calls: number; usd: number };
  /** The parent's objectives on the optimisation part (the Pareto plot's reference point). */
  parentObjectives?: AdaptObjectives;
  variants: AdaptVariantView[];
  /** Rewrites refused by a guard or unreadable, and rounds that wrote nothing, with the reason. */
  notWritten: { strategy: AdaptStrategyName; round: number; reason: string }[];
  /** The acceptance's one-line summary (absent before acceptance ran). */
  headline?: string;
  /** True when some variant was accepted on the sealed part. */
  anyAccepted: boolean;
  /**
   * When nothing was accepted: the variant with the largest sealed difference and its interval on each test
   * set (what "nothing beat the parent" rests on).
   */
  best?: { tag: string; sealed: AdaptSealedFigures[] };
  /** Why it stopped early, if it did. */
  stopped?: string;
  updatedAt: string;
}
