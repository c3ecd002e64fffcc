// The Pareto front of prompts over what adaptation trades off, measured on the optimisation part:
// calibrated correctness (higher is better), the IDK rate, the bad-style rate and the prompt's length
// (lower is better). A prompt stays on the front unless another is at least as good on all four and
// strictly better on one; equal prompts all stay.

export interface Objectives {
  /** Calibrated correctness on the optimisation part (share of examples, 0–1). */
  correctness: number;
  idkRate: number;
  badStyleRate: number;
  /** Characters of the prompt's messages: a proxy for input cost. */
  promptChars: number;
}

/** True when `a` is at least as good as `b` everywhere and better somewhere. */
export function dominates(a: Objectives, b: Objectives): boolean {
  const noWorse = a.correctness >= b.correctness && a.idkRate <= b.idkRate && a.badStyleRate <= b.badStyleRate && a.promptChars <= b.promptChars;
  const better = a.correctness > b.correctness || a.idkRate < b.idkRate || a.badStyleRate < b.badStyleRate || a.promptChars < b.promptChars;
  return noWorse && better;
}

/** The members of `points` no other member dominates, in their original order. */
export function paretoFront<T extends { objectives: Objectives }>(points: readonly T[]): T[] {
  return points.filter((p) => !points.some((q) => q !== p && dominates(q.objectives, p.objectives)));
}
