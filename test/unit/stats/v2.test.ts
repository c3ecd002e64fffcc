import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import {
  chooseForPair, compareSystems, ESTIMATOR_CHOICES, estimateOne, rangeInWords, stateMoments, statesFromPaired, statesFromStrings, verdictOf,
  type Confusion, type StateTable,
} from '../../../src/core/stats';
import { moverDifference, newcombe, wilson } from '../../../src/core/stats/baselines';
import { runBatchLine } from '../../../src/core/stats/batch';
import { ppiCompare } from '../../../src/core/stats/ppi';
import { rgCompareDelta } from '../../../src/core/stats/roganGladen';
import { emptyStates } from '../../../src/core/stats/stateTable';
import { near } from './calibration.test';

// 100 paired questions: the baseline answers everything, the candidate refuses 30 (IDK).
// (A, B) states: 11 ×40, 10 ×10, 1i ×10, 01 ×10, 00 ×10, 0i ×20.
const IDK_TABLE: StateTable = { ...emptyStates(), '11': 40, '10': 10, '1i': 10, '01': 10, '00': 10, '0i': 20 };
const CAL: Confusion = { tp: 90, fn: 10, fp: 20, tn: 80 }; // T̂ = 0.9, F̂ = 0.2

suite('stats v2: the paired state table (METHOD §1)', () => {
  test('moments by hand', () => {
    const m = stateMoments(IDK_TABLE);
    assert.equal(m.n, 100);
    assert.deepEqual([m.rA, m.rB, m.jA, m.jB], [0, 0.3, 0.6, 0.5]);
    near(m.D, -0.1, 12); near(m.E, -0.3, 12);
    near(m.Vxx, 0.29 * 100 / 99, 12); // Σdx² = 30
    near(m.Vaa, 0.21 * 100 / 99, 12); // Σda² = 30
    near(m.Cxa, 0.07 * 100 / 99, 12); // Σdx·da = 10 (the 1i cell)
    assert.deepEqual(m.candidate, { correct: 50, incorrect: 20, idk: 30 });
  });

  test('strings: one character per question, errors say where', () => {
    const s = statesFromStrings('10i1', '0i11');
    assert.deepEqual([s['10'], s['0i'], s['i1'], s['11']], [1, 1, 1, 1]);
    assert.throws(() => statesFromStrings('10x', '101'), /baseline\[2\] is 'x'/);
    assert.throws(() => statesFromStrings('10', '101'), /paired one to one/);
  });
});

