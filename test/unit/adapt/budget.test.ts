import { strict as assert } from 'node:assert';
import { Budget, confirmedLimits, describeEstimate, estimateAdaptation } from '../../../src/core/adapt/budget';

suite('adapt: budget', () => {
  test('the estimate is a range: one variant on the sealed part and no retry, up to every variant on both parts with a retry each', () => {
    const e = estimateAdaptation({
      strategies: [{ usesRewriter: true, variants: 1 }, { usesRewriter: true, variants: 3 }, { usesRewriter: false, variants: 1 }],
      testSets: [{ optimisation: 36, sealed: 36, parentCalls: 72, candidateUsdPerCall: { low: 0.001, high: 0.002 } }, { optimisation: 0, sealed: 10, parentCalls: 0, candidateUsdPerCall: { low: 0.001, high: 0.002 } }],
      judgeCallsPerOutput: 2, rewriterUsdPerCall: { low: 0.01, high: 0.02 }, judgeUsdPerCall: { low: 0.002, high: 0.003 },
    });
    assert.equal(e.variants, 5);
    assert.deepEqual(e.rewriterCalls, { low: 4, high: 8 });
    assert.equal(e.parentCalls, 72);
    assert.deepEqual(e.candidateCalls, { low: 72 + 5 * 36 + 36 + 10, high: 72 + 5 * 72 + 5 * 10 });
    assert.deepEqual(e.judgeCalls, { low: 2 * 298, high: 2 * 482 });
    assert.deepEqual(e.calls, { low: 4 + 298 + 596, high: 8 + 482 + 964 });
    assert.ok(Math.abs(e.usd!.low - (298 * 0.001 + 4 * 0.01 + 596 * 0.002)) < 1e-9);
    assert.ok(Math.abs(e.usd!.high - (482 * 0.002 + 8 * 0.02 + 964 * 0.003)) < 1e-9);
    assert.deepEqual(e.unpriced, []);
    assert.match(describeEstimate(e), /^at most 5 variants: 898–1454 model calls \(4–8 rewriter, 298–482 target-candidate of which 72 for the parent, 596–964 judge\), about \$\d\.\d+–\$\d\.\d+\. Requests already answered/u);
  });

  test('unpriced calls are named; without the candidate\'s price there is no USD figure', () => {
    const input = { strategies: [{ usesRewriter: true, variants: 1 }], judgeCallsPerOutput: 1 };
    const e = estimateAdaptation({ ...input, testSets: [{ optimisation: 10, sealed: 10, parentCalls: 0, candidateUsdPerCall: { low: 0.001, high: 0.001 } }] });
    assert.deepEqual(e.unpriced, ['rewriter', 'judge']);
    assert.match(describeEstimate(e), /about \$0\.0200 \(not counting the rewriter and judge calls, which have no price\)/u);
    const none = estimateAdaptation({ ...input, testSets: [{ optimisation: 10, sealed: 10, parentCalls: 0 }] });
    assert.equal(none.usd, undefined);
    assert.match(describeEstimate(none), /no USD figure \(the target candidate has no price\)/u);
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

  test('a confirmed estimate caps the new calls at its upper end, on top of what earlier sessions spent; an own limit wins', () => {
    const e = estimateAdaptation({ strategies: [{ usesRewriter: true, variants: 1 }], judgeCallsPerOutput: 1, testSets: [{ optimisation: 10, sealed: 10, parentCalls: 0 }] });
    assert.deepEqual(confirmedLimits({}, { calls: 0, usd: 0 }, e), { maxCalls: e.calls.high });
    assert.deepEqual(confirmedLimits({ maxUsd: 2 }, { calls: 25, usd: 0.1 }, e), { maxUsd: 2, maxCalls: 25 + e.calls.high });
    assert.deepEqual(confirmedLimits({ maxCalls: 7 }, { calls: 25, usd: 0 }, e), { maxCalls: 7 });
    const b = new Budget(confirmedLimits({}, { calls: 25, usd: 0 }, e), { calls: 25, usd: 0 });
    assert.equal(b.refuse({ calls: e.calls.high }, 'all of it'), undefined);
    assert.match(b.refuse({ calls: e.calls.high + 1 }, 'one more') ?? '', /only \d+ of \d+ are left/);
  });
});
