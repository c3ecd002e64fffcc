import { strict as assert } from 'node:assert';
import { calibrate, pTprLeFpr } from '../../../src/core/stats';
import { betaCdf } from '../../../src/core/stats/jstat';

/** |actual - expected| within half a unit of the last stated digit (ties such as 0.8125 -> 0.812 allowed). */
export function near(actual: number, expected: number, digits: number, what = ''): void {
  const tol = 0.5 * 10 ** -digits + 1e-12;
  assert.ok(Math.abs(actual - expected) <= tol, `${what} ${actual} is not ${expected} to ${digits} digits`);
}

suite('stats: calibration (METHOD §2)', () => {
  test('worked example: TP=45, FN=5, FP=6, TN=14', () => {
    const c = calibrate({ tp: 45, fn: 5, fp: 6, tn: 14 });
    near(c.tpr.mean, 0.8846, 4); near(c.tpr.lo, 0.8048, 4); near(c.tpr.hi, 0.9475, 4);
    near(c.fpr.mean, 0.3182, 4); near(c.fpr.lo, 0.1682, 4); near(c.fpr.hi, 0.4874, 4);
    assert.equal(c.uninformative, false);
    assert.deepEqual(c.diagnostics.map((d) => d.code), ['few-negatives']);
  });

  test("reproduces the paper's Table 1 to 3 decimals", () => {
    // Confusion counts recovered from the published posteriors (basic: 40 positives; hotpot: 58 positives, 8 negatives).
    const rows: [string, [number, number], [number, number, number], [number, number], [number, number, number]][] = [
      ['basic ragas_correctness', [31, 40], [0.762, 0.648, 0.861], [10, 14], [0.688, 0.489, 0.858]],
      ['basic llm_correctness', [35, 40], [0.857, 0.761, 0.934], [8, 16], [0.5, 0.311, 0.689]],
      ['basic new_correctness', [37, 40], [0.905, 0.822, 0.966], [5, 14], [0.375, 0.191, 0.577]],
      ['basic faithfulness', [36, 40], [0.881, 0.79, 0.951], [11, 14], [0.75, 0.56, 0.903]],
      ['basic relevance', [33, 40], [0.81, 0.703, 0.899], [12, 14], [0.812, 0.637, 0.943]],
      ['hotpot ragas_correctness', [44, 58], [0.75, 0.654, 0.836], [1, 8], [0.2, 0.041, 0.429]],
      ['hotpot llm_correctness', [50, 58], [0.85, 0.769, 0.918], [2, 8], [0.3, 0.098, 0.55]],
      ['hotpot new_correctness', [52, 58], [0.883, 0.809, 0.943], [0, 8], [0.1, 0.006, 0.283]],
      ['hotpot faithfulness', [47, 58], [0.8, 0.71, 0.878], [8, 8], [0.9, 0.717, 0.994]],
      ['hotpot relevance', [39, 58], [0.667, 0.564, 0.763], [3, 8], [0.4, 0.169, 0.655]],
    ];
    for (const [name, [tp, pos], tpr, [fp, neg], fpr] of rows) {
      const c = calibrate({ tp, fn: pos - tp, fp, tn: neg - fp });
      [c.tpr.mean, c.tpr.lo, c.tpr.hi].forEach((x, i) => near(x, tpr[i], 3, `${name} TPR`));
      [c.fpr.mean, c.fpr.lo, c.fpr.hi].forEach((x, i) => near(x, fpr[i], 3, `${name} FPR`));
    }
    // The paper's weak metrics are exactly the ones the product marks uninformative.
    assert.equal(calibrate({ tp: 33, fn: 7, fp: 12, tn: 2 }).uninformative, true);
    assert.equal(calibrate({ tp: 47, fn: 11, fp: 8, tn: 0 }).uninformative, true);
    assert.equal(calibrate({ tp: 52, fn: 6, fp: 0, tn: 8 }).uninformative, false);
  });

  test('P(TPR <= FPR) matches numerical integration', () => {
    for (const c of [{ tp: 45, fn: 5, fp: 6, tn: 14 }, { tp: 10, fn: 8, fp: 7, tn: 9 }, { tp: 3, fn: 0, fp: 0, tn: 0 }, { tp: 0, fn: 4, fp: 5, tn: 1 }]) {
      // ∫ pdf_F(x) · P(T <= x) dx by the midpoint rule on the FPR density via cdf differences.
      const k = 4000;
      let p = 0;
      for (let i = 0; i < k; i++) {
        const x0 = i / k, x1 = (i + 1) / k;
        p += (betaCdf(x1, c.fp + 1, c.tn + 1) - betaCdf(x0, c.fp + 1, c.tn + 1)) * betaCdf((x0 + x1) / 2, c.tp + 1, c.fn + 1);
      }
      assert.ok(Math.abs(pTprLeFpr(c) - p) < 2e-4, `${JSON.stringify(c)}: ${pTprLeFpr(c)} vs ${p}`);
    }
  });

  test('no labels of a class: uniform posterior, warnings, still finite', () => {
    const c = calibrate({ tp: 0, fn: 0, fp: 3, tn: 20 });
    near(c.tpr.mean, 0.5, 9); near(c.tpr.lo, 0.05, 9); near(c.tpr.hi, 0.95, 9);
    assert.equal(c.uninformative, true);
    assert.deepEqual(c.diagnostics.map((d) => d.code), ['few-positives', 'few-negatives', 'uninformative-judge']);
  });

  test('rejects bad counts and levels', () => {
    assert.throws(() => calibrate({ tp: -1, fn: 0, fp: 0, tn: 0 }), RangeError);
    assert.throws(() => calibrate({ tp: 1.5, fn: 0, fp: 0, tn: 0 }), RangeError);
    assert.throws(() => calibrate({ tp: 1, fn: 0, fp: 0, tn: 0 }, 1), RangeError);
  });
});
