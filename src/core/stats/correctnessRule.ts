// Decision rule (METHOD.md §7): non-inferiority on the lower end of the interval, with Holm's correction
// across candidates.
import { holm } from './diagnostics';
import type { CompareResult } from './types';

/** One candidate's correctness decision. */
export interface CorrectnessDecision {
  id: string;
  pass: boolean;
  /** Lower end of the difference interval. */
  lo: number;
  margin: number;
  /** One-sided p-value of "difference <= -margin": 1 - pNotInferior. */
  p: number;
  /** Holm-adjusted p (equal to p for a single candidate). */
  pAdjusted: number;
}

/** Decisions for all candidates plus the sentence the report must carry about the correction. */
export interface CorrectnessDecisions {
  decisions: CorrectnessDecision[];
  holmApplied: boolean;
  note: string;
}

/**
 * A candidate passes when the lower end of its difference interval exceeds -margin (margin 0 is the paper's
 * superiority rule). With several candidates the one-sided tests at (1 - level)/2 are Holm-adjusted.
 */
export function decideCorrectness(candidates: readonly { id: string; result: CompareResult }[]): CorrectnessDecisions {
  const ps = candidates.map((c) => Math.min(1, Math.max(0, 1 - (c.result.pNotInferior ?? 0))));
  const adjusted = holm(ps);
  const holmApplied = candidates.length > 1;
  const decisions = candidates.map((c, i) => {
    const alpha = (1 - c.result.level) / 2;
    const lo = c.result.difference?.lo ?? -1;
    const intervalPass = lo > -c.result.margin && c.result.verdict !== 'do-not-act';
    return { id: c.id, lo, margin: c.result.margin, p: ps[i], pAdjusted: adjusted[i],
      pass: holmApplied ? intervalPass && adjusted[i] < alpha : intervalPass };
  });
  const note = holmApplied
    ? `Holm's correction was applied to the one-sided tests of ${candidates.length} candidates.`
    : 'Single candidate: no multiplicity correction needed.';
  return { decisions, holmApplied, note };
}
