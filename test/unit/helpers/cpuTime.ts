// CPU time of this thread, for tests that bound how much work a call does ("linear, not quadratic"): unlike
// wall-clock time it does not grow when other processes share the machine's cores, so the bound tells a slow
// algorithm from a loaded machine. Speed itself is measured by `npm run bench`.

const threadCpu = (): NodeJS.CpuUsage => (typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : process.cpuUsage());

/** Milliseconds of CPU this thread spends in `fn` (an async `fn` counts only this thread's work, not its waits). */
export async function cpuMsOf<T>(fn: () => T | Promise<T>): Promise<{ value: T; ms: number }> {
  const start = threadCpu();
  const value = await fn();
  const end = threadCpu();
  return { value, ms: (end.user - start.user + end.system - start.system) / 1000 };
}

/** `cpuMsOf` for synchronous work. */
export function cpuMsOfSync<T>(fn: () => T): { value: T; ms: number } {
  const start = threadCpu();
  const value = fn();
  const end = threadCpu();
  return { value, ms: (end.user - start.user + end.system - start.system) / 1000 };
}
