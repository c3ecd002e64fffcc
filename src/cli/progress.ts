// Progress for logs. On a terminal, `run` redraws a bar in place; a CI log or a redirected stderr cannot show
// that, so there one plain line is printed every few seconds instead: counts, rate and time left, no control codes.
import type { RunProgress } from '../core/runner/runner';

/** Seconds between progress lines when stderr is not a terminal (default 5). */
export const PROGRESS_SECONDS_ENV = 'PROMPT_ADAPT_PROGRESS_SECONDS';

function intervalMs(env: NodeJS.ProcessEnv): number {
  const s = Number(env[PROGRESS_SECONDS_ENV]);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 5000;
}

export const formatDuration = (ms: number): string =>
  (ms < 60_000 ? `${Math.ceil(ms / 1000)}s` : `${Math.floor(ms / 60_000)}m${String(Math.ceil((ms % 60_000) / 1000)).padStart(2, '0')}s`);

/**
 * One progress line: "run R1: 12/40 (30%), 1 error, 3.9/s, ETA 8s, 4 in flight". The rate counts the requests this
 * process settled: rows resumed from an earlier session or taken from the cache took no time here.
 */
export function progressLine(label: string, p: RunProgress): string {
  const parts = [`${p.done}/${p.total ?? '?'}${p.total ? ` (${Math.floor((100 * p.done) / p.total)}%)` : ''}`];
  if (p.counts.errors) parts.push(`${p.counts.errors} error${p.counts.errors === 1 ? '' : 's'}`);
  if (p.elapsedMs > 0) parts.push(`${((1000 * p.requestsDone) / p.elapsedMs).toFixed(1)}/s`);
  if (p.etaMs !== undefined) parts.push(`ETA ${formatDuration(p.etaMs)}`);
  parts.push(`${p.inFlight} in flight`);
  return `${label}: ${parts.join(', ')}`;
}

/**
 * A progress sink for a stream that is not a terminal: prints a line when `interval` has passed since the last
 * one (or since the start), and a last line when the work ends (`done === total`) after at least one line.
 */
export function progressLines(print: (line: string) => void, env: NodeJS.ProcessEnv = process.env, now: () => number = () => Date.now()): (label: string, p: RunProgress) => void {
  const every = intervalMs(env);
  let last = now();
  const lastShown = new Map<string, number>();
  return (label, p) => {
    const t = now();
    const finished = p.total !== undefined && p.done >= p.total && lastShown.has(label) && lastShown.get(label) !== p.done;
    if (t - last < every && !finished) return;
    last = t;
    lastShown.set(label, p.done);
    print(progressLine(label, p));
  };
}