suite('stats v2: IDK-aware rogan-gladen (METHOD §4)', () => {
  test('point and delta-method interval by hand: Δ = (D - F·E)/(T - F)', () => {
    // θ_A = (0.6 - 0.2)/0.7, θ_B = (0.5 - 0.7·0.2)/0.7, Δ = -0.04/0.7.
    const d = rgCompareDelta(CAL, stateMoments(IDK_TABLE), 0.9)!;
    near(d.estimate, -0.04 / 0.7, 12);
    // var_w(0.2) = 0.292929 - 2·0.2·0.070707 + 0.04·0.212121; Var = [var_w/n + Δ²·T(1-T)/100 + (Δ - E)²·F(1-F)/100]/0.49.
    near(d.lo, -0.182115, 5); near(d.hi, 0.067829, 5);
    const r = compareSystems('rogan-gladen', { confusion: CAL, states: IDK_TABLE }, { draws: 50_000 });
    assert.ok(Math.abs(r.difference!.median + 0.0571) < 0.01, `median ${r.difference!.median}`);
    assert.equal(r.difference!.point, r.difference!.median);
    assert.deepEqual(r.idkRates, { baseline: 0, candidate: 0.3 });
  });

  test('one system: θ = (j - (1 - r)·F)/(T - F), clipped to [0, 1 - r]', () => {
    const r = estimateOne('rogan-gladen', { confusion: CAL, judged: 50, n: 100, idk: 30 }, { draws: 50_000 });
    assert.ok(Math.abs(r.estimate!.median - 0.36 / 0.7) < 0.01, `median ${r.estimate!.median}`);
    assert.ok(r.estimate!.hi <= 0.7);
    assert.equal(r.crossCheck!.estimate.toFixed(6), (0.36 / 0.7).toFixed(6));
  });

  test('no IDK anywhere: the state table gives exactly the v1 results', () => {
    const paired = { n11: 120, n10: 10, n01: 30, n00: 40 };
    const C = { tp: 45, fn: 5, fp: 6, tn: 14 };
    for (const e of ['rogan-gladen', 'paper', 'naive'] as const) {
      const a = compareSystems(e, { confusion: C, paired }, { draws: 20_000 });
      const b = compareSystems(e, { confusion: C, states: statesFromPaired(paired) }, { draws: 20_000 });
      assert.deepEqual(a.difference, b.difference, e);
    }
    near(rgCompareDelta(C, stateMoments(statesFromPaired(paired)), 0.9)!.estimate, 0.1667, 4);
  });

  test('labels among the judged: balanced labels leave the estimate alone, labels on one system shift its centre', () => {
    const base = { states: IDK_TABLE, confusion: CAL };
    const balanced = compareSystems('rogan-gladen', { ...base, baselineLabels: { tp: 10, fn: 1, fp: 2, tn: 8 }, candidateLabels: { tp: 10, fn: 1, fp: 2, tn: 8 } }, { draws: 20_000 });
    const none = compareSystems('rogan-gladen', base, { draws: 20_000 });
    assert.equal(balanced.difference!.median.toFixed(6), none.difference!.median.toFixed(6));
    const oneSided = compareSystems('rogan-gladen', { ...base, baselineLabels: { tp: 20, fn: 2, fp: 4, tn: 16 } }, { draws: 20_000 });
    assert.notEqual(oneSided.difference!.median.toFixed(4), none.difference!.median.toFixed(4));
  });

  test('an uninformative calibration gives no estimate with the reason, never a number outside [-1, 1]', () => {
    const r = compareSystems('rogan-gladen', { confusion: { tp: 1, fn: 1, fp: 1, tn: 1 }, states: IDK_TABLE });
    assert.equal(r.difference, undefined);
    assert.equal(r.verdict, 'do-not-act');
    assert.match(r.diagnostics.find((d) => d.code === 'no-estimate')!.message, /uninformative/);
  });
});

suite('stats v2: ppi++ and human-only with IDK (METHOD §5, §6)', () => {
  test('ppi++ from counts equals the per-example IDK-aware formulas', () => {
    const la: Confusion = { tp: 30, fn: 5, fp: 6, tn: 19 };
    const lb: Confusion = { tp: 25, fn: 4, fp: 5, tn: 8 };
    const fast = ppiCompare(la, lb, IDK_TABLE, stateMoments(IDK_TABLE));
    const slow = ppiReference(la, lb, IDK_TABLE);
    near(fast.estimate, slow.estimate, 12);
    near(fast.se, slow.se, 12);
  });

  test('human-only: MOVER with Wilson limits scaled by the answered share; without IDK it is Newcombe', () => {
    const n = newcombe(48, 80, 56, 70, 0.95);
    const m = moverDifference({ correct: 48, labelled: 80, answeredShare: 1 }, { correct: 56, labelled: 70, answeredShare: 1 }, 0.95);
    near(m.lo, n.lo, 12); near(m.hi, n.hi, 12);
    near(m.lo, 0.0524, 4); near(m.hi, 0.3339, 4);
    const idk = moverDifference({ correct: 48, labelled: 80, answeredShare: 1 }, { correct: 56, labelled: 70, answeredShare: 0.5 }, 0.95);
    near(idk.estimate, 0.5 * 0.8 - 0.6, 12);
    assert.ok(idk.hi - idk.lo < m.hi - m.lo, 'scaling by 1 - r narrows the candidate side');
  });

  test('human-only at 90%, computed by hand: Wilson limits, MOVER, answered shares (METHOD §6)', () => {
    // z = 1.644854. Baseline 20/30: centre (2/3 + z²/60)/(1 + z²/30) = 0.652879, half 0.136284 → [0.516595, 0.789163].
    // Candidate 25/30 → [0.695080, 0.916438]. MOVER (as statsmodels' "newcomb"): 1/6 ∓ hypot(...) → [-0.018048, 0.338212].
    const a = { correct: 20, labelled: 30, answeredShare: 1 };
    const b = { correct: 25, labelled: 30, answeredShare: 1 };
    const w = wilson(20, 30, 0.9);
    near(w.lo, 0.516595, 6); near(w.hi, 0.789163, 6);
    const m = moverDifference(a, b, 0.9);
    near(m.estimate, 1 / 6, 12); near(m.lo, -0.018048, 6); near(m.hi, 0.338212, 6);
    // Answered shares 0.8 and 0.9: 0.9·5/6 - 0.8·2/3 = 0.216667, limits scaled side by side → [0.058281, 0.358116].
    const idk = moverDifference({ ...a, answeredShare: 0.8 }, { ...b, answeredShare: 0.9 }, 0.9);
    near(idk.estimate, 0.216667, 6); near(idk.lo, 0.058281, 6); near(idk.hi, 0.358116, 6);
  });
});

