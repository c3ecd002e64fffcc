import { strict as assert } from 'node:assert';
import { reuseSplit, splitTestSet, type SplitRow } from '../../../src/core/adapt/split';

// 40 correct answers, 20 wrong, 8 refusals, 4 without a verdict.
const rows: SplitRow[] = [
  ...Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, verdict: 1 as const, idk: false })),
  ...Array.from({ length: 20 }, (_, i) => ({ id: `w${i}`, verdict: 0 as const, idk: false })),
  ...Array.from({ length: 8 }, (_, i) => ({ id: `i${i}`, verdict: 0 as const, idk: true })),
  ...Array.from({ length: 4 }, (_, i) => ({ id: `n${i}`, verdict: null, idk: false })),
];

suite('adapt: the optimisation/sealed split', () => {
  test('the same seed gives the same split whatever the row order; another seed gives another', () => {
    const a = splitTestSet('t', rows, { seed: 's1', sealFraction: 0.5 });
    const b = splitTestSet('t', [...rows].reverse(), { seed: 's1', sealFraction: 0.5 });
    const c = splitTestSet('t', rows, { seed: 's2', sealFraction: 0.5 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.sealed, c.sealed);
  });

  test('every example is in exactly one part, and the sealed total is round(n × share)', () => {
    for (const share of [0.5, 0.3, 0.25]) {
      const s = splitTestSet('t', rows, { seed: 'x', sealFraction: share });
      assert.equal(s.sealed.length, Math.round(72 * share));
      assert.equal(new Set([...s.sealed, ...s.optimisation]).size, 72);
      assert.equal(s.sealed.filter((id) => s.optimisation.includes(id)).length, 0);
    }
  });

  test('each stratum (verdict × IDK) is split in the same proportion, to within one example', () => {
    const s = splitTestSet('t', rows, { seed: 'strata', sealFraction: 0.5 });
    const sealedOf = (prefix: string) => s.sealed.filter((id) => id.startsWith(prefix)).length;
    assert.ok(Math.abs(sealedOf('c') - 20) <= 1, `correct: ${sealedOf('c')}`);
    assert.ok(Math.abs(sealedOf('w') - 10) <= 1, `wrong: ${sealedOf('w')}`);
    assert.ok(Math.abs(sealedOf('i') - 4) <= 1, `idk: ${sealedOf('i')}`);
    assert.ok(Math.abs(sealedOf('n') - 2) <= 1, `no verdict: ${sealedOf('n')}`);
  });

  test('a test set the project marks sealed has no optimisation part', () => {
    const s = splitTestSet('t', rows, { seed: 'x', sealFraction: 0.5, wholeSealed: true });
    assert.equal(s.optimisation.length, 0);
    assert.equal(s.sealed.length, 72);
  });

  test('a share outside (0, 1) is refused', () => {
    assert.throws(() => splitTestSet('t', rows, { seed: 'x', sealFraction: 1 }), /between 0 and 1/);
    assert.throws(() => splitTestSet('t', rows, { seed: 'x', sealFraction: 0 }), /between 0 and 1/);
  });

  test('a stored split is reused: examples added later are sealed, removed ones drop out', () => {
    const s = splitTestSet('t', rows, { seed: 'x', sealFraction: 0.5 });
    const now = [...rows.map((r) => r.id).filter((id) => id !== s.optimisation[0]), 'new-1'];
    const r = reuseSplit(s, now);
    assert.ok(r.sealed.includes('new-1'));
    assert.ok(!r.optimisation.includes(s.optimisation[0]!));
    assert.deepEqual(r.optimisation, s.optimisation.slice(1));
  });
});
