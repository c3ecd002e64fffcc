import { strict as assert } from 'node:assert';
import { Rng } from '../../../src/core/stats';
import { betaCdf } from '../../../src/core/stats/jstat';

/** Kolmogorov-Smirnov statistic of a sample against a cdf. */
function ks(sample: Float64Array, cdf: (x: number) => number): number {
  sample.sort();
  let d = 0;
  for (let i = 0; i < sample.length; i++) {
    const f = cdf(sample[i]);
    d = Math.max(d, (i + 1) / sample.length - f, f - i / sample.length);
  }
  return d;
}

suite('stats: samplers', () => {
  test('Beta draws pass a KS test against the exact cdf', () => {
    const rng = new Rng(2024);
    const n = 20_000;
    // KS critical value at alpha = 0.001 is 1.95/sqrt(n).
    const crit = 1.95 / Math.sqrt(n);
    for (const [a, b] of [[46, 6], [7, 15], [1, 1], [0.5, 0.5], [0.3, 2], [200, 3], [1, 31]]) {
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) x[i] = rng.beta(a, b);
      const d = ks(x, (v) => betaCdf(v, a, b));
      assert.ok(d < crit, `Beta(${a}, ${b}): KS D = ${d.toFixed(4)} >= ${crit.toFixed(4)}`);
    }
  });

  test('normal and gamma moments', () => {
    const rng = new Rng(3);
    const n = 200_000;
    let s = 0, s2 = 0, g = 0, g2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal(); s += z; s2 += z * z;
      const y = rng.gamma(2.5); g += y; g2 += y * y;
    }
    assert.ok(Math.abs(s / n) < 0.01 && Math.abs(s2 / n - 1) < 0.015);
    assert.ok(Math.abs(g / n - 2.5) < 0.02 && Math.abs(g2 / n - (g / n) ** 2 - 2.5) < 0.05);
  });

  test('binomial draws have the right mean and variance in both branches', () => {
    const rng = new Rng(11);
    for (const [n, p] of [[30, 0.1], [200, 0.3], [2000, 0.7], [5, 0.95]]) {
      const reps = 50_000;
      let s = 0, s2 = 0;
      for (let i = 0; i < reps; i++) { const x = rng.binomial(n, p); assert.ok(x >= 0 && x <= n); s += x; s2 += x * x; }
      const m = s / reps, v = s2 / reps - m * m;
      assert.ok(Math.abs(m - n * p) < 4 * Math.sqrt(n * p * (1 - p) / reps) + 1e-9, `mean Binom(${n}, ${p})`);
      assert.ok(Math.abs(v / (n * p * (1 - p)) - 1) < 0.05, `variance Binom(${n}, ${p})`);
    }
  });

  test('seeded: same seed, same stream; uniform stays inside (0, 1)', () => {
    const a = new Rng(5), b = new Rng(5), c = new Rng(6);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    assert.deepEqual(xs, Array.from({ length: 5 }, () => b.uniform()));
    assert.notDeepEqual(xs, Array.from({ length: 5 }, () => c.uniform()));
    const r = new Rng(0);
    for (let i = 0; i < 100_000; i++) { const u = r.uniform(); assert.ok(u > 0 && u < 1); }
  });
});
