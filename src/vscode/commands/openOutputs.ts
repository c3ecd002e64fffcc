import * as vscode from 'vscode';
import type { RunManifest } from '../../core/store/runs';
import type { OutputDocuments } from '../outputs/outputDocuments';
import type { Services } from '../services';

/** The picker's status icons: a check mark only for a complete run. */
const STATUS_ICON: Record<RunManifest['status'], string> = { complete: '$(pass)', incomplete: '$(warning)', failed: '$(error)', cancelled: '$(circle-slash)', running: '$(sync)' };

/**
 * Opens a run's outputs for one candidate. Arguments: a run id (or a Runs tree node), a candidate id and an
 * example to reveal; whatever is missing is asked for.
 */
export async function openOutputs(s: Services, docs: OutputDocuments, run?: unknown, candidateId?: string, exampleId?: string): Promise<vscode.TextEditor | undefined> {
  let manifest: RunManifest | undefined;
  let runs = await s.outputs.allRuns();
  if (typeof run === 'string' && !runs.some((r) => r.runId === run)) {
    // A run written since the store was last read (its file watcher event may not have arrived yet).
    s.outputs.refresh();
    runs = await s.outputs.allRuns();
  }
  if (typeof run === 'string') manifest = runs.find((r) => r.runId === run);
  else if (run && typeof run === 'object' && 'manifest' in run) manifest = (run as { manifest: RunManifest }).manifest;
  if (!manifest) {
    if (runs.length === 0) { void vscode.window.showInformationMessage('Prompt Adapt: there are no runs yet. Run a prompt on candidates first.'); return undefined; }
    const pick = await vscode.window.showQuickPick(runs.map((r) => ({ label: `${STATUS_ICON[r.status] ?? ''} ${r.runId}`, description: `${r.prompt?.name ?? ''} on ${r.testSet?.id ?? ''} · ${r.status}`, r })), { title: 'Open the outputs of which run?' });
    manifest = pick?.r;
  }
  if (!manifest) return undefined;
  const candidate = candidateId ?? (manifest.candidates.length === 1 ? manifest.candidates[0]!.id
    : (await vscode.window.showQuickPick(manifest.candidates.map((c) => ({ label: c.id, description: c.model })), { title: 'Outputs of which candidate?' }))?.label);
  if (!candidate) return undefined;
  return docs.open(manifest.runId, candidate, exampleId);
}
