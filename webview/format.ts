// Number formatting shared by the views.
export const pct = (x: number | undefined, digits = 1): string => (x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(digits)}%`);
/** A difference in percentage points with its sign. */
export const pp = (x: number | undefined, digits = 1): string => (x === undefined || !Number.isFinite(x) ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(digits)} pp`);
export const num = (x: number | undefined, digits = 0): string => (x === undefined || !Number.isFinite(x) ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
export const usd = (x: number | undefined): string => (x === undefined ? '—' : `$${x < 1 ? x.toFixed(4) : x.toFixed(2)}`);
export const prob = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(3));

/** An interval in words (METHOD §7, for inconclusive results): "between 12 pp worse and 9 pp better". */
export const rangeWords = (lo: number, hi: number): string => {
  const side = (x: number): string => (Math.abs(x) < 0.0005 ? 'no different' : `${Math.abs(100 * x).toFixed(Math.abs(x) < 0.01 ? 1 : 0)} pp ${x < 0 ? 'worse' : 'better'}`);
  return `between ${side(lo)} and ${side(hi)}`;
};
