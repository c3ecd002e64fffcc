import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { compareSystems, ESTIMATORS, estimateOne, stateMoments, statesFromPaired, type Confusion, type PairedTable } from '../../../src/core/stats';
import { ppiCompare, ppiOne } from '../../../src/core/stats/ppi';
import { newcombe, wilson } from '../../../src/core/stats/baselines';
import { near } from './calibration.test';

const C: Confusion = { tp: 45, fn: 5, fp: 6, tn: 14 };
const PAIRED: PairedTable = { n11: 120, n10: 10, n01: 30, n00: 40 };
const codes = (r: { diagnostics: { code: string }[] }): string[] => r.diagnostics.map((d) => d.code);

suite('stats: worked examples (METHOD §3-§4)', () => {
  test('paper, one system: 0.591 [0.528, 0.660]', () => {
    const r = estimateOne('paper', { confusion: C, judged: 150, n: 200 });
    near(r.estimate!.mean, 0.591, 3); near(r.estimate!.lo, 0.528, 3); near(r.estimate!.hi, 0.66, 3);
    assert.ok(codes(r).includes('paper-mode'));
  });

  test('paper, difference: 0.0595 [0.0271, 0.0958], P(better) 0.999', () => {
    const r = compareSystems('paper', { confusion: C, paired: PAIRED });
    near(r.difference!.mean, 0.0595, 4); near(r.difference!.lo, 0.0271, 4);
    // The exact 95th percentile is 0.09576 (S = 4e6), on the rounding edge; at S = 1e5 its MC error is 0.00015.
    assert.ok(Math.abs(r.difference!.hi - 0.0958) < 0.0006, `hi ${r.difference!.hi}`);
    near(r.pBetter!, 0.999, 3);
  });

  test('rogan-gladen, difference: ≈0.176 [0.083, 0.311], P(better) 0.999; delta 0.1667 [0.068, 0.265]', () => {
    const r = compareSystems('rogan-gladen', { confusion: C, paired: PAIRED });
    near(r.difference!.median, 0.176, 3); near(r.difference!.lo, 0.083, 3); near(r.difference!.hi, 0.311, 3);
    near(r.pBetter!, 0.999, 3);
    assert.equal(r.rejectedFraction, 0);
    assert.ok(r.crossCheck);
    near(r.crossCheck.estimate, 0.1667, 4); near(r.crossCheck.lo, 0.068, 3); near(r.crossCheck.hi, 0.265, 3);
    assert.ok(!codes(r).includes('delta-disagrees'));
  });

  test('the same seed gives the same result; another seed agrees within MC error', () => {
    const a = compareSystems('rogan-gladen', { confusion: C, paired: PAIRED }, { seed: 7, draws: 20_000 });
    const b = compareSystems('rogan-gladen', { confusion: C, paired: PAIRED }, { seed: 7, draws: 20_000 });
    const c = compareSystems('rogan-gladen', { confusion: C, paired: PAIRED }, { seed: 8, draws: 20_000 });
    assert.deepEqual(a, b);
    assert.ok(Math.abs(a.difference!.median - c.difference!.median) < 0.005);
  });
});

