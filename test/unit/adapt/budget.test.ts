import { strict as assert } from 'node:assert';
import { Budget, estimateAdaptation } from '../../../src/core/adapt/budget';

suite('adapt: budget', () => {
  test('the estimate counts a retry per rewrite and every variant on both parts', () => {
    const e = estimateAdaptation({
      strategies: [{ usesRewriter: true, variants: 1 }, { usesRewriter: true, variants: 3 }, { usesRewriter: false, variants: 1 }],
      optimisationExamples: 36, sealedExamples: 36, judgeCallsPerOutput: 2, candidateUsdPerCall: 0.001, rewriterUsdPerCall: 0.01, judgeUsdPerCall: 0.002,
    });
    assert.equal(e.variants, 5);
    assert.equal(e.rewriterCalls, 8);
    assert.equal(e.candidateCalls, 5 * 72);
    assert.equal(e.judgeCalls, 5 * 72 * 2);
    assert.equal(e.calls, 8 + 360 + 720);
    assert.ok(Math.abs(e.usd! - (360 * 0.001 + 8 * 0.01 + 720 * 0.002)) < 1e-9);
  });

  test('without a price there is no USD estimate', () => {
    const e = estimateAdaptation({ strategies: [{ usesRewriter: true, variants: 1 }], optimisationExamples: 10, sealedExamples: 10, judgeCallsPerOutput: 1, candidateUsdPerCall: 0.001 });
    assert.equal(e.usd, undefined);
  });

  test('a step that would pass the call limit is refused with what is left; spending accumulates', () => {
    const b = new Budget({ maxCalls: 100 }, { calls: 60, usd: 0 });
    assert.equal(b.refuse({ calls: 40 }, 'round 1'), undefined);
    assert.match(b.refuse({ calls: 41 }, 'round 2') ?? '', /round 2 needs up to 41 calls, but only 40 of 100 are left/);
    b.record({ calls: 30 });
    assert.match(b.refuse({ calls: 11 }, 'round 3') ?? '', /only 10 of 100/);
    assert.equal(b.describe(), '90 of 100 calls, $0.0000');
  });

  test('a USD limit refuses a step over it, and a step without a price', () => {
    const b = new Budget({ maxUsd: 1 }, { calls: 0, usd: 0.9 });
    assert.match(b.refuse({ calls: 10, usd: 0.2 }, 'acceptance') ?? '', /may cost \$0\.2000, but only \$0\.1000 of \$1\.00 is left/);
    assert.match(b.refuse({ calls: 10 }, 'acceptance') ?? '', /no price/);
    assert.equal(b.refuse({ calls: 10, usd: 0.05 }, 'acceptance'), undefined);
  });
});
