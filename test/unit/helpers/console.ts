/**
 * Runs `fn` with console.log/error captured (CLI commands print their results). `code` repeats `value`
 * for commands that return an exit code.
 */
export async function captureConsole<T>(fn: () => Promise<T>): Promise<{ value: T; code: T; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { err.push(a.join(' ')); };
  try {
    const value = await fn();
    return { value, code: value, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}
