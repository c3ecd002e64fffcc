// Batch jobs outlive the editor: when a project opens, every run with submitted jobs whose results are not stored
// yet is resumed in the background from the run's own record (polling, storing results, sending what the jobs
// never ran), with the state in a status-bar item and a notification when results arrive. Nothing waits on it.
// "Cancel Batch Jobs" on a run cancels its jobs at the provider and stores what they finished.
import * as vscode from 'vscode';
import { describeBatchEvent, describeInterrupted } from '../../core/batch/describe';
import type { BatchEvent } from '../../core/batch/driver';
import { batchJobsState, describeBatchJobs, isSubmittingMarker, type BatchJob } from '../../core/batch/types';
import { toMessage } from '../../core/errors';
import { RunSession } from '../../core/run/runSession';
import type { RunResult } from '../../core/runner/runner';
import { Store } from '../../core/store/store';
import { CommandId } from '../commands/ids';
import { Disposable } from '../disposable';
import { type EndpointSecrets, readEndpoints } from '../endpoints';
import type { Log } from '../log';
import type { ProjectModel } from '../project/projectModel';

/** How long providers take at most: OpenAI's completion window and Bedrock's default job timeout. */
const expectedWithinMs = 24 * 3600_000;

export class BatchWatcher extends Disposable {
  private readonly status = this.register(vscode.window.createStatusBarItem('promptAdapt.batch', vscode.StatusBarAlignment.Left, 49));
  /** Runs being resumed in the background, with their stop switch and their end. */
  private readonly active = new Map<string, { abort: AbortController; done: Promise<unknown> }>();
  private readonly lines = new Map<string, string>();
  /** What looking up a run's interrupted submissions found, for the cancel notification. */
  private readonly interrupted = new Map<string, string[]>();

