// Per-endpoint admission control: a concurrency limit that halves-ish on 429s and creeps back up (AIMD),
// optional requests/tokens-per-minute token buckets, and a pause when the server asks for a long wait.

/** A token bucket refilled continuously; `take` may go into debt so a large request is not starved. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly perMinute: number, private readonly capacity = Math.max(1, perMinute / 6), now = performance.now()) {
    this.tokens = this.capacity;
    this.last = now;
  }
  /** Ms until `n` tokens are available (0 = now). */
  wait(n: number, now: number): number {
    this.refill(now);
    const need = Math.min(n, this.capacity) - this.tokens;
    return need <= 0 ? 0 : Math.ceil((need * 60_000) / this.perMinute);
  }
  take(n: number, now: number): void { this.refill(now); this.tokens -= n; }
  /** Corrects an estimate once the real count is known. */
  adjust(delta: number): void { this.tokens -= delta; }
  private refill(now: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + (Math.max(0, now - this.last) * this.perMinute) / 60_000);
    this.last = now;
  }
}

export interface SchedulerLimits { maxConcurrency: number; requestsPerMinute?: number; tokensPerMinute?: number }

/** Server waits at or above this pause the whole endpoint; shorter ones only delay the request that got them. */
const pauseThresholdMs = 1000;

export class EndpointScheduler {
  /** The current concurrency limit (fractional: additive increase is 1 per window of `limit` successes). */
  limit: number;
  inFlight = 0;
  pausedUntil = 0;
  readonly max: number;
  private readonly rpm?: TokenBucket;
  private readonly tpm?: TokenBucket;
  private lastDecreaseAt = -Infinity;
  /** Smoothed request latency; one "window" for AIMD purposes. */
  private latencyMs = 1000;

  constructor(limits: SchedulerLimits) {
    this.max = Math.max(1, Math.floor(limits.maxConcurrency));
    this.limit = this.max;
    if (limits.requestsPerMinute) this.rpm = new TokenBucket(limits.requestsPerMinute);
    if (limits.tokensPerMinute) this.tpm = new TokenBucket(limits.tokensPerMinute);
  }

  /** 0 when a request estimated at `tokens` may start now; otherwise ms to wait (Infinity: wait for a slot). */
  admit(tokens: number, now: number): number {
    if (this.inFlight >= Math.floor(this.limit)) return Infinity;
    if (now < this.pausedUntil) return this.pausedUntil - now;
    const w = Math.max(this.rpm?.wait(1, now) ?? 0, this.tpm?.wait(tokens, now) ?? 0);
    if (w > 0) return w;
    this.rpm?.take(1, now);
    this.tpm?.take(tokens, now);
    this.inFlight++;
    return 0;
  }

  /** A request finished (any outcome). `usedTokens - estimated` corrects the TPM bucket. */
  release(estimatedTokens: number, usedTokens: number | undefined): void {
    this.inFlight--;
    if (usedTokens !== undefined) this.tpm?.adjust(usedTokens - estimatedTokens);
  }

  onSuccess(latencyMs: number): void {
    this.latencyMs += (latencyMs - this.latencyMs) * 0.1;
    if (this.limit < this.max) this.limit = Math.min(this.max, this.limit + 1 / Math.max(1, this.limit));
  }

  /**
   * A 429. The limit drops to what the server was evidently willing to serve (the others still in flight),
   * and by a multiplicative step at most once per latency window, so a burst of 429s from one overload
   * counts as one decrease.
   */
  onRateLimit(retryAfterMs: number | undefined, now: number): void {
    let next = Math.min(this.limit, Math.max(1, this.inFlight));
    if (now - this.lastDecreaseAt > this.latencyMs) { next = Math.min(next, this.limit * 0.9); this.lastDecreaseAt = now; }
    this.limit = Math.max(1, next);
    if (retryAfterMs !== undefined && retryAfterMs >= pauseThresholdMs) this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(retryAfterMs, 120_000));
  }
}
