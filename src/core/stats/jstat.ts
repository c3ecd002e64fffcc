// The only module that imports jstat: exact distribution functions for the stats engine.
import { jStat } from 'jstat';

/** Quantile of Beta(a, b) at probability p (exact, not Monte Carlo). */
export function betaInv(p: number, a: number, b: number): number {
  return jStat.beta.inv(p, a, b);
}

/** P(X <= x) for X ~ Beta(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  return jStat.beta.cdf(x, a, b);
}

/** Standard normal quantile. */
export function normalInv(p: number): number {
  return jStat.normal.inv(p, 0, 1);
}

/** Standard normal cumulative distribution function. */
export function normalCdf(x: number): number {
  return jStat.normal.cdf(x, 0, 1);
}

/** log Γ(x). */
export function gammaLn(x: number): number {
  return jStat.gammaln(x);
}

/** log B(a, b). */
export function betaLn(a: number, b: number): number {
  return jStat.betaln(a, b);
}
