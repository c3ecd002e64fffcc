// The one interface every model endpoint implements, and the error classification the scheduler acts on.
import type { ErrorKind } from '../store/records';
import type { RenderedMessage } from '../prompt/types';
import type { ProviderKind } from './registry';
import type { ServerRateLimits } from './rateLimits';

/** One chat request, already rendered. `params` uses the prompt file's camelCase names (temperature, maxTokens, topP, stop, seed, …). */
export interface CompletionRequest {
  model: string;
  messages: readonly RenderedMessage[];
  params?: Readonly<Record<string, unknown>>;
}

/** What one successful call returns. */
export interface Completion {
  text: string;
  finishReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  /** Time from the moment the request was sent to the full reply. */
  latencyMs: number;
  /** The model the server says answered (the reply's `model`), when it names one. */
  model?: string;
  requestId?: string;
  /** What the server's `x-ratelimit-*` headers said, when it sends them (the scheduler paces by them). */
  rateLimits?: ServerRateLimits;
}

/** What a reply without a usable answer still says: why it ended and the tokens it was billed for. */
export interface UnansweredReply {
  finishReason?: string;
  inputTokens?: number;
  outputTokens?: number;
}

/** A model endpoint. Implementations never retry: the runner's scheduler owns retries and backoff. */
export interface ModelProvider {
  readonly kind: ProviderKind;
  /** Throws `ProviderError` (or an abort error when `signal` fires). */
  complete(request: CompletionRequest, signal: AbortSignal): Promise<Completion>;
  /** Releases sockets; further calls fail. */
  close?(): void;
}

/** `details.code` of a request that ran out of time (the scheduler takes it as a sign of a server queueing requests). */
export const TIMEOUT_CODE = 'timeout';

/** A classified failure. `message` is already redacted (no keys). */
export class ProviderError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: { status?: number; code?: string; retryAfterMs?: number; requestId?: string; rateLimits?: ServerRateLimits;
      /** A 200 reply that holds no answer (its tokens are billed all the same). */
      reply?: UnansweredReply } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** What the scheduler does with an error kind. */
export type ErrorAction = 'stop-endpoint' | 'stop-candidate' | 'rate-limit' | 'retry' | 'record' | 'cancel';

export function actionFor(kind: ErrorKind): ErrorAction {
  switch (kind) {
    case 'auth': case 'quota': case 'config': return 'stop-endpoint';
    case 'model-not-found': return 'stop-candidate';
    case 'rate-limit': return 'rate-limit';
    case 'transient': case 'unknown': return 'retry';
    case 'bad-request': case 'context-length': case 'truncated': case 'empty-output': return 'record';
    case 'cancelled': return 'cancel';
  }
}

const contextLengthRe = /context[_ ]length|context window|maximum context|too many tokens|input is too long|prompt is too long|too long for|exceeds? the (?:maximum|max)/i;
const modelNotFoundRe = /model[_ ]not[_ ]found|does not exist|unknown model|model identifier is invalid|no such model|not found for model|model .* not found/i;
const quotaRe = /insufficient_quota|exceeded your current quota|billing/i;

/** Classifies an HTTP failure from any OpenAI-compatible server (status, `error.code`, `error.type`, message). */
export function classifyHttp(status: number | undefined, code: string | undefined, message: string): ErrorKind {
  const text = `${code ?? ''} ${message}`;
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return quotaRe.test(text) ? 'quota' : 'rate-limit';
  if (status === 402) return 'quota';
  if (status === 404) return modelNotFoundRe.test(text) || code === 'model_not_found' || !message ? 'model-not-found' : 'bad-request';
  if (status === 400 || status === 413 || status === 422) {
    if (contextLengthRe.test(text)) return 'context-length';
    if (code === 'model_not_found' || modelNotFoundRe.test(text)) return 'model-not-found';
    return 'bad-request';
  }
  if (status === 408 || status === 409 || (status !== undefined && status >= 500)) return 'transient';
  return status === undefined ? 'transient' : 'unknown';
}

/** Milliseconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date); undefined when absent or silly. */
export function parseRetryAfter(get: (name: string) => string | null | undefined, now = Date.now()): number | undefined {
  const ms = get('retry-after-ms');
  if (ms) { const n = Number(ms); if (Number.isFinite(n) && n >= 0) return n; }
  const s = get('retry-after');
  if (!s) return undefined;
  const n = Number(s);
  if (Number.isFinite(n) && n >= 0) return n * 1000;
  const t = Date.parse(s);
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
}

const keyLike = /\b(?:sk|pk|rk|key|ak)-[A-Za-z0-9_-]{8,}|\bBearer\s+[A-Za-z0-9._~+/=-]{8,}|\bAKIA[0-9A-Z]{12,}/g;

/** Removes the given secrets and anything that looks like an API key from a message. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out.replace(keyLike, '***');
}
