import { strict as assert } from 'node:assert';
import { EndpointScheduler, TokenBucket } from '../../../src/core/runner/scheduler';

suite('scheduler', () => {
  test('admits up to the limit', () => {
    const s = new EndpointScheduler({ maxConcurrency: 3 });
    assert.deepEqual([0, 1, 2, 3].map(() => s.admit(1, 0)), [0, 0, 0, Infinity]);
  });

  test('AIMD: a burst of 429s lowers the limit to what was served; successes raise it again', () => {
    const s = new EndpointScheduler({ maxConcurrency: 64 });
    for (let i = 0; i < 64; i++) s.admit(1, 0);
    for (let i = 0; i < 44; i++) { s.release(1, undefined); s.onRateLimit(undefined, 1); }
    assert.ok(s.limit <= 20 && s.limit >= 18, `limit ${s.limit}`);
    for (let i = 0; i < 20 * 10; i++) s.onSuccess(200);
    assert.ok(s.limit > 25, `recovers: ${s.limit}`);
    for (let i = 0; i < 10_000; i++) s.onSuccess(200);
    assert.equal(s.limit, 64);
  });

  test('a long retry-after pauses the endpoint; a short one does not', () => {
    const s = new EndpointScheduler({ maxConcurrency: 4 });
    s.onRateLimit(200, 0);
    assert.equal(s.admit(1, 1), 0);
    s.release(1, undefined);
    s.onRateLimit(5000, 10);
    assert.equal(s.admit(1, 20), 4990);
  });

  test('token buckets pace requests and tokens per minute', () => {
    const b = new TokenBucket(60, 1, 0);
    assert.equal(b.wait(1, 0), 0);
    b.take(1, 0);
    assert.equal(b.wait(1, 0), 1000);
    assert.equal(b.wait(1, 1000), 0);
    const s = new EndpointScheduler({ maxConcurrency: 10, requestsPerMinute: 600 });
    let admitted = 0;
    for (let i = 0; i < 100; i++) if (s.admit(1, 0) === 0) admitted++;
    assert.equal(admitted, 10, 'burst of capacity rpm/6... capped by concurrency');
  });
});
