// What a server says about its rate limits in `x-ratelimit-*` headers (OpenAI, Azure OpenAI and many
// compatible gateways send them on every response, 429s included), read into numbers the scheduler paces by.

/** One limit (requests or tokens): the budget, what is left of it, and when it is full again. */
export interface LimitState {
  /** The budget per window (`x-ratelimit-limit-*`), when sent. */
  limit?: number;
  /** What is left now (`x-ratelimit-remaining-*`). */
  remaining: number;
  /** Ms until the budget is full again (`x-ratelimit-reset-*`), when sent. */
  resetMs?: number;
}

export interface ServerRateLimits {
  requests?: LimitState;
  tokens?: LimitState;
}

const unitMs: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * Ms of a reset duration: Go-style `1s`, `6m0s`, `20ms`, `1h2m3.5s`, or plain seconds (`0.5`); undefined when
 * unreadable or negative.
 */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0, matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) { total += Number(m[1]) * unitMs[m[2]!]!; matched = re.lastIndex; }
  return matched > 0 && matched === t.length ? total : undefined;
}

function number(v: string | null | undefined): number | undefined {
  if (v === null || v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function limitState(get: (name: string) => string | null | undefined, kind: 'requests' | 'tokens'): LimitState | undefined {
  const remaining = number(get(`x-ratelimit-remaining-${kind}`));
  if (remaining === undefined) return undefined;
  const state: LimitState = { remaining };
  const limit = number(get(`x-ratelimit-limit-${kind}`));
  if (limit !== undefined && limit > 0) state.limit = limit;
  const reset = get(`x-ratelimit-reset-${kind}`);
  const resetMs = reset ? parseDurationMs(reset) : undefined;
  if (resetMs !== undefined) state.resetMs = resetMs;
  return state;
}

/** The rate-limit headers of a response, or undefined when it sends none. */
export function parseRateLimitHeaders(get: (name: string) => string | null | undefined): ServerRateLimits | undefined {
  const requests = limitState(get, 'requests');
  const tokens = limitState(get, 'tokens');
  if (!requests && !tokens) return undefined;
  return { ...(requests ? { requests } : {}), ...(tokens ? { tokens } : {}) };
}