/** Exact coverage of the human-only difference interval at true answered accuracies tA, tB (every count pair enumerated). */
function moverCoverage(tA: number, tB: number, mA: number, mB: number, shareA: number, shareB: number, level: number): number {
  // In logs: (1 - t)^m underflows at t = 0.99, m = 200.
  const pmf = (t: number, m: number): number[] => {
    let logChoose = 0;
    return Array.from({ length: m + 1 }, (_, k) => {
      if (k > 0) logChoose += Math.log((m - k + 1) / k);
      return Math.exp(logChoose + k * Math.log(t) + (m - k) * Math.log1p(-t));
    });
  };
  const [wA, wB] = [pmf(tA, mA), pmf(tB, mB)];
  const truth = shareB * tB - shareA * tA;
  let covered = 0;
  for (let xA = 0; xA <= mA; xA++) {
    for (let xB = 0; xB <= mB; xB++) {
      const d = moverDifference({ correct: xA, labelled: mA, answeredShare: shareA }, { correct: xB, labelled: mB, answeredShare: shareB }, level);
      if (d.lo <= truth + 1e-12 && truth - 1e-12 <= d.hi) covered += wA[xA]! * wB[xB]!;
    }
  }
  return covered;
}

suite('stats v2: the human-only interval\'s coverage, enumerated exactly (README › Statistics)', () => {
  test('MOVER-Wilson: over 0.96 only where both systems are near 95 %, and never under 0.875 where Jeffreys limits would be', () => {
    // Values from an independent scipy enumeration (Wilson limits, MOVER, exact binomial sums). 30 labels each at 95 % vs 95 % / 97 %:
    // Wilson's overcoverage behind the two high-accuracy regimes above 0.96 (Jeffreys limits: 0.908, 0.922).
    near(moverCoverage(0.95, 0.95, 30, 30, 1, 1, 0.9), 0.9629960149587352, 9);
    near(moverCoverage(0.95, 0.97, 30, 30, 1, 1, 0.9), 0.9608137646796279, 9);
    // Where Jeffreys limits would undercover (0.868 and 0.861), Wilson stays inside the band or above it.
    near(moverCoverage(0.95, 0.99, 40, 200, 1, 1, 0.9), 0.9381406401698139, 9);
    near(moverCoverage(0.95, 0.99, 40, 100, 0.7, 1, 0.9), 0.9662626489631181, 9);
    // Mid-range accuracy: near nominal.
    near(moverCoverage(0.7, 0.7, 30, 30, 1, 1, 0.9), 0.8997895527089835, 9);
    near(moverCoverage(0.9, 0.9, 30, 30, 1, 1, 0.9), 0.9048977858762952, 9);
  });
});

