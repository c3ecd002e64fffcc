// The last check before a comparison is shown: every rate lies in [0, 1] and every difference in [−1, 1].
// A figure outside is a bug somewhere upstream (an estimator, a count); it is removed with an error note
// rather than shown as a number a reader could act on, and `compare` exits 1.
import type { ComparisonReport, Interval, Note, SystemRow } from '../../protocol/comparison';

export const IMPOSSIBLE_NUMBER = 'impossible-number';

const within = (x: number | undefined, lo: number, hi: number): boolean => x === undefined || (Number.isFinite(x) && x >= lo - 1e-9 && x <= hi + 1e-9);
const intervalWithin = (i: Interval | undefined, lo: number, hi: number): boolean =>
  !i || (within(i.mean, lo, hi) && within(i.median, lo, hi) && within(i.lo, lo, hi) && within(i.hi, lo, hi));
const show = (i: Interval): string => `${i.mean} [${i.lo}, ${i.hi}]`;

function impossible(row: SystemRow, what: string, value: string, range: string): Note {
  return { code: IMPOSSIBLE_NUMBER, severity: 'error',
    message: `Internal error: the ${what} of ${row.systemId} came out as ${value}, outside ${range}; it is not shown. Please report this bug.` };
}

/** Removes impossible figures from every row (with an error note each); returns how many were removed. */
export function removeImpossibleNumbers(report: ComparisonReport): number {
  let removed = 0;
  for (const ts of report.testSets) {
    for (const row of [...ts.rows, ...ts.variants]) {
      if (!intervalWithin(row.difference, -1, 1)) {
        row.notes.push(impossible(row, 'difference with the baseline', show(row.difference!), '[−1, 1]'));
        delete row.difference; delete row.pBetter; delete row.pNotInferior; delete row.nonInferior; delete row.pHolm;
        removed++;
      }
      if (!intervalWithin(row.idkDifference, -1, 1)) { row.notes.push(impossible(row, 'IDK-rate difference', show(row.idkDifference!), '[−1, 1]')); delete row.idkDifference; removed++; }
      if (!intervalWithin(row.estimate, 0, 1)) { row.notes.push(impossible(row, 'calibrated correctness', show(row.estimate!), '[0, 1]')); delete row.estimate; removed++; }
      if (!within(row.judgedRate, 0, 1)) { row.notes.push(impossible(row, 'judged rate', String(row.judgedRate), '[0, 1]')); delete row.judgedRate; removed++; }
    }
  }
  return removed;
}

/** Whether a report carries a removed impossible figure. */
export const hasImpossibleNumbers = (report: ComparisonReport): boolean =>
  report.testSets.some((ts) => [...ts.rows, ...ts.variants].some((r) => r.notes.some((n) => n.code === IMPOSSIBLE_NUMBER)));
