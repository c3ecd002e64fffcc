// The adaptation's budget: an estimate before anything is spent, and a hard stop. Spending is counted in
// model calls actually made (cache hits and resumed rows are free) and in USD where prices are known; a
// step that would not fit in what is left is not started, and the adaptation says why it stopped.

export interface BudgetLimits {
  maxCalls?: number;
  maxUsd?: number;
}

export interface Spend { calls: number; usd: number }

export interface Range { low: number; high: number }

/** The size and cost of an adaptation, before anything is spent, as a range. */
export interface AdaptationEstimate {
  variants: number;
  /** The parent on the target over every test set: requests the cache cannot answer. */
  parentCalls: number;
  /** One call per rewrite … one retry of every reply. */
  rewriterCalls: Range;
  /**
   * Target-candidate calls: the parent, every variant on the optimisation part and one on the sealed part …
   * every variant on both parts (the cache answers repeats for free, so the real count can be lower).
   */
  candidateCalls: Range;
  judgeCalls: Range;
  calls: Range;
  /** USD of the priced calls; undefined when the target candidate has no price. */
  usd?: Range;
  /** Calls the USD range leaves out for want of a price ('rewriter', 'judge'). */
  unpriced: string[];
}

/** One test set's share of the work, with the target candidate's USD per call there (when it has a price). */
export interface PartSizes { optimisation: number; sealed: number; parentCalls: number; candidateUsdPerCall?: Range }

export interface EstimateInput {
  /** Per strategy: does it call the rewriter, and how many variants it may write. */
  strategies: readonly { usesRewriter: boolean; variants: number }[];
  testSets: readonly PartSizes[];
  /** Judge calls per output (one per judge model of every judge metric). */
  judgeCallsPerOutput: number;
  rewriterUsdPerCall?: Range;
  judgeUsdPerCall?: Range;
}

const times = (r: Range, k: Range): Range => ({ low: r.low * k.low, high: r.high * k.high });
const plus = (...rs: Range[]): Range => rs.reduce((a, r) => ({ low: a.low + r.low, high: a.high + r.high }), { low: 0, high: 0 });

/** The estimate: low when every rewrite reads on the first try and one variant reaches the sealed part; high when all do, with a retry each. */
export function estimateAdaptation(e: EstimateInput): AdaptationEstimate {
  const variants = e.strategies.reduce((n, s) => n + s.variants, 0);
  const rewrites = e.strategies.reduce((n, s) => n + (s.usesRewriter ? s.variants : 0), 0);
  const rewriterCalls = { low: rewrites, high: 2 * rewrites };
  const perSet = e.testSets.map((t) => ({ t, calls: { low: t.parentCalls + variants * t.optimisation + (variants ? t.sealed : 0), high: t.parentCalls + variants * (t.optimisation + t.sealed) } }));
  const candidateCalls = plus(...perSet.map((x) => x.calls));
  const judgeCalls = times(candidateCalls, { low: e.judgeCallsPerOutput, high: e.judgeCallsPerOutput });
  const unpriced = [...(rewrites && !e.rewriterUsdPerCall ? ['rewriter'] : []), ...(judgeCalls.high && !e.judgeUsdPerCall ? ['judge'] : [])];
  const priced = perSet.every((x) => x.t.candidateUsdPerCall || x.calls.high === 0);
  const usd = priced ? plus(...perSet.map((x) => times(x.calls, x.t.candidateUsdPerCall ?? { low: 0, high: 0 })),
    e.rewriterUsdPerCall ? times(rewriterCalls, e.rewriterUsdPerCall) : { low: 0, high: 0 }, e.judgeUsdPerCall ? times(judgeCalls, e.judgeUsdPerCall) : { low: 0, high: 0 }) : undefined;
  return { variants, parentCalls: e.testSets.reduce((n, t) => n + t.parentCalls, 0), rewriterCalls, candidateCalls, judgeCalls,
    calls: plus(rewriterCalls, candidateCalls, judgeCalls), ...(usd ? { usd } : {}), unpriced };
}

const usd = (x: number): string => `$${x.toFixed(x < 1 ? 4 : 2)}`;
const span = (r: Range, f: (x: number) => string = String): string => (r.low === r.high ? f(r.low) : `${f(r.low)}–${f(r.high)}`);

/** The estimate in one paragraph, for the confirmation. */
export function describeEstimate(e: AdaptationEstimate): string {
  const cost = e.usd ? `about ${span(e.usd, usd)}${e.unpriced.length ? ` (not counting the ${e.unpriced.join(' and ')} calls, which have no price)` : ''}`
    : 'no USD figure (the target candidate has no price)';
  return `at most ${e.variants} variant${e.variants === 1 ? '' : 's'}: ${span(e.calls)} model calls (${span(e.rewriterCalls)} rewriter, ${span(e.candidateCalls)} target-candidate of which `
    + `${e.parentCalls} for the parent, ${span(e.judgeCalls)} judge), ${cost}. Requests already answered come from the cache for free.`;
}


/**
 * The limits once an estimate was confirmed: without a call limit of its own, the adaptation may make no more new
 * calls than the estimate's upper end (what the user agreed to), on top of what earlier sessions spent.
 */
export function confirmedLimits(limits: BudgetLimits, spent: Spend, estimate: AdaptationEstimate): BudgetLimits {
  return { ...limits, maxCalls: limits.maxCalls ?? spent.calls + estimate.calls.high };
}

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
