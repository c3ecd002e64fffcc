// What the runner does with a failed request: stop the endpoint or the candidate, retry after a delay, or
// record the error on the row. Pure: the dispatcher applies the decision.
import { isAbortError, toMessage } from '../errors';
import { actionFor, ProviderError, redact } from '../providers/provider';
import type { ErrorKind } from '../store/records';

export interface RetryPolicy {
  /** Retries of transient failures (5xx, timeouts, resets, malformed bodies) per request. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * How long a rate-limited request keeps waiting and retrying, from its first 429, before it is recorded as
   * failed. Rate limits are the server pacing us, not a fault: the default is generous.
   */
  rateLimitWaitMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 8000, rateLimitWaitMs: 30 * 60_000 };

/** A request's failure history: transient failures, 429s, and when the first 429 came. */
export interface Attempts { attempts: number; rateLimits: number; rateLimitedSince?: number }

export type FailureDecision =
  | { action: 'stop-endpoint'; kind: ErrorKind; message: string }
  | { action: 'stop-candidate'; kind: ErrorKind; message: string }
  /** Retry after `delayMs`; `rateLimited` carries the server's requested wait for the endpoint's pacing. */
  | { action: 'retry'; kind: ErrorKind; delayMs: number; message: string; rateLimited?: { retryAfterMs?: number } }
  /** Record an error row. */
  | { action: 'record'; kind: ErrorKind; message: string; rowMessage: string; rateLimited?: { retryAfterMs?: number } }
  | { action: 'cancel' };

/** Why an endpoint stopped, by error kind (the provider's message follows). */
const stopReason: Partial<Record<ErrorKind, string>> = { quota: 'out of quota', config: 'configuration error', auth: 'authentication failed' };

/** Any error as a classified, redacted ProviderError (aborts count as transient). */
export function asProviderError(err: unknown): ProviderError {
  return err instanceof ProviderError ? err : new ProviderError(isAbortError(err) ? 'transient' : 'unknown', redact(toMessage(err)));
}

/**
 * Decides what to do with a failure at time `now` (ms); counts the attempt in `a`. `random` spreads retries
 * (tests pass a constant).
 */
export function decideOnFailure(e: ProviderError, a: Attempts, policy: RetryPolicy, candidateModel: string, now: number, random: () => number = Math.random): FailureDecision {
  switch (actionFor(e.kind)) {
    case 'stop-endpoint':
      return { action: 'stop-endpoint', kind: e.kind, message: `${stopReason[e.kind] ?? 'authentication failed'}: ${e.message}` };
    case 'stop-candidate':
      return { action: 'stop-candidate', kind: e.kind, message: `model '${candidateModel}' not found: ${e.message}` };
    case 'rate-limit': {
      const rateLimited = { retryAfterMs: e.details.retryAfterMs };
      a.rateLimits++;
      a.rateLimitedSince ??= now;
      // The server's retry-after is exact (however short); without one, back off exponentially with jitter.
      const delayMs = e.details.retryAfterMs ?? jitter(250 * 2 ** Math.min(a.rateLimits - 1, 5), policy.maxDelayMs, random);
      if (now + delayMs - a.rateLimitedSince > policy.rateLimitWaitMs) {
        const waited = `${Math.round((now - a.rateLimitedSince) / 1000)} s`;
        return { action: 'record', kind: 'rate-limit', message: `still rate limited after waiting ${waited} (${a.rateLimits} tries)`, rowMessage: e.message, rateLimited };
      }
      return { action: 'retry', kind: 'rate-limit', delayMs, message: `rate limited; pacing requests and retrying (${e.message})`, rateLimited };
    }
    case 'retry':
      if (++a.attempts > policy.maxRetries) {
        return { action: 'record', kind: e.kind, message: `failed after ${policy.maxRetries} retries: ${e.message}`, rowMessage: e.message };
      }
      return { action: 'retry', kind: e.kind, message: `retrying after: ${e.message}`,
        delayMs: Math.max(e.details.retryAfterMs ?? 0, jitter(policy.baseDelayMs * 2 ** (a.attempts - 1), policy.maxDelayMs, random)) };
    case 'record':
      return { action: 'record', kind: e.kind, message: e.message, rowMessage: e.message };
    case 'cancel':
      return { action: 'cancel' };
  }
}

/** Half the delay plus up to half again at random: spreads retries of a burst apart. */
export function jitter(ms: number, cap: number, random: () => number = Math.random): number {
  const d = Math.min(ms, cap);
  return d / 2 + random() * (d / 2);
}
