// Number formatting shared by the views.
export const pct = (x: number | undefined, digits = 1): string => (x === undefined || !Number.isFinite(x) ? '—' : `${(100 * x).toFixed(digits)}%`);
/** A difference in percentage points with its sign. */
export const pp = (x: number | undefined, digits = 1): string => (x === undefined || !Number.isFinite(x) ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(digits)} pp`);
export const num = (x: number | undefined, digits = 0): string => (x === undefined || !Number.isFinite(x) ? '—' : x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
export const usd = (x: number | undefined): string => (x === undefined ? '—' : `$${x < 1 ? x.toFixed(4) : x.toFixed(2)}`);
export const prob = (x: number | undefined): string => (x === undefined ? '—' : x.toFixed(3));
