// The paired state table of METHOD §1 (v2): every output is IDK ('i'), answered and judged correct ('1') or
// answered and judged incorrect ('0'), and a comparison of baseline A with candidate B on the same n questions
// is a 3 × 3 count table. Every estimator reduces to its O(1) moments below.
import type { PairedTable } from './types';

/** One output's state: answered and judged correct, answered and judged incorrect, or IDK. */
export type OutputState = '1' | '0' | 'i';

/** Counts by (baseline state, candidate state); the key's first character is the baseline's. */
export type StateTable = Record<`${OutputState}${OutputState}`, number>;

export const STATES: readonly OutputState[] = ['1', '0', 'i'];
export const STATE_CELLS = ['11', '10', '1i', '01', '00', '0i', 'i1', 'i0', 'ii'] as const satisfies readonly (keyof StateTable)[];

/** An empty state table. */
export function emptyStates(): StateTable {
  return { '11': 0, '10': 0, '1i': 0, '01': 0, '00': 0, '0i': 0, 'i1': 0, 'i0': 0, 'ii': 0 };
}

/** The state table of two systems without any IDK output (the v1 2 × 2 verdict table). */
export function statesFromPaired(t: PairedTable): StateTable {
  return { ...emptyStates(), '11': t.n11, '10': t.n10, '01': t.n01, '00': t.n00 };
}

/** The 2 × 2 verdict table with IDK counted as verdict 0 (the v1 table, used by `paper` and `naive`). */
export function verdictMargins(s: StateTable): PairedTable {
  return {
    n11: s['11'],
    n10: s['10'] + s['1i'],
    n01: s['01'] + s['i1'],
    n00: s['00'] + s['0i'] + s['i0'] + s['ii'],
  };
}

/** One system's counts: answered and judged correct, answered and judged incorrect, IDK. */
export interface SystemStates {
  correct: number;
  incorrect: number;
  idk: number;
}

/** Sufficient statistics of a state table (METHOD §4): x = judged correct, a = answered, per system. */
export interface StateMoments {
  n: number;
  /** IDK rates of baseline (A) and candidate (B). */
  rA: number;
  rB: number;
  /** Judged-correct rates over all n (IDK counted 0). */
  jA: number;
  jB: number;
  /** D = mean(x_B - x_A), E = mean(a_B - a_A). */
  D: number;
  E: number;
  /** Sample (co)variances (n - 1 denominators) of x_B - x_A and a_B - a_A. */
  Vxx: number;
  Cxa: number;
  Vaa: number;
  baseline: SystemStates;
  candidate: SystemStates;
}

const xOf = (s: string): number => (s === '1' ? 1 : 0);
const aOf = (s: string): number => (s === 'i' ? 0 : 1);

/** Total of a state table. */
export function statesTotal(s: StateTable): number {
  let n = 0;
  for (const k of STATE_CELLS) n += s[k];
  return n;
}

/** The moments of a state table, O(1); with n < 2 the variances take their largest possible values. */
export function stateMoments(s: StateTable): StateMoments {
  const n = statesTotal(s);
  const baseline: SystemStates = { correct: 0, incorrect: 0, idk: 0 };
  const candidate: SystemStates = { correct: 0, incorrect: 0, idk: 0 };
  let sx = 0, sa = 0, sxx = 0, sxa = 0, saa = 0;
  for (const k of STATE_CELLS) {
    const c = s[k];
    if (c === 0) continue;
    const dx = xOf(k[1]) - xOf(k[0]);
    const da = aOf(k[1]) - aOf(k[0]);
    sx += c * dx; sa += c * da; sxx += c * dx * dx; sxa += c * dx * da; saa += c * da * da;
    tally(baseline, k[0], c);
    tally(candidate, k[1], c);
  }
  if (n === 0) return { n, rA: 0, rB: 0, jA: 0, jB: 0, D: 0, E: 0, Vxx: 1, Cxa: 0, Vaa: 1, baseline, candidate };
  const D = sx / n;
  const E = sa / n;
  const cov = (sum: number, mu1: number, mu2: number): number => (n < 2 ? Number.NaN : ((sum / n - mu1 * mu2) * n) / (n - 1));
  const Vxx = n < 2 ? 1 : Math.max(0, cov(sxx, D, D));
  const Vaa = n < 2 ? 1 : Math.max(0, cov(saa, E, E));
  const Cxa = n < 2 ? 0 : cov(sxa, D, E);
  return { n, rA: baseline.idk / n, rB: candidate.idk / n, jA: baseline.correct / n, jB: candidate.correct / n, D, E, Vxx, Cxa, Vaa, baseline, candidate };
}

function tally(into: SystemStates, state: string, c: number): void {
  if (state === '1') into.correct += c;
  else if (state === '0') into.incorrect += c;
  else into.idk += c;
}

/** Sampling variance of w̄(F) = D - F·E times n: var_w(F) = V_xx - 2F·C_xa + F²·V_aa, never negative. */
export function varW(m: StateMoments, f: number): number {
  return Math.max(0, m.Vxx - 2 * f * m.Cxa + f * f * m.Vaa);
}

/**
 * The state table of two strings with one character per paired question ('1', '0' or 'i'), as the batch
 * input writes them; throws with the position of the first bad character.
 */
export function statesFromStrings(baseline: string, candidate: string): StateTable {
  if (baseline.length !== candidate.length) {
    throw new RangeError(`baseline has ${baseline.length} questions and candidate ${candidate.length}; they must be paired one to one`);
  }
  const s = emptyStates();
  for (let i = 0; i < baseline.length; i++) {
    const a = baseline[i];
    const b = candidate[i];
    if (!isState(a)) throw new RangeError(`baseline[${i}] is '${a}'; use 1 (judged correct), 0 (judged incorrect) or i (IDK)`);
    if (!isState(b)) throw new RangeError(`candidate[${i}] is '${b}'; use 1 (judged correct), 0 (judged incorrect) or i (IDK)`);
    s[`${a}${b}`]++;
  }
  return s;
}

export function isState(c: string | undefined): c is OutputState {
  return c === '1' || c === '0' || c === 'i';
}
