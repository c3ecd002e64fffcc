import { strict as assert } from 'node:assert';
import { compareSystems, decideCorrectness, fisherExact, holm, nextLabels, nonDifferentialTest, plan } from '../../../src/core/stats';
import { near } from './calibration.test';

suite('stats: diagnostics and decisions (METHOD §4, §7)', () => {
  test('Fisher exact two-sided p-values', () => {
    near(fisherExact(3, 1, 1, 3), 0.4857, 4); // Fisher's tea-tasting table
    near(fisherExact(1, 9, 11, 3), 0.002759, 6);
    assert.equal(fisherExact(0, 0, 5, 5), 1);
    near(fisherExact(5, 5, 5, 5), 1, 9);
  });

  test('Holm step-down adjustment', () => {
    assert.deepEqual(holm([0.01, 0.04, 0.03]), [0.03, 0.06, 0.06]);
    assert.deepEqual(holm([0.5]), [0.5]);
    assert.deepEqual(holm([0.02, 0.9]), [0.04, 0.9]);
  });

  test('non-differential test: same rates pass, different FPR fails', () => {
    const same = nonDifferentialTest({ tp: 40, fn: 5, fp: 6, tn: 30 }, { tp: 38, fn: 6, fp: 7, tn: 29 });
    assert.equal(same.differential, false);
    assert.equal(same.powered, true);
    const diff = nonDifferentialTest({ tp: 40, fn: 5, fp: 3, tn: 40 }, { tp: 38, fn: 6, fp: 20, tn: 20 });
    assert.equal(diff.differential, true);
    assert.equal(nonDifferentialTest({ tp: 20, fn: 2, fp: 2, tn: 5 }, { tp: 20, fn: 2, fp: 2, tn: 5 }).powered, false);
  });

  test('decision rule: non-inferiority on the lower bound; Holm with several candidates', () => {
    const C = { tp: 45, fn: 5, fp: 6, tn: 14 };
    const strong = compareSystems('rogan-gladen', { confusion: C, paired: { n11: 120, n10: 10, n01: 30, n00: 40 } }, { draws: 20_000 });
    const tied = compareSystems('rogan-gladen', { confusion: C, paired: { n11: 120, n10: 20, n01: 20, n00: 40 } }, { draws: 20_000 });
    const tiedMargin = compareSystems('rogan-gladen', { confusion: C, paired: { n11: 120, n10: 20, n01: 20, n00: 40 } }, { draws: 20_000, margin: 0.2 });
    const one = decideCorrectness([{ id: 'b', result: strong }]);
    assert.equal(one.holmApplied, false);
    assert.equal(one.decisions[0].pass, true);
    const many = decideCorrectness([{ id: 'b', result: strong }, { id: 'c', result: tied }, { id: 'd', result: tiedMargin }]);
    assert.equal(many.holmApplied, true);
    assert.match(many.note, /Holm/);
    assert.deepEqual(many.decisions.map((d) => d.pass), [true, false, true]);
    assert.ok(many.decisions.every((d) => d.pAdjusted >= d.p));
  });
});

suite('stats: planner (METHOD §8)', () => {
  const paired = { n11: 120, n10: 10, n01: 30, n00: 40 };
  test('labels needed for a reachable target, and the floor', () => {
    const p = plan({ paired, confusion: { tp: 45, fn: 5, fp: 6, tn: 14 }, targetHalfWidth: 0.09 });
    assert.equal(p.reachableWithLabels, true);
    assert.ok(p.moreLabels > 0);
    assert.ok(p.floor < 0.09 && p.halfWidthNow > 0.09);
    assert.equal(p.adequate, false);
    // With the suggested labels at the same class share, the delta-method half-width meets the target.
    const share = 50 / 70, m = 70 + p.moreLabels;
    const after = plan({ paired, confusion: { tp: Math.round(0.9 * share * m), fn: Math.round(0.1 * share * m), fp: Math.round(0.3 * (1 - share) * m), tn: Math.round(0.7 * (1 - share) * m) }, targetHalfWidth: 0.09, delta: Math.abs(p.halfWidthNow) && 0.1 / (p.floor > 0 ? 0.6 : 1) });
    assert.ok(after.halfWidthNow <= 0.095, `after labelling: ${after.halfWidthNow}`);
  });

  test('a target below the floor asks for more test questions, not a huge label count', () => {
    const p = plan({ paired, confusion: { tp: 45, fn: 5, fp: 6, tn: 14 }, targetHalfWidth: 0.02 });
    assert.equal(p.reachableWithLabels, false);
    assert.match(p.message, /More test questions needed/);
    assert.ok(p.questionsForTarget > 200);
    assert.ok(p.moreLabels < 200);
  });

  test('next labels are spread over system × verdict strata in proportion', () => {
    const req = nextLabels([
      { system: 'A', verdict: 1, unlabelled: 120 }, { system: 'A', verdict: 0, unlabelled: 60 },
      { system: 'B', verdict: 1, unlabelled: 150 }, { system: 'B', verdict: 0, unlabelled: 30 },
    ], 36);
    assert.deepEqual(req.map((r) => r.count), [12, 6, 15, 3]);
    assert.equal(nextLabels([{ system: 'A', verdict: 1, unlabelled: 2 }], 10)[0].count, 2);
  });
});