  constructor(private readonly project: ProjectModel, private readonly secrets: EndpointSecrets, private readonly log: Log, private readonly finished: (r: RunResult) => void) {
    super();
    this.status.name = 'Prompt Adapt batch jobs';
    this.status.command = CommandId.showLog;
    this.register({ dispose: () => { for (const a of this.active.values()) a.abort.abort(); } });
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.resumeAll()));
  }

  /** The project's store, when there is a project. */
  private async store(): Promise<Store | undefined> {
    const parsed = await this.project.project();
    return parsed ? Store.openForProject(parsed.project) : undefined;
  }

  /** Resumes every run of the project whose batch jobs are out (on activation; never in an untrusted workspace). */
  async resumeAll(): Promise<string[]> {
    if (!vscode.workspace.isTrusted) return [];
    const store = await this.store();
    const runIds = store?.runsWithOpenBatchJobs() ?? [];
    for (const runId of runIds) void this.resume(store!, runId);
    return runIds;
  }

  /** Whether a run is being resumed in the background. */
  isResuming(runId: string): boolean { return this.active.has(runId); }

  /** Resumes one run in the background; resolves when its jobs are done (or it was stopped). */
  resume(store: Store, runId: string): Promise<RunResult | undefined> {
    const running = this.active.get(runId);
    if (running) return running.done as Promise<RunResult | undefined>;
    const abort = new AbortController();
    const saved = store.readBatchJobs(runId);
    this.log.info(`run ${runId}: resuming its batch jobs (${describeBatchJobs(saved) ?? 'none'})`);
    // Until the provider answers: the saved state (a crash may have left a submission "submitting…").
    const looking = saved.some(isSubmittingMarker) ? 'an interrupted submission is being looked up at the provider' : 'checking with the provider…';
    if (saved.length) this.lines.set(runId, `${batchJobsState(saved)}; ${looking}`);
    const session = this.session(runId);
    // With the project, the run's summary for its next comparison is built when the results are in.
    const done = this.project.project().catch(() => undefined).then((parsed) => session.resumeBatches({ store, runId, signal: abort.signal, project: parsed?.project }))
      .then((r) => { if (r) this.report(runId, r); return r; }, (err: unknown) => { this.log.warn(`run ${runId}: batch jobs not resumed: ${toMessage(err)}`); return undefined; })
      .finally(() => { session.close(); this.active.delete(runId); this.lines.delete(runId); this.show(); });
    this.active.set(runId, { abort, done });
    this.show();
    return done;
  }

  /** Stops waiting for a run's jobs here (they keep running at the provider); resolves once it stopped. */
  async stop(runId: string): Promise<void> {
    const a = this.active.get(runId);
    if (!a) return;
    a.abort.abort();
    await a.done;
  }

  /** Cancels a run's batch jobs at the provider and stores what they finished. */
  async cancel(runId: string): Promise<RunResult | undefined> {
    const store = await this.store();
    if (!store) return undefined;
    await this.stop(runId);
    const session = this.session(runId);
    this.interrupted.set(runId, []);
    try {
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Prompt Adapt: cancelling the batch jobs of run ${runId}` },
        async () => session.cancelBatches({ store, runId, project: (await this.project.project().catch(() => undefined))?.project }));
      if (!r) { void vscode.window.showInformationMessage(`Prompt Adapt: run ${runId} has no batch jobs out.`); return undefined; }
      const found = (this.interrupted.get(runId) ?? []).map((line) => ` ${line[0]!.toUpperCase()}${line.slice(1)}.`).join('');
      const message = `Batch jobs of run ${runId} cancelled: ${r.counts.requested} results they finished are stored; ${r.counts.skipped} requests they never ran are sent when you run the prompt again.${found}`;
      this.log.info(message);
      void vscode.window.showInformationMessage(`Prompt Adapt: ${message}`);
      this.finished(r);
      return r;
    } finally { session.close(); this.interrupted.delete(runId); }
  }

  private session(runId: string): RunSession {
    return new RunSession({
      endpoints: readEndpoints(this.log), providerDeps: { secrets: this.secrets }, log: this.log,
      events: { batch: (e) => this.onBatch(runId, e), issue: (i) => this.log.warn(`run ${runId}: ${i.message}`) },
    });
  }

  private onBatch(runId: string, e: BatchEvent): void {
    this.log.info(`run ${runId}: ${describeBatchEvent(e)}`);
    if (e.type === 'interrupted') this.interrupted.get(runId)?.push(describeInterrupted(e));
    if ('job' in e) this.lines.set(runId, statusLine(e.job));
    if (e.type === 'collected') void vscode.window.showInformationMessage(`Prompt Adapt: batch results arrived for run ${runId} (${e.results} stored${e.requeued ? `, ${e.requeued} sent again` : ''}).`);
    this.show();
  }

  private report(runId: string, r: RunResult): void {
    this.log.info(`run ${runId}: ${r.status} after resuming its batch jobs, $${r.cost.toFixed(4)}`);
    this.finished(r);
  }

  private show(): void {
    if (!this.active.size) { this.status.hide(); return; }
    const lines = [...this.active.keys()].map((id) => `run ${id}: ${this.lines.get(id) ?? 'checking its batch jobs…'}`);
    this.status.text = `$(cloud) batch: ${this.active.size === 1 ? this.lines.get([...this.active.keys()][0]!)?.replace(/;.*$/, '') ?? 'checking…' : `${this.active.size} runs waiting`}`;
    this.status.tooltip = `${lines.join('\n')}\nYou can keep working or close VS Code; waiting resumes when the project opens. Click for the log.`;
    this.status.show();
  }
}

/** State, counts, submitted time and expected completion of a job, for the status bar. */
export function statusLine(job: BatchJob): string {
  const { completed, failed, total } = job.counts;
  const submitted = new Date(job.submittedAt);
  const expected = new Date(submitted.getTime() + expectedWithinMs);
  return `${job.state} ${completed}/${total || job.keys.length}${failed ? ` (${failed} failed)` : ''}; submitted ${submitted.toLocaleString()}, expected by ${expected.toLocaleString()}`;
}
