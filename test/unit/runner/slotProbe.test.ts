import { strict as assert } from 'node:assert';
import { SlotProbe } from '../../../src/core/runner/slotProbe';

/** Drives a probe against a server with `slots` slots and `serviceMs` per request, at full load at each level. */
function settle(start: number, slots: number, serviceMs: number, jitter: (i: number) => number = () => 1) {
  const probe = new SlotProbe(start);
  const levels: number[] = [];
  for (let i = 0; i < 200 && probe.level !== undefined; i++) {
    const level = probe.level;
    if (levels[levels.length - 1] !== level) levels.push(level);
    const latency = serviceMs * Math.max(1, level / slots) * jitter(i);
    const step = probe.observe(latency, level);
    if (step && 'settled' in step) return { levels, finding: step.settled };
  }
  return { levels, finding: undefined };
}

suite('slot probe: how many requests a server serves at once', () => {
  test('one slot: halves 16 → 1 and says the server serves 1 at a time', () => {
    const { levels, finding } = settle(16, 1, 1000);
    assert.deepEqual(levels, [16, 8, 4, 2, 1]);
    assert.deepEqual(finding, { limit: 1, startLevel: 16, servedAtOnce: 1, latencyAtStartMs: 16_000, latencyAtLimitMs: 1000 });
  });

  test('three slots: stops where halving costs throughput and keeps the lowest level with full throughput', () => {
    const { levels, finding } = settle(16, 3, 1000);
    assert.deepEqual(levels, [16, 8, 4, 2]);
    assert.equal(finding?.limit, 4);
    assert.equal(finding?.servedAtOnce, 3);
  });

  test('a server that serves everything in parallel: one measurement at half, then back to the start (no finding)', () => {
    const { levels, finding } = settle(16, 64, 1000, (i) => [0.6, 1.4, 1, 0.9][i % 4]!);
    assert.deepEqual(levels, [16, 8]);
    assert.equal(finding, undefined);
  });

  test('fast answers (under 250 ms) are not probed; nor is a start of 1; requests that did not see the full load do not count', () => {
    assert.deepEqual(settle(16, 1, 10).levels, [16]);
    assert.equal(new SlotProbe(1).level, undefined);
    const p = new SlotProbe(4);
    for (let i = 0; i < 10; i++) assert.equal(p.observe(5000, 2), undefined);
    assert.equal(p.level, 4);
  });
});
