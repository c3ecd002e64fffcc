// jstat ships no types: declare only what src/core/stats/jstat.ts calls. (Not named jstat.d.ts: that name would
// shadow jstat.ts.)
declare module 'jstat' {
  export const jStat: {
    beta: { inv(p: number, a: number, b: number): number; cdf(x: number, a: number, b: number): number };
    normal: { inv(p: number, mean: number, sd: number): number; cdf(x: number, mean: number, sd: number): number };
    gammaln(x: number): number;
    betaln(a: number, b: number): number;
  };
}