suite('stats: edge cases', () => {
  const both: Confusion = { tp: 40, fn: 4, fp: 5, tn: 30 };
  test('identical systems give difference 0 and P(better) 0.5 for every estimator', () => {
    for (const e of ESTIMATORS) {
      const r = compareSystems(e, { paired: { n11: 70, n10: 0, n01: 0, n00: 30 }, baselineLabels: both, candidateLabels: both }, { draws: 2000 });
      assert.equal(r.difference!.median, 0, e);
      assert.equal(r.pBetter, 0.5, e);
    }
  });

  test('n = 1 is finite and warns', () => {
    for (const e of ESTIMATORS) {
      const r = compareSystems(e, { paired: { n11: 0, n10: 0, n01: 1, n00: 0 }, baselineLabels: both, candidateLabels: both }, { draws: 2000 });
      for (const x of Object.values(r.difference!)) assert.ok(Number.isFinite(x), e);
      const one = estimateOne(e, { confusion: both, judged: 1, n: 1 }, { draws: 2000 });
      for (const x of Object.values(one.estimate!)) assert.ok(Number.isFinite(x), e);
    }
    assert.ok(codes(compareSystems('rogan-gladen', { confusion: both, paired: { n11: 0, n10: 0, n01: 1, n00: 0 } }, { draws: 500 })).includes('tiny-sample'));
  });

  test('n = 0 is an error diagnostic, not a crash', () => {
    const r = compareSystems('rogan-gladen', { confusion: both, paired: { n11: 0, n10: 0, n01: 0, n00: 0 } }, { draws: 500 });
    assert.ok(codes(r).includes('no-examples'));
  });

  test('TPR <= FPR or an uninformative judge: rogan-gladen gives no estimate, with the reason (v2)', () => {
    const inverted: Confusion = { tp: 10, fn: 30, fp: 30, tn: 10 };
    const r = compareSystems('rogan-gladen', { confusion: inverted, paired: PAIRED }, { draws: 2000 });
    assert.ok(codes(r).includes('uninformative-judge') && codes(r).includes('no-estimate'));
    assert.equal(r.difference, undefined);
    assert.equal(r.verdict, 'do-not-act');
    assert.equal(r.crossCheck, undefined);
    const weak: Confusion = { tp: 22, fn: 18, fp: 18, tn: 22 };
    const w = compareSystems('rogan-gladen', { confusion: weak, paired: PAIRED }, { draws: 5000 });
    assert.ok(codes(w).includes('uninformative-judge'));
    assert.equal(w.difference, undefined);
    assert.match(w.diagnostics.find((d) => d.code === 'no-estimate')!.message, /uninformative/);
  });

  test('no labels of a class: warnings, and no estimate rather than a number the calibration cannot support (v2)', () => {
    const r = compareSystems('rogan-gladen', { confusion: { tp: 40, fn: 5, fp: 0, tn: 0 }, paired: PAIRED }, { draws: 5000 });
    assert.ok(codes(r).includes('few-negatives'));
    assert.equal(r.difference, undefined);
    const some = compareSystems('rogan-gladen', { confusion: { tp: 40, fn: 5, fp: 1, tn: 4 }, paired: PAIRED }, { draws: 5000 });
    assert.ok(codes(some).includes('few-negatives'));
    assert.ok(Number.isFinite(some.difference!.hi) && some.difference!.hi <= 1 && some.difference!.lo >= -1);
  });

  test('ppi++ and human-only need both systems\' labels: no estimate, with the reason', () => {
    for (const e of ['ppi++', 'human-only'] as const) {
      const r = compareSystems(e, { confusion: C, paired: PAIRED });
      assert.equal(r.difference, undefined);
      assert.equal(r.verdict, 'inconclusive');
      assert.match(r.diagnostics.find((d) => d.code === 'no-estimate')!.message, /labelled outputs of both systems/);
    }
  });

  test('non-inferiority margin: pNotInferior grows with the margin', () => {
    const r0 = compareSystems('rogan-gladen', { confusion: C, paired: { n11: 120, n10: 22, n01: 18, n00: 40 } }, { draws: 20_000 });
    const r5 = compareSystems('rogan-gladen', { confusion: C, paired: { n11: 120, n10: 22, n01: 18, n00: 40 } }, { draws: 20_000, margin: 0.05 });
    assert.equal(r0.pNotInferior, r0.pBetter);
    assert.ok(r5.pNotInferior! > r0.pNotInferior!);
  });

  test('differential judge is detected when both systems have labels', () => {
    const r = compareSystems('rogan-gladen', { paired: PAIRED, baselineLabels: { tp: 40, fn: 4, fp: 3, tn: 37 }, candidateLabels: { tp: 40, fn: 4, fp: 20, tn: 20 } }, { draws: 2000 });
    assert.ok(codes(r).includes('differential-judge'));
    const ok = compareSystems('rogan-gladen', { paired: PAIRED, baselineLabels: { tp: 40, fn: 4, fp: 6, tn: 34 }, candidateLabels: { tp: 41, fn: 3, fp: 7, tn: 33 } }, { draws: 2000 });
    assert.ok(!codes(ok).some((c) => c.startsWith('differential')));
  });
});

