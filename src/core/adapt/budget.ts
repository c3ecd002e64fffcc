// The adaptation's budget: an estimate before anything is spent, and a hard stop. Spending is counted in
// model calls actually made (cache hits and resumed rows are free) and in USD where prices are known; a
// step that would not fit in what is left is not started, and the adaptation says why it stopped.

export interface BudgetLimits {
  maxCalls?: number;
  maxUsd?: number;
}

export interface Spend { calls: number; usd: number }

/** The worst-case size of an adaptation, before it starts. */
export interface AdaptationEstimate {
  variants: number;
  /** Rewriter calls, counting one retry of every reply (the worst case). */
  rewriterCalls: number;
  /** Target-candidate calls: every variant on the optimisation part, and every variant on the sealed part. */
  candidateCalls: number;
  judgeCalls: number;
  calls: number;
  /** Undefined when a price is unknown. */
  usd?: number;
}

export interface EstimateInput {
  /** Per strategy: does it call the rewriter, and how many variants it may write. */
  strategies: readonly { usesRewriter: boolean; variants: number }[];
  optimisationExamples: number;
  sealedExamples: number;
  /** Judge calls per output (one per judge model of every judge metric). */
  judgeCallsPerOutput: number;
  /** USD per call, when known. */
  candidateUsdPerCall?: number;
  rewriterUsdPerCall?: number;
  judgeUsdPerCall?: number;
}

/** The worst case: every rewrite retried once and every variant surviving to the sealed part. */
export function estimateAdaptation(e: EstimateInput): AdaptationEstimate {
  const variants = e.strategies.reduce((n, s) => n + s.variants, 0);
  const rewriterCalls = 2 * e.strategies.reduce((n, s) => n + (s.usesRewriter ? s.variants : 0), 0);
  const candidateCalls = variants * (e.optimisationExamples + e.sealedExamples);
  const judgeCalls = candidateCalls * e.judgeCallsPerOutput;
  const priced = e.candidateUsdPerCall !== undefined && (rewriterCalls === 0 || e.rewriterUsdPerCall !== undefined) && (judgeCalls === 0 || e.judgeUsdPerCall !== undefined);
  const usd = priced ? candidateCalls * e.candidateUsdPerCall! + rewriterCalls * (e.rewriterUsdPerCall ?? 0) + judgeCalls * (e.judgeUsdPerCall ?? 0) : undefined;
  return { variants, rewriterCalls, candidateCalls, judgeCalls, calls: rewriterCalls + candidateCalls + judgeCalls, ...(usd !== undefined ? { usd } : {}) };
}

const usd = (x: number): string => `$${x.toFixed(x < 1 ? 4 : 2)}`;

/** A hard budget over the whole adaptation (spending survives a restart: it is stored with the adaptation). */
export class Budget {
  readonly spent: Spend;

  constructor(readonly limits: BudgetLimits, spent: Spend = { calls: 0, usd: 0 }) {
    this.spent = { ...spent };
  }

  /** Why a step of at most `step` calls (and USD) cannot start, or undefined when it fits. */
  refuse(step: { calls: number; usd?: number }, what: string): string | undefined {
    const { maxCalls, maxUsd } = this.limits;
    if (maxCalls !== undefined && this.spent.calls + step.calls > maxCalls) {
      return `budget: ${what} needs up to ${step.calls} calls, but only ${Math.max(0, maxCalls - this.spent.calls)} of ${maxCalls} are left`;
    }
    if (maxUsd !== undefined) {
      if (step.usd === undefined && step.calls > 0) return `budget: ${what} has no price (a candidate or the rewriter has no 'price'), so a USD budget cannot cover it`;
      if (this.spent.usd + (step.usd ?? 0) > maxUsd) return `budget: ${what} may cost ${usd(step.usd ?? 0)}, but only ${usd(Math.max(0, maxUsd - this.spent.usd))} of ${usd(maxUsd)} is left`;
    }
    return undefined;
  }

  record(s: Partial<Spend>): void {
    this.spent.calls += s.calls ?? 0;
    this.spent.usd += s.usd ?? 0;
  }

  describe(): string {
    const parts = [`${this.spent.calls}${this.limits.maxCalls !== undefined ? ` of ${this.limits.maxCalls}` : ''} calls`];
    parts.push(`${usd(this.spent.usd)}${this.limits.maxUsd !== undefined ? ` of ${usd(this.limits.maxUsd)}` : ''}`);
    return parts.join(', ');
  }
}
