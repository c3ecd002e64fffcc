import { strict as assert } from 'node:assert';
import { addConfusion, compareSystems, decideCorrectness, differentialDiagnostics, fisherExact, holm, judgeFreeCheck as judgeFreeStates, MIN_SYSTEM_LABELS, nextLabels, nonDifferentialTest, plan, Rng,
  statesFromPaired, type Confusion, type PairedTable } from '../../../src/core/stats';
import { predictAfter, predictOutcome } from '../../../src/core/stats/planner';
import { simulateRegime, simulateReplication, standardRegimes } from '../../../src/core/stats/simulation';
import { near } from './calibration.test';

/** The judge-free check on a verdict table without IDK. */
const judgeFreeCheck = (pooled: Confusion, a: Confusion, b: Confusion, t: PairedTable): ReturnType<typeof judgeFreeStates> =>
  judgeFreeStates(pooled, a, b, statesFromPaired(t));

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

  // 150 labels per system (105 positives, 45 negatives) and n = 2000 paired verdicts. Differential: the candidate's
  // FPR is 0.36 against the baseline's 0.09, and its judged rate is up 7.5 points with no true difference.
  const A = { tp: 95, fn: 10, fp: 4, tn: 41 };
  const diffB = { tp: 95, fn: 10, fp: 16, tn: 29 };
  const diffPaired = { n11: 1150, n10: 170, n01: 320, n00: 360 };
  // Non-differential, same label counts per system and class: the judged rates move together with the truth.
  const sameB = { tp: 94, fn: 11, fp: 5, tn: 40 };
  const samePaired = { n11: 1150, n10: 170, n01: 175, n00: 505 };
  const codes = (ds: readonly { code: string }[]): string[] => ds.map((d) => d.code);

  test('judge-free cross-check: a clear differential judge is flagged as an error pointing to ppi++', () => {
    const g = judgeFreeCheck(addConfusion(A, diffB), A, diffB, diffPaired)!;
    assert.equal(g.disagrees, true);
    assert.ok(g.gap > 0.08 && g.z > 2.58, `gap ${g.gap}, z ${g.z}`);
    const ppi = compareSystems('ppi++', { paired: diffPaired, baselineLabels: A, candidateLabels: diffB });
    near(g.ppi, ppi.difference!.mean, 12);
    const rg = compareSystems('rogan-gladen', { paired: diffPaired, baselineLabels: A, candidateLabels: diffB }, { draws: 5000 });
    near(g.rg, rg.crossCheck!.estimate, 12);
    const bias = rg.diagnostics.find((d) => d.code === 'differential-bias')!;
    assert.equal(bias.severity, 'error');
    assert.match(bias.message, /do not act on this number; ppi\+\+ \(no assumption on the judge\) gives -0\.3 points \[-6\.7, 6\.2\]/);
    assert.ok(codes(rg.diagnostics).includes('differential-judge'));
    const paper = compareSystems('paper', { paired: diffPaired, baselineLabels: A, candidateLabels: diffB }, { draws: 5000 });
    assert.ok(codes(paper.diagnostics).includes('differential-bias'));
    assert.ok(!codes(ppi.diagnostics).some((c) => c.startsWith('differential')));
  });

  test('judge-free cross-check: a non-differential judge with the same label counts is not flagged', () => {
    const g = judgeFreeCheck(addConfusion(A, sameB), A, sameB, samePaired)!;
    assert.equal(g.disagrees, false);
    assert.ok(Math.abs(g.z) < 1, `z ${g.z}`);
    for (const id of ['rogan-gladen', 'paper'] as const) {
      const r = compareSystems(id, { paired: samePaired, baselineLabels: A, candidateLabels: sameB }, { draws: 5000 });
      assert.ok(!codes(r.diagnostics).some((c) => c.startsWith('differential')), `${id}: ${codes(r.diagnostics).join(', ')}`);
    }
  });

  test('judge-free cross-check: only with enough labels per system and a judge better than chance', () => {
    const few = { tp: 20, fn: 2, fp: 2, tn: MIN_SYSTEM_LABELS - 25 };
    assert.equal(judgeFreeCheck(addConfusion(A, few), A, few, diffPaired), undefined);
    const chance = { tp: 50, fn: 50, fp: 25, tn: 25 };
    assert.equal(judgeFreeCheck(addConfusion(chance, chance), chance, chance, diffPaired), undefined);
    // An explicit calibration that is not the sum of the per-system labels counts as a separate sample.
    const pooled = { tp: 300, fn: 30, fp: 15, tn: 120 };
    const g = judgeFreeCheck(pooled, A, sameB, samePaired)!;
    assert.ok(g.se > 0 && !g.disagrees);
  });

  test('judge-free cross-check: z is close to standard normal under a non-differential judge (simulated)', () => {
    const regime = standardRegimes().find((r) => r.judge === '(0.883,0.10)' && r.delta === 0.05 && r.n === 2000 && r.m === 300)!;
    const rng = new Rng(11);
    let s = 0, s2 = 0, k = 0;
    for (let i = 0; i < 600; i++) {
      const sim = simulateReplication(regime, rng);
      const g = judgeFreeStates(addConfusion(sim.baselineLabels, sim.candidateLabels), sim.baselineLabels, sim.candidateLabels, sim.states);
      if (!g) continue;
      k++;
      s += g.z;
      s2 += g.z * g.z;
    }
    const mean = s / k, sd = Math.sqrt(s2 / k - mean * mean);
    assert.ok(Math.abs(mean) < 0.15 && sd > 0.88 && sd < 1.12, `z mean ${mean}, sd ${sd}`);
  });

  test('differential flags: rare for a non-differential judge, more often than the Fisher test alone for a differential one', () => {
    const pick = (judge: string): ReturnType<typeof standardRegimes>[number] =>
      standardRegimes().find((r) => r.judge === judge && r.delta === 0 && r.n === 2000 && r.m === 300)!;
    const ok = simulateRegime(pick('(0.90,0.30)'), 300, { draws: 500, seed: 21, estimators: ['rogan-gladen'] })[0];
    // Two checks (Fisher, Holm-adjusted, and the judge-free cross-check) at 5% each.
    assert.ok(ok.differential <= 0.12, `false flags ${ok.differential}`);
    const bad = simulateRegime(pick('differential'), 300, { draws: 500, seed: 21, estimators: ['rogan-gladen'] })[0];
    assert.ok(bad.differential > 0.6, `flagged ${bad.differential}`);
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
  test('labels needed for a reachable target, and the floor (posterior-predictive, v2)', () => {
    const c = { tp: 45, fn: 5, fp: 6, tn: 14 };
    const p = plan({ paired, confusion: c, targetHalfWidth: 0.1 });
    assert.equal(p.reachableWithLabels, true);
    assert.ok(p.moreLabels > 0);
    assert.ok(p.floor < 0.1 && p.halfWidthNow > 0.1, `floor ${p.floor}, now ${p.halfWidthNow}`);
    assert.equal(p.adequate, false);
    // The labels it asks for reach the target by its own prediction; fewer do not.
    assert.ok(predictAfter({ paired, confusion: c, targetHalfWidth: 0.1 }, p.moreLabels) <= 0.1);
    assert.ok(predictAfter({ paired, confusion: c, targetHalfWidth: 0.1 }, Math.floor(p.moreLabels / 2)) > 0.1);
  });

  test('at a difference of 0 labels still help (v1 predicted no gain there)', () => {
    const tie = { n11: 120, n10: 20, n01: 20, n00: 40 };
    const c = { tp: 45, fn: 5, fp: 6, tn: 14 };
    assert.ok(predictAfter({ paired: tie, confusion: c, targetHalfWidth: 1 }, 300) < 0.99 * predictAfter({ paired: tie, confusion: c, targetHalfWidth: 1 }, 0));
  });

  test('with no extra labels the prediction is the half-width Rogan-Gladen itself gives on the same counts', () => {
    // Like for like: the planner predicts the interval the user would see (its own Monte Carlo), not a delta-method width.
    const big = { n11: 1200, n10: 100, n01: 300, n00: 400 };
    const c = { tp: 45, fn: 5, fp: 6, tn: 14 };
    const d = compareSystems('rogan-gladen', { paired: big, confusion: c }, { draws: 20_000 }).difference!;
    const predicted = predictAfter({ paired: big, confusion: c, targetHalfWidth: 1 }, 0);
    assert.ok(Math.abs(predicted / ((d.hi - d.lo) / 2) - 1) < 0.04, `predicted ${predicted}, Rogan-Gladen ${(d.hi - d.lo) / 2}`);
  });

  test('a judge that does not look informative yet: no interval now, and the plan asks for labels first', () => {
    // P(TPR <= FPR) = 0.039 on these 40 labels, so Rogan-Gladen gives no interval (it needs <= 1%).
    const big = { n11: 1200, n10: 100, n01: 300, n00: 400 };
    const c = { tp: 22, fn: 6, fp: 6, tn: 6 };
    assert.equal(compareSystems('rogan-gladen', { paired: big, confusion: c }, { draws: 2000 }).estimator, 'rogan-gladen');
    assert.equal(compareSystems('rogan-gladen', { paired: big, confusion: c }, { draws: 2000 }).difference, undefined);
    const p = plan({ paired: big, confusion: c, targetHalfWidth: 0.06 });
    assert.equal(p.halfWidthNow, Infinity);
    assert.equal(p.reachableWithLabels, true);
    assert.match(p.message, /does not look informative on these labels yet: label about \d+ more outputs, both verdicts, then plan again/);
    assert.ok(p.moreLabels > 0 && p.moreLabels <= 60, `asks for ${p.moreLabels}`);
    // After those labels most futures give an interval; the prediction is no longer the ±1 of an uninformative judge.
    const after = predictAfter({ paired: big, confusion: c, targetHalfWidth: 0.06 }, p.moreLabels);
    assert.ok(Number.isFinite(after) && after < 0.5, `after ${p.moreLabels}: ${after}`);
  });

  test('the prediction is the mean half-width of the intervals that labels give, also where most futures give none', () => {
    // The same 40 labels (P(TPR <= FPR) = 0.039): 20 more pass Rogan-Gladen's test in some futures, not in most.
    const big = { n11: 1200, n10: 100, n01: 300, n00: 400 };
    const c = { tp: 22, fn: 6, fp: 6, tn: 6 };
    const input = { paired: big, confusion: c, targetHalfWidth: 0.06 };
    assert.deepEqual(predictOutcome(input, 0), { halfWidth: Infinity, intervalShare: 0 });
    const some = predictOutcome(input, 20);
    assert.ok(some.intervalShare > 0 && some.intervalShare < 0.5, `share ${some.intervalShare}`);
    assert.ok(Number.isFinite(some.halfWidth) && some.halfWidth < 0.5, `half-width ${some.halfWidth}`);
    assert.equal(predictAfter(input, 20), some.halfWidth);
    // The plan does not promise that width: it asks for the labels after which most futures give an interval.
    const p = plan(input);
    assert.ok(p.moreLabels > 20, `asks for ${p.moreLabels}`);
    assert.ok(predictOutcome(input, p.moreLabels).intervalShare >= 0.5);
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

suite('differential assumption notes (v2: only what a user should act on)', () => {
  test('a fair-looking judge tested on both systems gets no note; an untested one gets a warning naming whose outputs to label', () => {
    const sys = { tp: 90, fn: 15, fp: 14, tn: 31 };
    assert.deepEqual(differentialDiagnostics(sys, { ...sys }), []);
    const many = { tp: 300, fn: 120, fp: 110, tn: 200 };
    assert.deepEqual(differentialDiagnostics(many, { ...many }), []);
    const onlyBaseline = differentialDiagnostics(sys, undefined);
    assert.deepEqual(onlyBaseline.map((d) => [d.code, d.severity]), [['differential-untested', 'warning']]);
    assert.match(onlyBaseline[0]!.message, /label the candidate's outputs/);
    const thin = differentialDiagnostics({ tp: 20, fn: 2, fp: 2, tn: 5 }, { tp: 20, fn: 2, fp: 2, tn: 5 });
    assert.deepEqual(thin.map((d) => [d.code, d.severity]), [['differential-untested', 'warning']]);
  });
});
