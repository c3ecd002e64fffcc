// The final status of a run, from its counts. A run with failures is never "complete": results computed from it
// would silently leave examples out (a prompt that cannot render makes every request fail).
import type { RunStatus } from '../store/runs';

export function finalStatus(x: { cancelled: boolean; total?: number; withOutput: number; errors: number; skipped: number }): RunStatus {
  if (x.cancelled) return 'cancelled';
  const missing = x.total !== undefined ? x.total - x.withOutput : x.errors + x.skipped;
  if (missing <= 0 && x.skipped === 0) return 'complete';
  return x.withOutput === 0 ? 'failed' : 'incomplete';
}
