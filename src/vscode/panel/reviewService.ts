// The review session of the workspace's project, shared by the comparison panel and the Test Explorer: one
// place that reloads when the project, the runs or the labels files change, and tells both surfaces.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { ReviewSession, type ComparisonSource } from '../../core/review/session';
import { Store, storeGlobs } from '../../core/store/store';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import type { ProjectModel } from '../project/projectModel';

export class ReviewService extends Disposable {
  private current: { key: string; session: ReviewSession } | undefined;
  private readonly labelsChanged = this.register(new vscode.EventEmitter<string>());
  /** Fires with a test-set id after its labels changed (this session's labels, or the file changed on disk). */
  readonly onDidChangeLabels = this.labelsChanged.event;
  private readonly dataChanged = this.register(new vscode.EventEmitter<void>());
  /** Fires when runs or the project changed: everything derived must be recomputed. */
  readonly onDidChangeData = this.dataChanged.event;
  private readonly reportExported = this.register(new vscode.EventEmitter<vscode.Uri>());
  /** Fires with the file after a report was written, by the command or the panel's Export button. */
  readonly onDidExportReport = this.reportExported.event;

  constructor(private readonly project: ProjectModel, private readonly log: Log, onDidFinishRun: vscode.Event<unknown>, private readonly compare?: ComparisonSource) {
    super();
    const reset = (): void => { this.current?.session.invalidate(); this.dataChanged.fire(); };
    this.register(project.onDidChange(() => { this.current = undefined; this.dataChanged.fire(); }));
    this.register(onDidFinishRun(reset));
    // The session's own labels are already in memory: only a change made elsewhere (a git pull) is read again.
    const labels = this.register(vscode.workspace.createFileSystemWatcher(storeGlobs.labels));
    const onLabels = (uri: vscode.Uri): void => {
      const id = path.basename(uri.fsPath, '.jsonl');
      const s = this.current?.session;
      if (!s) return;
      void s.labelsFileChanged(id).then((changed) => changed && this.labelsChanged.fire(id), (err: unknown) => this.log.warn(`labels ${id}: ${String(err)}`));
    };
    this.register(labels.onDidChange(onLabels));
    this.register(labels.onDidCreate(onLabels));
    this.register(labels.onDidDelete(onLabels));
    const verdicts = this.register(vscode.workspace.createFileSystemWatcher(storeGlobs.verdicts));
    this.register(verdicts.onDidChange(reset));
    this.register(verdicts.onDidCreate(reset));
  }

  /** The session of the current project file; throws a UserError when there is none or it has errors. */
  async session(): Promise<ReviewSession> {
    const parsed = await this.project.project();
    if (!parsed) throw new UserError('Comparing needs a prompt-adapt.yml project file.');
    if (parsed.problems.some((p) => p.severity === 'error')) throw new UserError('prompt-adapt.yml has errors; fix them first (see the Problems panel).');
    const key = parsed.project.path;
    if (this.current?.key !== key) {
      this.current = { key, session: new ReviewSession({ project: parsed.project, store: Store.openForProject(parsed.project), reviewer: reviewerName(), compare: this.compare }) };
    }
    return this.current.session;
  }

  /** Tells listeners that labels of a test set changed through this session. */
  didLabel(testSetId: string): void { this.labelsChanged.fire(testSetId); }

  /** Tells listeners that a report was written to `file`. */
  didExport(file: vscode.Uri): void { this.reportExported.fire(file); }
}

function reviewerName(): string | undefined {
  try { return os.userInfo().username || undefined; } catch { return undefined; }
}
