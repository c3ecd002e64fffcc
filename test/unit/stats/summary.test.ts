import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { quantileSorted, summarizeDraws } from '../../../src/core/stats/summary';

suite('stats: draw summaries', () => {
  test('selection-based quantiles equal sorted type-7 quantiles', () => {
    const value = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: 0, max: 3 }));
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), fc.constantFrom(0.5, 0.8, 0.9, 0.95, 0.99), (xs, level) => {
      const sorted = Float64Array.from(xs).sort();
      const s = summarizeDraws(Float64Array.from(xs), level);
      const tail = (1 - level) / 2;
      assert.equal(s.lo, quantileSorted(sorted, tail));
      assert.equal(s.median, quantileSorted(sorted, 0.5));
      assert.equal(s.hi, quantileSorted(sorted, 1 - tail));
    }), { numRuns: 300, seed: 7 });
  });
});
