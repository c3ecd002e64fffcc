// The optimisation/sealed split of a test set. The rewriter may learn from the optimisation part; the sealed
// part only ever decides whether a variant is accepted. The split is seeded and stratified by the parent's
// verdict and IDK flag (so both parts see the same mix of right, wrong and refused answers), stored with
// the adaptation and reused as is on resume.
import { createHash } from 'node:crypto';

/** What the split needs to know about one example: the parent prompt's result on the target candidate. */
export interface SplitRow {
  id: string;
  /** The primary metric's verdict on the parent's output (undefined/null: none). */
  verdict?: 0 | 1 | null;
  idk: boolean;
}

export interface TestSetSplit {
  testSetId: string;
  seed: string;
  /** Share of the examples in the sealed part. */
  sealFraction: number;
  /** The project marks the whole test set as sealed: nothing of it is ever optimised on. */
  wholeSealed: boolean;
  optimisation: string[];
  sealed: string[];
}

export interface SplitOptions { seed: string; sealFraction: number; wholeSealed?: boolean }

/** The default share of each test set kept sealed from the rewriter. */
export const DEFAULT_SEAL = 0.5;

const rank = (seed: string, testSetId: string, id: string): string =>
  createHash('sha256').update(`${seed}\0${testSetId}\0${id}`).digest('hex');

const stratumOf = (r: SplitRow): string => `${r.verdict === 0 || r.verdict === 1 ? r.verdict : 'none'}|${r.idk ? 'idk' : 'answer'}`;

/**
 * Splits the rows deterministically: within each stratum the rows are ordered by a hash of (seed, test set,
 * id) and the first ones are sealed. The sealed total is round(n × sealFraction) and each stratum gets its
 * share to within one example. Duplicate ids count once (their first row).
 */
export function splitTestSet(testSetId: string, rows: readonly SplitRow[], opts: SplitOptions): TestSetSplit {
  if (!(opts.sealFraction > 0 && opts.sealFraction < 1)) throw new RangeError(`the sealed share must be between 0 and 1 (exclusive), not ${opts.sealFraction}`);
  const base = { testSetId, seed: opts.seed, sealFraction: opts.sealFraction, wholeSealed: opts.wholeSealed === true };
  const seen = new Set<string>();
  const unique = rows.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
  if (opts.wholeSealed) return { ...base, optimisation: [], sealed: unique.map((r) => r.id).sort() };
  const strata = new Map<string, string[]>();
  for (const r of unique) {
    const key = stratumOf(r);
    strata.set(key, [...(strata.get(key) ?? []), r.id]);
  }
  const sealed: string[] = [];
  const optimisation: string[] = [];
  let seenSoFar = 0;
  for (const key of [...strata.keys()].sort()) {
    const ids = strata.get(key)!.sort((a, b) => (rank(opts.seed, testSetId, a) < rank(opts.seed, testSetId, b) ? -1 : 1));
    // Cumulative rounding: the running total of sealed rows tracks round(rows so far × share).
    const target = Math.round((seenSoFar + ids.length) * opts.sealFraction) - sealed.length;
    seenSoFar += ids.length;
    sealed.push(...ids.slice(0, target));
    optimisation.push(...ids.slice(target));
  }
  return { ...base, optimisation: optimisation.sort(), sealed: sealed.sort() };
}

/**
 * The stored split applied to the examples the test set has now: examples added since the split was made are
 * sealed (the rewriter never saw them, so they can only judge), and removed ones drop out.
 */
export function reuseSplit(stored: TestSetSplit, currentIds: Iterable<string>): TestSetSplit {
  const opt = new Set(stored.optimisation);
  const optimisation: string[] = [];
  const sealed: string[] = [];
  for (const id of new Set(currentIds)) (opt.has(id) ? optimisation : sealed).push(id);
  return { ...stored, optimisation: optimisation.sort(), sealed: sealed.sort() };
}
