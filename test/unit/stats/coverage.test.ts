import { strict as assert } from 'node:assert';
import { simulateRegime, standardRegimes, v2Regimes, type CoverageStats, type Regime } from '../../../src/core/stats/simulation';

// A small seeded version of METHOD §9 (the full grid is `npm run bench:coverage`). Bounds are wide: with
// 300 replications the Monte Carlo standard error of a 90% coverage is about 0.017.
const REPS = 300;
const ALL = [...standardRegimes(), ...v2Regimes()];
const pick = (judge: string, delta: number, n: number, m: number): Regime =>
  ALL.find((r) => r.judge === judge && r.delta === delta && r.n === n && r.m === m)!;
const byId = (s: CoverageStats[], id: string): CoverageStats => s.find((x) => x.estimator === id)!;

suite('stats: coverage simulation (small, seeded)', () => {
  test('where assumptions hold, auto, rogan-gladen, its delta check, ppi++ and human-only cover near 90%', () => {
    for (const r of [pick('(0.883,0.10)', 0.1, 200, 300), pick('(0.90,0.30)', 0.05, 2000, 300)]) {
      const s = simulateRegime(r, REPS, { draws: 1000, seed: 17 });
      for (const id of ['auto', 'rogan-gladen', 'rogan-gladen/delta', 'ppi++', 'human-only']) {
        const c = byId(s, id).coverage;
        assert.ok(c > 0.83 && c < 0.98, `${id} in ${r.judge} Δ=${r.delta}: coverage ${c}`);
      }
    }
  });

  test('30% IDK on either side: the IDK-aware correction covers and does not call a tie "better" (v1 did, in about half the results)', () => {
    for (const judge of ['idk-baseline-30%', 'idk-candidate-30%']) {
      const s = simulateRegime(pick(judge, 0, 2000, 300), REPS, { draws: 1000, seed: 23, estimators: ['auto', 'rogan-gladen', 'naive'] });
      for (const id of ['auto', 'rogan-gladen']) {
        assert.ok(byId(s, id).coverage > 0.83, `${judge} ${id}: coverage ${byId(s, id).coverage}`);
        assert.ok(byId(s, id).aboveZero < 0.1, `${judge} ${id}: false better ${byId(s, id).aboveZero}`);
      }
    }
    // Uncalibrated verdicts (IDK counted as judged incorrect) are fooled when the baseline refuses more.
    const naive = simulateRegime(pick('idk-baseline-30%', 0, 2000, 300), 100, { draws: 200, seed: 23, estimators: ['naive'] });
    assert.ok(naive[0]!.aboveZero > 0.5);
  });

  test('labels on the baseline only: rogan-gladen covers, and every result says the assumption is untested', () => {
    const s = simulateRegime(pick('labels-baseline-only', 0, 2000, 300), REPS, { draws: 1000, seed: 29, estimators: ['auto'] });
    assert.ok(s[0]!.coverage > 0.83 && s[0]!.aboveZero < 0.1, `coverage ${s[0]!.coverage}, false better ${s[0]!.aboveZero}`);
    assert.equal(s[0]!.flagged, 1);
    assert.equal(s[0]!.chosen?.['rogan-gladen'], 1);
  });

  test("the paper's and the naive interval undercover at a real difference (the documented weakness)", () => {
    const s = simulateRegime(pick('(0.90,0.30)', 0.1, 2000, 300), REPS, { draws: 1000, seed: 9, estimators: ['paper', 'naive', 'rogan-gladen'] });
    assert.ok(byId(s, 'paper').coverage < 0.5, `paper ${byId(s, 'paper').coverage}`);
    assert.ok(byId(s, 'naive').coverage < 0.5, `naive ${byId(s, 'naive').coverage}`);
    assert.ok(byId(s, 'rogan-gladen').coverage > 0.83);
  });

  test('a weak judge is flagged (no estimate or an assumption error), never a confident narrow interval', () => {
    const s = simulateRegime(pick('weak(0.76,0.69)', 0.05, 2000, 300), REPS, { draws: 1000, seed: 3, estimators: ['rogan-gladen'] });
    const rg = byId(s, 'rogan-gladen');
    assert.ok(rg.flagged > 0.7, `flagged ${rg.flagged}`);
    // Flagged results show a judge-free interval (human-only) instead, so what is shown still covers.
    assert.ok(rg.coverage > 0.83, `coverage ${rg.coverage}`);
  });

  test('auto never turns a differential judge into a confident wrong "better"', () => {
    for (const m of [60, 300]) {
      const s = simulateRegime(pick('differential', 0, 2000, m), REPS, { draws: 500, seed: 31, estimators: ['auto'] });
      assert.ok(s[0]!.aboveZero < 0.1, `m=${m}: false better ${s[0]!.aboveZero}`);
    }
  });
});
