import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadRunOutputs, outputDocument, type OutputBlock, type RunOutputs } from '../../core/storedOutputs/runOutputs';
import type { RunManifest } from '../../core/store/runs';
import { Store, storeGlobs } from '../../core/store/store';
import { Disposable } from '../disposable';
import type { ProjectModel } from '../project/projectModel';

export const OUTPUT_SCHEME = 'prompt-adapt-output';
/** Examples per output document: beyond this the document says how many it leaves out. */
export const OUTPUTS_PER_DOCUMENT = 2000;

/** `prompt-adapt-output:/<runId>/<candidateId>.md` — read-only, one per (run, candidate). */
export const outputUri = (runId: string, candidateId: string, exampleId?: string): vscode.Uri =>
  vscode.Uri.from({ scheme: OUTPUT_SCHEME, path: `/${runId}/${candidateId}.md`, fragment: exampleId ?? '' });

export function parseOutputUri(uri: vscode.Uri): { runId: string; candidateId: string } | undefined {
  const m = /^\/([^/]+)\/(.+)\.md$/.exec(uri.path);
  return m ? { runId: m[1]!, candidateId: m[2]! } : undefined;
}

/** A rendered output document: its text and where each example's answer is. */
export interface RenderedOutputs { text: string; blocks: OutputBlock[]; total: number; run: RunOutputs }

/** Runs' outputs, loaded lazily and cached until a run changes. */
export class OutputsModel extends Disposable {
  private readonly runs = new Map<string, Promise<RunOutputs | undefined>>();
  private readonly docs = new Map<string, Promise<RenderedOutputs | undefined>>();
  /** The store's run manifests, read once per change (every open prompt asks for its latest run). */
  private manifests: Promise<RunManifest[]> | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly project: ProjectModel, runFinished: vscode.Event<unknown>) {
    super();
    const reset = (): void => this.refresh();
    this.register(runFinished(reset));
    this.register(project.onDidChange(reset));
    const verdicts = this.register(vscode.workspace.createFileSystemWatcher(storeGlobs.runOutputs));
    this.register(verdicts.onDidChange(reset));
    this.register(verdicts.onDidCreate(reset));
  }

  /** Forgets what was read: the next use reads the store again (a file watcher can be late). */
  refresh(): void { this.runs.clear(); this.docs.clear(); this.manifests = undefined; this.changed.fire(); }

  private async root(): Promise<{ store: Store; project?: import('../../core/project/types').ProjectFile } | undefined> {
    const parsed = await this.project.project();
    if (parsed) return { store: Store.openForProject(parsed.project), project: parsed.project };
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder && { store: Store.openInFolder(folder.uri.fsPath) };
  }

  run(runId: string): Promise<RunOutputs | undefined> {
    let p = this.runs.get(runId);
    if (!p) {
      p = this.root().then((r) => (r ? loadRunOutputs(r.store, runId, r.project) : undefined));
      this.runs.set(runId, p);
    }
    return p;
  }

  rendered(runId: string, candidateId: string): Promise<RenderedOutputs | undefined> {
    const key = `${runId}/${candidateId}`;
    let p = this.docs.get(key);
    if (!p) {
      p = this.run(runId).then((run) => run && { ...outputDocument(run, candidateId, OUTPUTS_PER_DOCUMENT), run });
      this.docs.set(key, p);
    }
    return p;
  }

  /** The newest run of a prompt file that has outputs. */
  async latestRunOf(promptPath: string): Promise<RunOutputs | undefined> {
    const r = await this.root();
    if (!r) return undefined;
    const runs = await this.allRuns();
    const projectDir = r.store.folder;
    const mine = runs.find((m) => m.prompt && path.resolve(projectDir, m.prompt.path) === path.resolve(promptPath) && (m.counts.requested + m.counts.cached + m.counts.resumed) > 0);
    return mine && this.run(mine.runId);
  }

  allRuns(): Promise<RunManifest[]> {
    this.manifests ??= this.root().then((r) => (r ? r.store.listRuns() : []));
    return this.manifests;
  }
}