suite('stats v2: auto (METHOD §5b) and the verdicts (§7)', () => {
  const many: Confusion = { tp: 40, fn: 6, fp: 5, tn: 12 }; // 63 labels, 46/17 per class
  const some: Confusion = { tp: 25, fn: 3, fp: 3, tn: 9 }; // 40 labels
  test('auto picks by the labels: ppi++, rogan-gladen, human-only, or labels needed', () => {
    assert.equal(chooseForPair({ tp: 80, fn: 12, fp: 10, tn: 24 }, many, many).estimator, 'ppi++');
    const rg = chooseForPair({ tp: 60, fn: 5, fp: 10, tn: 25 }, some, undefined);
    assert.equal(rg.estimator, 'rogan-gladen');
    assert.match(rg.reason, /only the baseline has labels/);
    assert.equal(chooseForPair({ tp: 50, fn: 6, fp: 6, tn: 18 }, some, some).estimator, 'human-only');
    const none = chooseForPair({ tp: 20, fn: 2, fp: 2, tn: 5 }, { tp: 20, fn: 2, fp: 2, tn: 5 }, undefined);
    assert.equal(none.estimator, 'none');
    assert.match(none.reason, /labels needed/);
    // An informative-looking count that is really a coin flip is not calibrated.
    assert.notEqual(chooseForPair({ tp: 35, fn: 30, fp: 31, tn: 34 }, undefined, undefined).estimator, 'rogan-gladen');
  });

  test('auto is the default in compareSystems and says why; ppi++ shows rogan-gladen beside it', () => {
    const r = compareSystems('auto', { states: IDK_TABLE, baselineLabels: many, candidateLabels: many }, { draws: 5000 });
    assert.equal(r.requested, 'auto');
    assert.equal(r.estimator, 'ppi++');
    assert.match(r.reason, /both systems have their own labels/);
    assert.deepEqual(r.beside.map((b) => b.estimator), ['rogan-gladen', 'human-only', 'naive']);
    assert.match(r.beside[0]!.note, /errs equally on both/);
    const none = compareSystems('auto', { states: IDK_TABLE });
    assert.equal(none.estimator, 'none');
    assert.equal(none.verdict, 'inconclusive');
    assert.equal(none.difference, undefined);
  });

  test('four verdicts from the interval; an assumption error overrides them', () => {
    const s = (lo: number, hi: number) => ({ point: (lo + hi) / 2, mean: 0, median: 0, lo, hi });
    assert.equal(verdictOf(s(0.01, 0.2), 0.05, false), 'better');
    assert.equal(verdictOf(s(-0.03, 0.1), 0.05, false), 'non-inferior');
    assert.equal(verdictOf(s(-0.2, -0.06), 0.05, false), 'worse');
    assert.equal(verdictOf(s(-0.12, 0.09), 0.05, false), 'inconclusive');
    assert.equal(verdictOf(undefined, 0.05, false), 'inconclusive');
    assert.equal(verdictOf(s(0.01, 0.2), 0.05, true), 'do-not-act');
    assert.equal(rangeInWords(-0.12, 0.09), 'between 12 pp worse and 9 pp better');
  });

  test('no estimator returns a difference outside [-1, 1] or a point outside its interval', () => {
    const cell = fc.nat({ max: 30 });
    const conf = fc.record({ tp: cell, fn: cell, fp: cell, tn: cell });
    const table = fc.array(fc.nat({ max: 40 }), { minLength: 9, maxLength: 9 }).map((v) => {
      const s = emptyStates();
      (['11', '10', '1i', '01', '00', '0i', 'i1', 'i0', 'ii'] as const).forEach((k, i) => { s[k] = v[i]!; });
      return s;
    });
    fc.assert(fc.property(table, conf, conf, fc.constantFrom(...ESTIMATOR_CHOICES), (states, a, b, e) => {
      const r = compareSystems(e, { states, baselineLabels: a, candidateLabels: b }, { draws: 300 });
      if (!r.difference) return;
      const d = r.difference;
      assert.ok(d.lo >= -1 && d.hi <= 1 && d.lo <= d.point && d.point <= d.hi, `${e}: ${JSON.stringify(d)}`);
    }), { numRuns: 300, seed: 7 });
  });
});

