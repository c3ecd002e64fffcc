import * as vscode from 'vscode';
import type { RunResult } from '../../core/runner/runner';
import type { RunManifest } from '../../core/store/runs';
import { Store } from '../../core/store/store';
import type { Services } from '../services';

/**
 * "Cancel Batch Jobs": cancels a run's submitted batch jobs at the provider and stores what they finished.
 * Arguments: a Runs tree node, a run id, or `{ runId, confirm: false }` (tests, scripts); without one, a pick
 * among the runs whose jobs are out.
 */
export async function cancelBatchJobs(s: Services, arg: unknown): Promise<RunResult | undefined> {
  const o = arg && typeof arg === 'object' ? arg as { manifest?: RunManifest; runId?: unknown; confirm?: unknown } : {};
  let runId = typeof arg === 'string' ? arg : o.manifest?.runId ?? (typeof o.runId === 'string' ? o.runId : undefined);
  if (!runId) {
    const parsed = await s.project.project();
    const open = parsed ? Store.openForProject(parsed.project).runsWithOpenBatchJobs() : [];
    if (!open.length) { void vscode.window.showInformationMessage('Prompt Adapt: no run has batch jobs out.'); return undefined; }
    runId = open.length === 1 ? open[0] : await vscode.window.showQuickPick(open, { title: 'Cancel the batch jobs of which run?' });
    if (!runId) return undefined;
  }
  const go = o.confirm === false || await vscode.window.showWarningMessage(`Cancel the batch jobs of run ${runId} at the provider? Results they finished are kept; the rest is sent when you run the prompt again.`, { modal: true }, 'Cancel Batch Jobs');
  return go ? s.runs.cancelBatchJobs(runId) : undefined;
}
