// Per-endpoint admission control: a concurrency limit that drops on 429s and creeps back up (AIMD), optional
// requests/tokens-per-minute token buckets from the endpoint's settings, budgets learned from the server's
// `x-ratelimit-*` headers, and a pause when the server asks for a long wait.
import type { LimitState, ServerRateLimits } from '../providers/rateLimits';
import { SlotProbe, type SlotFinding } from './slotProbe';

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

/**
 * One of the server's limits as its headers describe it: what is left, refilled at the rate the headers imply
 * ((limit − remaining) / time to full). Without a reset time the rate is unknown: an exhausted budget then holds
 * until the server's retry-after (or a second) has passed, and the next response tells again.
 */
export class ServerBudget {
  private ratePerMs = 0;
  private capacity = Infinity;
  private tokens = Infinity;
  private last = 0;
  private heldUntil = 0;

  /** Takes in what a response said; `retryAfterMs` (from a 429) holds an exhausted budget at least that long. */
  observe(s: LimitState, now: number, retryAfterMs?: number): void {
    this.refill(now);
    if (s.limit !== undefined) this.capacity = s.limit;
    if (s.limit !== undefined && s.resetMs !== undefined && s.resetMs > 0 && s.limit > s.remaining) this.ratePerMs = (s.limit - s.remaining) / s.resetMs;
    // The server's count lags (in-flight requests it has not seen yet), so it may lower our estimate, never raise it;
    // without a rate, refills are unknown and the server's word is all there is.
    this.tokens = this.ratePerMs > 0 ? Math.min(this.tokens, s.remaining) : s.remaining;
    if (s.remaining < 1) this.heldUntil = Math.max(this.heldUntil, now + (retryAfterMs ?? (this.ratePerMs > 0 ? 0 : s.resetMs ?? 1000)));
  }

  /** Ms until `cost` may be spent (0 = now). A large cost only needs a full budget, so it is never starved. */
  wait(cost: number, now: number): number {
    if (now < this.heldUntil) return this.heldUntil - now;
    this.refill(now);
    const need = Math.min(cost, this.capacity) - this.tokens;
    if (need <= 0) return 0;
    if (this.ratePerMs > 0) return Math.ceil(need / this.ratePerMs);
    this.tokens = Infinity; // the hold is over and nothing says otherwise: try, and let the next response tell
    return 0;
  }

  take(cost: number, now: number): void { this.refill(now); this.tokens -= cost; }

  private refill(now: number): void {
    if (this.ratePerMs > 0 && this.tokens < this.capacity) this.tokens = Math.min(this.capacity, this.tokens + Math.max(0, now - this.last) * this.ratePerMs);
    this.last = now;
  }
}

export interface SchedulerLimits { maxConcurrency: number; requestsPerMinute?: number; tokensPerMinute?: number }

/**
 * Server waits at or above this pause the whole endpoint when the server does not say which budget ran out;
 * shorter ones only delay the request that got them (a concurrency cap answers 429 with `retry-after: 1` while it
 * keeps serving everything else).
 */
const pauseThresholdMs = 5000;

export class EndpointScheduler {
  /** The current concurrency limit (fractional: additive increase is 1 per window of `limit` successes). */
  limit: number;
  inFlight = 0;
  pausedUntil = 0;
  /** The most requests in flight: the configured concurrency, or less once the server showed it serves fewer. */
  max: number;
  private readonly rpm?: TokenBucket;
  private readonly tpm?: TokenBucket;
  private readonly serverRequests = new ServerBudget();
  private readonly serverTokens = new ServerBudget();
  private lastDecreaseAt = -Infinity;
  /** Smoothed request latency; one "window" for AIMD purposes. */
  private latencyMs = 1000;
  /** Finds out, at the start, whether the server serves fewer requests at once than `max` (see slotProbe.ts). */
  private readonly probe: SlotProbe;

  constructor(limits: SchedulerLimits) {
    this.max = Math.max(1, Math.floor(limits.maxConcurrency));
    this.limit = this.max;
    this.probe = new SlotProbe(this.max);
    if (limits.requestsPerMinute) this.rpm = new TokenBucket(limits.requestsPerMinute);
    if (limits.tokensPerMinute) this.tpm = new TokenBucket(limits.tokensPerMinute);
  }

