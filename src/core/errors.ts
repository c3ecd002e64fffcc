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
