import { strict as assert } from 'node:assert';
import { dominates, paretoFront, type Objectives } from '../../../src/core/adapt/pareto';

const o = (correctness: number, idkRate: number, badStyleRate: number, promptChars: number): Objectives => ({ correctness, idkRate, badStyleRate, promptChars });

suite('adapt: Pareto front', () => {
  test('a prompt better on one objective and no worse on the others dominates', () => {
    assert.ok(dominates(o(0.8, 0.1, 0.1, 500), o(0.7, 0.1, 0.1, 500)));
    assert.ok(dominates(o(0.8, 0.1, 0.0, 500), o(0.8, 0.1, 0.1, 500)));
    assert.ok(!dominates(o(0.8, 0.1, 0.1, 500), o(0.8, 0.1, 0.1, 500)), 'equal prompts do not dominate each other');
    assert.ok(!dominates(o(0.9, 0.2, 0.1, 500), o(0.8, 0.1, 0.1, 500)), 'more correct but more refusals is a trade-off');
  });

  test('the front keeps trade-offs and equal prompts, drops dominated ones, in input order', () => {
    const points = [
      { id: 'parent', objectives: o(0.70, 0.05, 0.50, 600) },
      { id: 'refuses-more', objectives: o(0.78, 0.20, 0.50, 650) },  // the MIPROv2 pattern: better, by refusing more
      { id: 'style-fix', objectives: o(0.70, 0.05, 0.00, 700) },
      { id: 'worse', objectives: o(0.60, 0.10, 0.60, 800) },
      { id: 'style-fix-copy', objectives: o(0.70, 0.05, 0.00, 700) },
    ];
    assert.deepEqual(paretoFront(points).map((p) => p.id), ['parent', 'refuses-more', 'style-fix', 'style-fix-copy']);
  });
});
