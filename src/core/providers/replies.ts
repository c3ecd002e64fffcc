// Reading what a server says about one reply beyond its text: whether it was cut at the token limit, whether it
// holds an answer at all, and whether its token counts are possible. Real servers send `content: null`, empty
// answers that ran out of tokens (reasoning models), and usage of -1 or 1e301; none of that is a real answer or cost.
import type { ErrorKind } from '../store/records';
import { ProviderError, type UnansweredReply } from './provider';

/** Finish reasons that mean the token limit ended the reply: OpenAI's `length`, Bedrock's and Anthropic's `max_tokens`. */
const TOKEN_LIMIT_REASONS: ReadonlySet<string> = new Set(['length', 'max_tokens', 'model_length']);

export const stoppedByTokenLimit = (finishReason: string | undefined): boolean => finishReason !== undefined && TOKEN_LIMIT_REASONS.has(finishReason);

/**
 * The error of a reply without answer text: `truncated` when the token limit ended it before any text came,
 * `empty-output` otherwise. `what` says what the server sent (e.g. "content: null"); `usage` is what the reply was
 * billed, kept on the error so the row keeps its tokens and cost.
 */
export function emptyReplyError(finishReason: string | undefined, what: string, usage: Omit<UnansweredReply, 'finishReason'> = {}): ProviderError {
  const kind: ErrorKind = stoppedByTokenLimit(finishReason) ? 'truncated' : 'empty-output';
  return new ProviderError(kind, kind === 'truncated'
    ? `the reply was cut at the token limit before any answer text (finish reason '${finishReason}', ${what}): raise maxTokens`
    : `the reply holds no answer (${what}${finishReason ? `, finish reason '${finishReason}'` : ''})`, { reply: { finishReason, ...usage } });
}

/**
 * Why a reply with text that the token limit ended is an error row: it is not a whole answer, so it is counted with
 * the rows that have no usable output (and not judged); its text stays on the row to read.
 */
export function cutAnswerMessage(finishReason: string | undefined, outputTokens: number | undefined): string {
  return `the reply was cut at the token limit (finish reason '${finishReason}'${outputTokens !== undefined ? `, ${outputTokens} output tokens` : ''}): `
    + 'its text is kept but it is not a whole answer, so it counts as an error and is not judged; raise maxTokens';
}

/** More tokens than any model takes or writes in one call: a count above this is a server's error, not usage. */
const MAX_PLAUSIBLE_TOKENS = 100_000_000;

/** A token count as reported, or undefined with the reason when it cannot be true (negative, fractional, not finite, absurd). */
export function checkTokenCount(n: unknown): { tokens?: number; problem?: string } {
  if (n === undefined || n === null) return {};
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > MAX_PLAUSIBLE_TOKENS) return { problem: String(n) };
  return { tokens: n };
}

/** Checked usage of one reply: impossible counts are dropped (the cost is then unknown), with a message saying which. */
export function checkUsage(inputTokens: unknown, outputTokens: unknown): { inputTokens?: number; outputTokens?: number; problem?: string } {
  const i = checkTokenCount(inputTokens);
  const o = checkTokenCount(outputTokens);
  const bad = [i.problem !== undefined ? `input tokens ${i.problem}` : '', o.problem !== undefined ? `output tokens ${o.problem}` : ''].filter(Boolean);
  return {
    ...(i.tokens !== undefined ? { inputTokens: i.tokens } : {}), ...(o.tokens !== undefined ? { outputTokens: o.tokens } : {}),
    ...(bad.length ? { problem: `the server reported impossible usage (${bad.join(', ')}); it was dropped and the cost of those replies is unknown` } : {}),
  };
}