suite('stats v2: batch lines (`stats compare --batch`)', () => {
  test('a dataset line gives the documented fields; labels on IDK outputs are counted and ignored', () => {
    const line = JSON.stringify({ id: 'x', baseline: '1101i', candidate: '11i10', labels: [['baseline', 0, 1], ['candidate', 2, 0], ['baseline', 4, 0]] });
    const r = runBatchLine(line, 1, 'auto', { draws: 500 });
    assert.ok(!('error' in r));
    assert.deepEqual(Object.keys(r), ['id', 'estimator', 'reason', 'difference', 'pBetter', 'verdict', 'flags']);
    assert.equal(r.estimator, 'none');
    assert.equal(r.verdict, 'inconclusive');
    assert.ok(r.flags.some((f) => f.code === 'idk-labels-ignored'));
  });

  test('bad lines are errors with the line number and what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['{not json', /^line 3: not valid JSON/],
      ['{"id": "a", "baseline": "10", "candidate": "1"}', /^line 3: baseline has 2 questions and candidate 1/],
      ['{"id": "a", "baseline": "1x", "candidate": "11"}', /baseline\[1\] is 'x'/],
      ['{"id": "a", "baseline": "10", "candidate": "11", "labels": [["baseline", 5, 1]]}', /question 5 of the baseline, which has 2/],
      ['{"id": "a", "baseline": "10", "candidate": "11", "labels": [["judge", 0, 1]]}', /labels\[0\] must be/],
      ['{"id": "a", "baseline": "10", "candidate": "11", "labels": [["baseline", 0, 1], ["baseline", 0, 0]]}', /a second time/],
    ];
    for (const [text, re] of cases) {
      const r = runBatchLine(text, 3, 'auto', { draws: 100 });
      assert.ok('error' in r, text);
      assert.match(r.error, re);
    }
  });
});

// ---- reference ppi++ over explicit arrays, IDK-aware, straight from METHOD §5 (v2)

const mean = (x: number[]): number => x.reduce((a, b) => a + b, 0) / x.length;
const svar = (x: number[]): number => { const m = mean(x); return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1); };

function ppiReference(la: Confusion, lb: Confusion, t: StateTable): { estimate: number; se: number } {
  const fA: number[] = [], fB: number[] = [], aA: number[] = [], aB: number[] = [];
  for (const [k, c] of Object.entries(t)) {
    for (let i = 0; i < c; i++) { fA.push(k[0] === '1' ? 1 : 0); fB.push(k[1] === '1' ? 1 : 0); aA.push(k[0] === 'i' ? 0 : 1); aB.push(k[1] === 'i' ? 0 : 1); }
  }
  const expand = (c: Confusion): { y: number[]; f: number[] } => {
    const y: number[] = [], f: number[] = [];
    const push = (k: number, yy: number, ff: number): void => { for (let i = 0; i < k; i++) { y.push(yy); f.push(ff); } };
    push(c.tp, 1, 1); push(c.fn, 1, 0); push(c.fp, 0, 1); push(c.tn, 0, 0);
    return { y, f };
  };
  const lambda = (lab: { y: number[]; f: number[] }, f: number[], answered: number[]): number => {
    const fAns = f.filter((_, i) => answered[i] === 1);
    const my = mean(lab.y), mf = mean(lab.f);
    const cov = lab.y.reduce((s, y, i) => s + (y - my) * (lab.f[i]! - mf), 0) / (lab.y.length - 1);
    return Math.min(1, Math.max(0, cov / ((1 + lab.y.length / fAns.length) * svar(fAns))));
  };
  const A = expand(la), B = expand(lb);
  const lA = lambda(A, fA, aA), lB = lambda(B, fB, aB);
  const wA = mean(aA), wB = mean(aB); // answered shares 1 - r
  const d = fA.map((x, i) => lB * fB[i]! - lA * x);
  const recA = A.y.map((y, i) => y - lA * A.f[i]!);
  const recB = B.y.map((y, i) => y - lB * B.f[i]!);
  return { estimate: mean(d) + wB * mean(recB) - wA * mean(recA),
    se: Math.sqrt(svar(d) / d.length + wA * wA * svar(recA) / recA.length + wB * wB * svar(recB) / recB.length) };
}
