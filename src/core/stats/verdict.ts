// The four verdicts of METHOD §7 and how each is said in words.
import type { Diagnostic, DiagnosticCode, Summary, Verdict } from './types';

/** Diagnostics that, as errors, mean an assumption behind the number is known to fail. */
const ASSUMPTION_CODES: ReadonlySet<DiagnosticCode> = new Set(['uninformative-judge', 'judge-inverted', 'differential-judge', 'differential-bias']);

/** True when some diagnostic is an assumption error ("do not act on this number"). */
export function hasAssumptionError(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error' && ASSUMPTION_CODES.has(d.code));
}

/**
 * better: lower end > 0; non-inferior: lower end > -margin; worse: upper end < 0; inconclusive otherwise
 * or without an estimate; an assumption error makes any of these "do not act".
 */
export function verdictOf(difference: Summary | undefined, margin: number, assumptionError: boolean): Verdict {
  if (assumptionError) return 'do-not-act';
  if (!difference) return 'inconclusive';
  if (difference.lo > 0) return 'better';
  if (difference.lo > -margin) return 'non-inferior';
  if (difference.hi < 0) return 'worse';
  return 'inconclusive';
}

const pp = (x: number): string => `${Math.abs(100 * x).toFixed(Math.abs(x) < 0.01 ? 1 : 0)} pp`;

/** A difference interval in words: "between 12 pp worse and 9 pp better". */
export function rangeInWords(lo: number, hi: number): string {
  const side = (x: number): string => (x === 0 ? 'no different' : `${pp(x)} ${x < 0 ? 'worse' : 'better'}`);
  return `between ${side(lo)} and ${side(hi)}`;
}

/** Headline words of a verdict. */
export const VERDICT_WORDS: Record<Verdict, string> = {
  better: 'better',
  'non-inferior': 'non-inferior',
  worse: 'worse',
  inconclusive: 'inconclusive',
  'do-not-act': 'do not act on this number',
};

/**
 * One line a user reads first: the verdict, then the number in the form the verdict allows (no headline
 * point and no bare P(better) when inconclusive).
 */
export function verdictLine(verdict: Verdict, difference: Summary | undefined, margin: number, resolve?: string): string {
  if (!difference) return `inconclusive: no estimate${resolve ? `; ${resolve}` : ''}`;
  const interval = `[${signedPp(difference.lo)}, ${signedPp(difference.hi)}]`;
  switch (verdict) {
    case 'better': return `better: ${signedPp(difference.point)} ${interval}`;
    case 'non-inferior': return `non-inferior (within the ${pp(margin)} margin): ${signedPp(difference.point)} ${interval}`;
    case 'worse': return `worse: ${signedPp(difference.point)} ${interval}`;
    case 'do-not-act': return `do not act on this number: ${rangeInWords(difference.lo, difference.hi)}`;
    case 'inconclusive': return `inconclusive: ${rangeInWords(difference.lo, difference.hi)}${resolve ? `; ${resolve}` : ''}`;
  }
}

/** A signed difference in percentage points with one decimal ("+4.2 pp", "−3.0 pp"). */
export function signedPp(x: number): string {
  const v = (100 * x).toFixed(1);
  return `${x > 0 ? '+' : x < 0 && v !== '-0.0' ? '−' : ''}${v.replace('-', '')} pp`;
}
