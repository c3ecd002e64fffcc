// Step 6 of the framework: the cheapest set of surviving candidates that covers every required region and
// modality. Exact for up to 20 candidates (every subset is tried); greedy with pruning beyond that.

/** A candidate that may be selected: what it covers and what it costs. */
export interface CoverItem {
  id: string;
  /** Requirement keys it covers (e.g. `region:eu-central-1`). */
  covers: readonly string[];
  /** Cost per 1000 requests; undefined when the candidate has no price. */
  cost?: number;
  /** Tie-breaker: higher is better (e.g. the mean correctness difference). */
  quality?: number;
}

/** A covering set, ranked by `rankSets`. */
export interface CoverChoice {
  ids: string[];
  cost: number;
  unpriced: string[];
  covers: string[];
}

export interface CoverResult {
  best?: CoverChoice;
  runnersUp: CoverChoice[];
  /** Requirements no eligible candidate covers (the reason there is no selection). */
  uncovered: string[];
  /** True when the search was exhaustive. */
  exact: boolean;
}

/** Subsets are enumerated up to this many candidates (2^20 ≈ 1M masks). */
export const EXACT_LIMIT = 20;

interface Scored { ids: string[]; cost: number; unpriced: number; quality: number; size: number }

/**
 * Ranking of covering sets: fewer unpriced members first (a set we cannot price is not "cheap"), then lower
 * cost, then fewer members, then higher summed quality, then ids — so ties always resolve the same way.
 */
function better(a: Scored, b: Scored): boolean {
  if (a.unpriced !== b.unpriced) return a.unpriced < b.unpriced;
  if (Math.abs(a.cost - b.cost) > 1e-12) return a.cost < b.cost;
  if (a.size !== b.size) return a.size < b.size;
  if (Math.abs(a.quality - b.quality) > 1e-12) return a.quality > b.quality;
  return a.ids.join('\0') < b.ids.join('\0');
}

/**
 * The cheapest sets of `items` that cover every key of `required` (at least one member even when nothing is
 * required). Only irredundant sets are listed — dropping any member would lose coverage — so a runner-up is
 * a real alternative, not the winner plus a spare. Returns up to `keep` sets (best first).
 */
export function cheapestCover(items: readonly CoverItem[], required: readonly string[], keep = 4): CoverResult {
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const have = new Set(sorted.flatMap((i) => i.covers));
  const uncovered = required.filter((r) => !have.has(r));
  if (sorted.length === 0 || uncovered.length) return { runnersUp: [], uncovered, exact: true };
  const sets = sorted.length <= EXACT_LIMIT && required.length <= 30 ? exactSets(sorted, required, keep) : greedySets(sorted, required);
  const choices = sets.map((s): CoverChoice => {
    const members = s.ids.map((id) => sorted.find((i) => i.id === id)!);
    return { ids: s.ids, cost: s.cost, unpriced: members.filter((m) => m.cost === undefined).map((m) => m.id),
      covers: required.filter((r) => members.some((m) => m.covers.includes(r))) };
  });
  return { best: choices[0], runnersUp: choices.slice(1, keep), uncovered: [], exact: sorted.length <= EXACT_LIMIT && required.length <= 30 };
}

function score(items: readonly CoverItem[], ids: string[]): Scored {
  const members = ids.map((id) => items.find((i) => i.id === id)!);
  return { ids, size: ids.length, cost: members.reduce((s, m) => s + (m.cost ?? 0), 0), unpriced: members.filter((m) => m.cost === undefined).length,
    quality: members.reduce((s, m) => s + (m.quality ?? 0), 0) };
}

function exactSets(items: readonly CoverItem[], required: readonly string[], keep: number): Scored[] {
  const k = items.length;
  const bit = new Map(required.map((r, i) => [r, 1 << i]));
  const full = required.length === 30 ? 0x3fffffff : (1 << required.length) - 1;
  const itemMask = items.map((it) => it.covers.reduce((m, c) => m | (bit.get(c) ?? 0), 0));
  const count = 1 << k;
  // Coverage of every subset, built incrementally from the subset without its lowest member: O(2^k).
  const cover = new Int32Array(count);
  for (let mask = 1; mask < count; mask++) {
    const low = mask & -mask;
    cover[mask] = cover[mask ^ low]! | itemMask[31 - Math.clz32(low)]!;
  }
  const top: Scored[] = [];
  for (let mask = 1; mask < count; mask++) {
    if ((cover[mask]! & full) !== full) continue;
    // Irredundant: removing any member must break coverage (with nothing required, singletons only).
    let redundant = false;
    for (let m = mask; m && !redundant; m &= m - 1) {
      const low = m & -m;
      const rest = mask ^ low;
      if (rest !== 0 && (cover[rest]! & full) === full) redundant = true;
    }
    if (redundant) continue;
    const ids: string[] = [];
    for (let i = 0; i < k; i++) if (mask & (1 << i)) ids.push(items[i]!.id);
    insertTop(top, score(items, ids), keep);
  }
  return top;
}

function insertTop(top: Scored[], s: Scored, keep: number): void {
  let i = top.length;
  while (i > 0 && better(s, top[i - 1]!)) i--;
  if (i >= keep) return;
  top.splice(i, 0, s);
  if (top.length > keep) top.pop();
}

/**
 * Beyond the exact limit: greedy weighted set cover (cost per newly covered requirement; unpriced members
 * count as costly), then redundant members are dropped. Also offers each single candidate that covers
 * everything, so a cheap all-rounder is never missed.
 */
function greedySets(items: readonly CoverItem[], required: readonly string[]): Scored[] {
  const out: Scored[] = [];
  const costOf = (i: CoverItem): number => i.cost ?? 1e9;
  for (const i of items) if (required.every((r) => i.covers.includes(r))) out.push(score(items, [i.id]));
  const need = new Set(required);
  const chosen: CoverItem[] = [];
  if (need.size === 0) {
    const cheapest = [...items].sort((a, b) => costOf(a) - costOf(b))[0]!;
    chosen.push(cheapest);
  }
  while (need.size) {
    let pick: CoverItem | undefined;
    let ratio = Infinity;
    for (const i of items) {
      if (chosen.includes(i)) continue;
      const gain = i.covers.filter((c) => need.has(c)).length;
      if (gain && costOf(i) / gain < ratio) { ratio = costOf(i) / gain; pick = i; }
    }
    if (!pick) break;
    chosen.push(pick);
    for (const c of pick.covers) need.delete(c);
  }
  // Drop members whose requirements the others already cover, most expensive first.
  for (const m of [...chosen].sort((a, b) => costOf(b) - costOf(a))) {
    const rest = chosen.filter((x) => x !== m);
    if (rest.length && required.every((r) => rest.some((x) => x.covers.includes(r)))) chosen.splice(chosen.indexOf(m), 1);
  }
  out.push(score(items, chosen.map((c) => c.id).sort()));
  const unique = out.filter((s, i) => out.findIndex((t) => t.ids.join('\0') === s.ids.join('\0')) === i);
  return unique.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
}