suite('stats: closed-form estimators', () => {
  test('Wilson and Newcombe match Newcombe (1998)', () => {
    const w = wilson(81, 263, 0.95);
    near(w.lo, 0.2553, 4); near(w.hi, 0.3662, 4);
    // Newcombe 1998 (Stat Med 17:873), example (a): 56/70 - 48/80, method 10: 0.0524 to 0.3339.
    const d = newcombe(48, 80, 56, 70, 0.95);
    near(d.lo, 0.0524, 4); near(d.hi, 0.3339, 4);
  });

  test('naive: paired z-test on raw verdicts', () => {
    const r = compareSystems('naive', { confusion: C, paired: PAIRED });
    near(r.difference!.mean, 0.1, 9);
    const se = Math.sqrt((0.2 - 0.01) * 200 / 199 / 200);
    near(r.difference!.hi - r.difference!.mean, 1.6448536 * se, 6);
    assert.ok(codes(r).includes('uncalibrated'));
  });

  test('ppi++ from counts equals the per-example formulas', () => {
    const cell = fc.nat({ max: 40 });
    fc.assert(fc.property(fc.tuple(cell, cell, cell, cell), fc.tuple(cell, cell, cell, cell), fc.tuple(cell, cell, cell, cell), ([a1, a2, a3, a4], [b1, b2, b3, b4], [n11, n10, n01, n00]) => {
      const la = { tp: a1 + 1, fn: a2 + 1, fp: a3 + 1, tn: a4 + 1 };
      const lb = { tp: b1 + 1, fn: b2 + 1, fp: b3 + 1, tn: b4 + 1 };
      const t = { n11: n11 + 1, n10, n01, n00: n00 + 1 };
      const states = statesFromPaired(t);
      const fast = ppiCompare(la, lb, states, stateMoments(states));
      const slow = ppiSlow(la, lb, t);
      assert.ok(Math.abs(fast.estimate - slow.estimate) < 1e-9 && Math.abs(fast.se - slow.se) < 1e-9);
      const one = ppiOne(la, stateMoments(states).baseline);
      assert.ok(Math.abs(one.lambda - slow.lambdaA) < 1e-9);
    }), { numRuns: 200, seed: 42 });
  });
});

// ---- reference PPI++ over explicit arrays, straight from METHOD §5

function expand(c: Confusion): { y: number[]; f: number[] } {
  const y: number[] = [], f: number[] = [];
  const push = (k: number, yy: number, ff: number): void => { for (let i = 0; i < k; i++) { y.push(yy); f.push(ff); } };
  push(c.tp, 1, 1); push(c.fn, 1, 0); push(c.fp, 0, 1); push(c.tn, 0, 0);
  return { y, f };
}
const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;
const svar = (x: number[]): number => { const m = mean(x); return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1); };
function lambdaOf(lab: { y: number[]; f: number[] }, fAll: number[]): number {
  const my = mean(lab.y), mf = mean(lab.f);
  const cov = lab.y.reduce((a, y, i) => a + (y - my) * (lab.f[i] - mf), 0) / (lab.y.length - 1);
  // v2: the labelled outputs are among the n judged ones, so Var(f) is over the n verdicts.
  const v = svar(fAll);
  return v > 0 ? Math.min(1, Math.max(0, cov / ((1 + lab.y.length / fAll.length) * v))) : 0;
}
function ppiSlow(la: Confusion, lb: Confusion, t: PairedTable): { estimate: number; se: number; lambdaA: number } {
  const fA: number[] = [], fB: number[] = [];
  const push = (k: number, a: number, b: number): void => { for (let i = 0; i < k; i++) { fA.push(a); fB.push(b); } };
  push(t.n11, 1, 1); push(t.n10, 1, 0); push(t.n01, 0, 1); push(t.n00, 0, 0);
  const A = expand(la), B = expand(lb);
  const lA = lambdaOf(A, fA), lB = lambdaOf(B, fB);
  const d = fA.map((a, i) => lB * fB[i] - lA * a);
  const rA = A.y.map((y, i) => y - lA * A.f[i]);
  const rB = B.y.map((y, i) => y - lB * B.f[i]);
  return { estimate: mean(d) + mean(rB) - mean(rA), se: Math.sqrt(svar(d) / d.length + svar(rA) / rA.length + svar(rB) / rB.length), lambdaA: lA };
}