  /** 0 when a request estimated at `tokens` may start now; otherwise ms to wait (Infinity: wait for a slot). */
  admit(tokens: number, now: number): number {
    if (this.inFlight >= Math.floor(this.limit)) return Infinity;
    if (now < this.pausedUntil) return this.pausedUntil - now;
    const w = Math.max(this.rpm?.wait(1, now) ?? 0, this.tpm?.wait(tokens, now) ?? 0, this.serverRequests.wait(1, now), this.serverTokens.wait(tokens, now));
    if (w > 0) return w;
    this.rpm?.take(1, now);
    this.tpm?.take(tokens, now);
    this.serverRequests.take(1, now);
    this.serverTokens.take(tokens, now);
    this.inFlight++;
    return 0;
  }

  /** A request finished (any outcome). `usedTokens - estimated` corrects the TPM bucket. */
  release(estimatedTokens: number, usedTokens: number | undefined): void {
    this.inFlight--;
    if (usedTokens !== undefined) this.tpm?.adjust(usedTokens - estimatedTokens);
  }

  onSuccess(latencyMs: number, rateLimits?: ServerRateLimits, now = performance.now()): void {
    this.latencyMs += (latencyMs - this.latencyMs) * 0.1;
    if (this.limit < this.max && this.probe.level === undefined) this.limit = Math.min(this.max, this.limit + 1 / Math.max(1, this.limit));
    if (rateLimits) this.observe(rateLimits, now);
  }

  /**
   * A request sent with `inFlightAtSend` in flight (itself included) answered in `latencyMs` (from send). While the
   * slot probe runs, its level is the limit; a finding lowers `max` for the rest of the run and is returned.
   */
  onLatency(latencyMs: number, inFlightAtSend: number): SlotFinding | undefined {
    const step = this.probe.observe(latencyMs, inFlightAtSend);
    if (!step) return undefined;
    if ('next' in step) { this.limit = step.next; return undefined; }
    if (step.settled) this.max = step.settled.limit;
    this.limit = this.max;
    return step.settled;
  }

  /**
   * A 429. When the server's headers show a spent budget, that budget holds admissions until it refills (however
   * short the wait) and concurrency stays. Otherwise the limit drops to what the server was evidently willing to
   * serve (the others still in flight), and by a multiplicative step at most once per latency window, so a burst
   * of 429s from one overload counts as one decrease.
   */
  onRateLimit(retryAfterMs: number | undefined, now: number, rateLimits?: ServerRateLimits): void {
    this.stopProbe();
    if (rateLimits && this.observe(rateLimits, now, retryAfterMs)) return;
    let next = Math.min(this.limit, Math.max(1, this.inFlight));
    if (now - this.lastDecreaseAt > this.latencyMs) { next = Math.min(next, this.limit * 0.9); this.lastDecreaseAt = now; }
    this.limit = Math.max(1, next);
    if (retryAfterMs !== undefined && retryAfterMs >= pauseThresholdMs) this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(retryAfterMs, 120_000));
  }

  /**
   * A request timed out: on a server that queues what it cannot serve, the others in flight will too, so the limit
   * halves (once per latency window: a wave of timeouts is one signal) and the probe stops.
   */
  onTimeout(now: number): void {
    this.stopProbe();
    if (now - this.lastDecreaseAt <= this.latencyMs) return;
    this.lastDecreaseAt = now;
    this.limit = Math.max(1, Math.floor(Math.min(this.limit, this.inFlight + 1) / 2));
  }

  /** A server that rate limits is paced by its 429s and headers: the slot probe stops, back at full concurrency. */
  private stopProbe(): void {
    if (this.probe.level === undefined) return;
    this.probe.abandon();
    this.limit = this.max;
  }

  /** Feeds the server's budgets; true when one of them is spent (which explains a 429). */
  private observe(r: ServerRateLimits, now: number, retryAfterMs?: number): boolean {
    if (r.requests) this.serverRequests.observe(r.requests, now, retryAfterMs);
    if (r.tokens) this.serverTokens.observe(r.tokens, now, retryAfterMs);
    return (r.requests !== undefined && r.requests.remaining < 1) || (r.tokens !== undefined && r.tokens.remaining < Math.max(1, (r.tokens.limit ?? 0) * 0.01));
  }
}
