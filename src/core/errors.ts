/** True for the errors that cancellation produces (DOM AbortError, SDK user-abort errors). */
export function isAbortError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'AbortError' || err.name === 'APIUserAbortError' || (err as { code?: string }).code === 'ABORT_ERR';
}

/** A one-line message for any thrown value, for the user and the log. */
export function toMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try { return JSON.stringify(err); } catch { return String(err); }
}

/** An error the user can act on; `hint` says what to do about it. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(hint ? `${message} ${hint}` : message);
    this.name = 'UserError';
  }
}

/** The chain of `cause`s under an error, outermost first (bounded: a cycle cannot hang us). */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < 8 && !chain.includes(e); e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/**
 * What actually went wrong, for a message: wrappers such as "fetch failed" or "Connection error." hide the cause
 * the user can act on (`connect ECONNREFUSED 127.0.0.1:8081`), so the innermost cause with a message wins.
 * An AggregateError (several addresses tried) gives each of its errors' messages.
 */
export function causeMessage(err: unknown): string {
  const chain = causeChain(err);
  for (let i = chain.length - 1; i >= 0; i--) {
    const e = chain[i];
    if (e instanceof AggregateError && e.errors.length) return [...new Set(e.errors.map(causeMessage))].join('; ');
    const text = e instanceof Error ? e.message || (e as NodeJS.ErrnoException).code : typeof e === 'string' ? e : undefined;
    if (text) return text;
  }
  return toMessage(err);
}

const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);

/** The host name whose lookup failed, when a DNS failure is somewhere in the error's causes. */
export function dnsFailureHost(err: unknown): { host: string; code: string } | undefined {
  for (const e of causeChain(err)) {
    const errs = e instanceof AggregateError ? e.errors : [e];
    for (const x of errs) {
      const { code, hostname } = (x ?? {}) as { code?: string; hostname?: string };
      if (code && dnsCodes.has(code)) return { host: hostname ?? '(unknown host)', code };
    }
  }
  return undefined;
}
