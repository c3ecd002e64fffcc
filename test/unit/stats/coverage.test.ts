import { strict as assert } from 'node:assert';
import { simulateRegime, standardRegimes, type CoverageStats, type Regime } from '../../../src/core/stats/simulation';

// A small seeded version of METHOD §9 (the full grid is `npm run bench:coverage`). Bounds are wide: with
// 300 replications the Monte Carlo standard error of a 90% coverage is about 0.017.
const REPS = 300;
const pick = (judge: string, delta: number, n: number, m: number): Regime =>
  standardRegimes().find((r) => r.judge === judge && r.delta === delta && r.n === n && r.m === m)!;
const byId = (s: CoverageStats[], id: string): CoverageStats => s.find((x) => x.estimator === id)!;

suite('stats: coverage simulation (small, seeded)', () => {
  test('where assumptions hold, rogan-gladen, its delta check, ppi++ and human-only cover near 90%', () => {
    for (const r of [pick('(0.883,0.10)', 0.1, 200, 300), pick('(0.90,0.30)', 0.05, 2000, 300)]) {
      const s = simulateRegime(r, REPS, { draws: 1000, seed: 17 });
      for (const id of ['rogan-gladen', 'rogan-gladen/delta', 'ppi++', 'human-only']) {
        const c = byId(s, id).coverage;
        assert.ok(c > 0.83 && c < 0.98, `${id} in ${r.judge} Δ=${r.delta}: coverage ${c}`);
      }
    }
  });

  test('at Δ = 0 the default estimator rarely calls the candidate better', () => {
    const s = simulateRegime(pick('(0.95,0.05)', 0, 200, 300), REPS, { draws: 1000, seed: 5 });
    assert.ok(byId(s, 'rogan-gladen').aboveZero < 0.1);
    assert.ok(byId(s, 'naive').coverage > 0.83);
  });

  test("the paper's and the naive interval undercover at a real difference (the documented weakness)", () => {
    const s = simulateRegime(pick('(0.90,0.30)', 0.1, 2000, 300), REPS, { draws: 1000, seed: 9, estimators: ['paper', 'naive', 'rogan-gladen'] });
    assert.ok(byId(s, 'paper').coverage < 0.5, `paper ${byId(s, 'paper').coverage}`);
    assert.ok(byId(s, 'naive').coverage < 0.5, `naive ${byId(s, 'naive').coverage}`);
    assert.ok(byId(s, 'rogan-gladen').coverage > 0.83);
  });

  test('a weak judge is flagged or gets a wide interval, never a confident narrow one', () => {
    const s = simulateRegime(pick('weak(0.76,0.69)', 0.05, 2000, 300), REPS, { draws: 1000, seed: 3, estimators: ['rogan-gladen'] });
    const rg = byId(s, 'rogan-gladen');
    assert.ok(rg.flagged > 0.7, `flagged ${rg.flagged}`);
    assert.ok(rg.meanWidth > 0.3, `width ${rg.meanWidth}`);
  });
});
