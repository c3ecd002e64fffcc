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

suite('scheduler: pacing by the server\'s rate-limit headers (deterministic clock)', () => {
  const reqs = (remaining: number, resetMs: number, limit = 5) => ({ requests: { limit, remaining, resetMs } });

  test('a spent request budget holds admissions until one request has refilled, however short the wait', () => {
    const s = new EndpointScheduler({ maxConcurrency: 16 });
    // 5 requests/s: empty, full again in 1 s → one request every 200 ms.
    s.onRateLimit(180, 0, reqs(0, 1000));
    assert.equal(s.limit, 16, 'a 429 explained by a spent budget does not cut concurrency');
    assert.equal(s.admit(1, 0), 180, 'the retry-after holds (under 1 s too)');
    assert.equal(s.admit(1, 180), 20, 'then the refill rate: 200 ms per request');
    assert.equal(s.admit(1, 200), 0);
    assert.equal(s.admit(1, 200), 200, 'the next one a refill later');
    assert.equal(s.admit(1, 400), 0);
  });

  test('successes keep the estimate from running ahead of the server; a full budget lets a burst through', () => {
    const s = new EndpointScheduler({ maxConcurrency: 16 });
    s.onSuccess(200, reqs(2, 600), 0);
    assert.deepEqual([0, 0, 1, 2].map((t) => s.admit(1, t)), [0, 0, 199, 198], 'two left, then 1 per 200 ms');
    const fresh = new EndpointScheduler({ maxConcurrency: 4 });
    fresh.onSuccess(200, reqs(5, 0), 0);
    assert.deepEqual([0, 0, 0, 0, 0].map(() => fresh.admit(1, 0)), [0, 0, 0, 0, Infinity], 'a full budget: only concurrency limits');
  });

  test('a token budget paces by estimated tokens', () => {
    const s = new EndpointScheduler({ maxConcurrency: 16 });
    // 60k tokens/min budget: 1000 left, full in 59 s → 1 token per ms.
    s.onSuccess(200, { tokens: { limit: 60_000, remaining: 1000, resetMs: 59_000 } }, 0);
    assert.equal(s.admit(800, 0), 0);
    assert.equal(s.admit(800, 0), 600, '200 left, 600 more to wait for at 1 token/ms');
    assert.equal(s.admit(800, 600), 0);
  });

  test('without a reset time an exhausted budget holds for the retry-after, then tries again', () => {
    const s = new EndpointScheduler({ maxConcurrency: 8 });
    s.onRateLimit(300, 0, { requests: { remaining: 0 } });
    assert.equal(s.admit(1, 100), 200);
    assert.equal(s.admit(1, 300), 0);
  });

  test('a 429 the headers do not explain (a concurrency cap with retry-after: 1) lowers concurrency and pauses nothing', () => {
    const s = new EndpointScheduler({ maxConcurrency: 64 });
    for (let i = 0; i < 21; i++) s.admit(1, 0);
    s.release(1, undefined);
    s.onRateLimit(1000, 10, reqs(4, 200));
    assert.ok(s.limit <= 20, `limit ${s.limit}`);
    s.release(1, undefined);
    assert.equal(s.admit(1, 11), 0, 'the endpoint keeps serving');
  });
});
