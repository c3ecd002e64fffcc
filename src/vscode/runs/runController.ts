// "Run prompt on candidates": pick a test set and candidates, confirm large runs with an estimate, then run
// with a cancellable progress notification and a status-bar item. Never in an untrusted workspace.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toMessage, UserError } from '../../core/errors';
import { unusableMetrics, type JudgeRunSummary } from '../../core/metrics/evaluate';
import { formatStoreProblem } from '../../core/store/problems';
import { verdictsPath } from '../../core/store/verdicts';
import type { Candidate, ProjectFile } from '../../core/project/types';
import { formatProblem } from '../../core/problems';
import { parsePromptText } from '../../core/prompt/load';
import type { PromptFile } from '../../core/prompt/types';
import { RunSession } from '../../core/run/runSession';
import type { BatchEvent } from '../../core/batch/driver';
import type { RunMode } from '../../core/project/types';
import { describeBatchEvent } from '../../core/batch/describe';
import { RunRefused, refuseOnErrors } from '../../core/runner/preflight';
import { estimatePlan, type Range } from '../../core/runner/estimate';
import { candidatesForPrompt, type ProjectPlan } from '../../core/runner/projectPlan';
import type { RunProgress, RunResult } from '../../core/runner/runner';
import { costTotalText } from '../../core/runner/recorder';
import { Disposable } from '../disposable';
import { BatchWatcher } from './batchWatcher';
import { hasOpenBatchJobs } from '../../core/batch/types';
import { newRunId } from '../../core/store/runs';
import type { Store } from '../../core/store/store';
import { type EndpointSecrets, readEndpoints } from '../endpoints';
import type { Log } from '../log';
import { settings } from '../settings';
import type { ProjectModel } from '../project/projectModel';
import { CommandId } from '../commands/ids';

/** Arguments the command accepts from CodeLens (a Uri) or from tests and other commands (the object). */
export interface RunArgs {
  testSet?: string; candidates?: string[]; confirm?: boolean;
  /** false: do not run the project's metrics afterwards. */ judge?: boolean;
  /** live, batch or auto for every candidate; asked when a selected endpoint has a batch service. */ mode?: RunMode;
}

export class RunController extends Disposable {
  private readonly status = this.register(vscode.window.createStatusBarItem('promptAdapt.run', vscode.StatusBarAlignment.Left, 50));
  private current: { abort: AbortController; label: string; runId: string; done?: Promise<unknown> } | undefined;
  private readonly finished = this.register(new vscode.EventEmitter<RunResult>());
  /** Fires after every run, complete or not (the tree refreshes on it). */
  readonly onDidFinishRun = this.finished.event;

  /** Runs whose batch jobs are out, resumed in the background; cancelling jobs at the provider. */
  readonly batches: BatchWatcher;

  constructor(private readonly project: ProjectModel, private readonly secrets: EndpointSecrets, private readonly log: Log) {
    super();
    this.batches = this.register(new BatchWatcher(project, secrets, log, (r) => this.finished.fire(r)));
    this.status.name = 'Prompt Adapt run';
    this.status.command = CommandId.cancelRun;
  }

  cancel(): void {
    if (!this.current) { void vscode.window.showInformationMessage('Prompt Adapt: no run is in progress.'); return; }
    this.log.info(`cancelling ${this.current.label}`);
    this.current.abort.abort();
  }

  /**
   * Runs a prompt. A prompt or project with errors is refused before anything is sent: the message names the first
   * problem and "Go to Problem" opens it (the result is then undefined).
   */
  async run(uri?: vscode.Uri, args: RunArgs = {}): Promise<RunResult | undefined> {
    try {
      return await this.runChecked(uri, args);
    } catch (err) {
      if (!(err instanceof RunRefused)) throw err;
      this.refused(err);
      return undefined;
    }
  }

  /** The last refusal and the problem its "Go to Problem" opens (tests check what the user is pointed at). */
  lastRefusal: RunRefused | undefined;

  private refused(err: RunRefused): void {
    this.lastRefusal = err;
    for (const p of err.problems.slice(0, 20)) this.log.error(formatProblem(p));
    const first = err.problems[0]!;
    void vscode.window.showErrorMessage(`Prompt Adapt: ${err.message}`, 'Go to Problem').then(async (choice) => {
      if (!choice) return;
      const range = new vscode.Range(first.range.start.line, first.range.start.character, first.range.end.line, first.range.end.character);
      await vscode.window.showTextDocument(vscode.Uri.file(first.file), { selection: range });
    });
  }

  private async runChecked(uri?: vscode.Uri, args: RunArgs = {}): Promise<RunResult | undefined> {
    // The command checks trust itself: menus hide it, but commands can be invoked from anywhere.
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Prompt Adapt does not call models in an untrusted workspace. Trust this workspace to run prompts.', 'Manage Workspace Trust')
        .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
      return undefined;
    }
    if (this.current) throw new UserError(`A run is already in progress (${this.current.label}).`, 'Cancel it from the status bar first.');
    const promptUri = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!promptUri) throw new UserError('Open a prompt file to run it.');
    const promptText = (await vscode.workspace.openTextDocument(promptUri)).getText();
    const parsed = parsePromptText(promptText, promptUri.fsPath);
    refuseOnErrors(parsed.problems);
    const projectFile = await this.project.project();
    if (!projectFile) {
      const choice = await vscode.window.showWarningMessage('Running needs a prompt-adapt.yml project file that names the candidates and test sets.', 'Create Project File');
      if (choice) await vscode.commands.executeCommand(CommandId.createProjectFile);
      return undefined;
    }
    refuseOnErrors(projectFile.problems);
    const { project } = projectFile;

    const testSet = args.testSet ?? await pickTestSet(project.testSets.map((t) => t.id));
    if (!testSet) return undefined;
    const candidateIds = args.candidates ?? await pickCandidates(project, promptUri.fsPath);
    if (!candidateIds?.length) return undefined;
    if (pairedElsewhere(project, promptUri.fsPath, candidateIds)) return undefined;

    const endpoints = readEndpoints(this.log);
    const batchable = project.candidates.filter((c) => candidateIds.includes(c.id) && endpoints[c.endpoint]?.batch);
    const mode = args.mode ?? (batchable.length ? await pickMode(batchable.map((c) => c.id)) : undefined);
    if (batchable.length && !mode) return undefined;
    const session = new RunSession({
      endpoints, providerDeps: { secrets: this.secrets, mfaCodeProvider: askMfaCode }, log: this.log, mode,
      defaultConcurrency: settings.maxConcurrency(),
      events: {
        problem: (p) => this.log.warn(formatProblem(p)),
        issue: (i) => { this.log.warn(`${i.message}`); void vscode.window.showWarningMessage(`Prompt Adapt: ${i.message}`); },
        note: (m) => this.log.info(m),
        // Damaged lines of the response cache (ignored and asked again) or of a judged run's responses.
        storeProblem: (p) => this.log.warn(formatStoreProblem(p)),
      },
    });
    try {
      return await this.runInSession(session, { project, prompt: parsed.prompt, promptText, testSetId: testSet, candidateIds, args, label: `${parsed.prompt.name ?? path.basename(promptUri.fsPath)} on ${testSet}` });
    } finally {
      session.close();
    }
  }

  private async runInSession(session: RunSession, input: { project: ProjectFile; prompt: PromptFile; promptText: string; testSetId: string; candidateIds: string[]; args: RunArgs; label: string }): Promise<RunResult | undefined> {
    const { project, label, args } = input;
    const built = await session.planProject(input);
    const missing = session.undefinedEndpoint(built.candidates);
    if (missing) {
      const choice = await vscode.window.showErrorMessage(`Candidate '${missing.id}' uses endpoint '${missing.endpoint}', which is not defined in your user settings (promptAdapt.endpoints).`, 'Open User Settings');
      if (choice) await vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'promptAdapt.endpoints' } });
      return undefined;
    }
    if (args.confirm !== false && !(await confirmLargeRun(built, input.prompt))) return undefined;

    const abort = new AbortController();
    const runId = newRunId();
    this.current = { abort, label, runId };
    this.status.text = `$(sync~spin) ${label}`;
    this.status.tooltip = 'Prompt Adapt run in progress. Click to cancel.';
    this.status.show();
    try {
      const running = vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Prompt Adapt: ${label}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          let reported = 0;
          session.on({
            runProgress: (p) => {
              const pct = p.total ? (100 * p.done) / p.total : 0;
              progress.report({ increment: pct - reported, message: describe(p) });
              reported = pct;
              this.status.text = `$(sync~spin) ${p.done}/${p.total ?? '?'} ${label}`;
            },
            judging: () => progress.report({ message: 'judging the outputs…' }),
            batch: (e) => this.showBatch(e, label, (m) => progress.report({ message: m })),
            judgeProgress: (batch, p) => progress.report({ message: `judging (${batch}) ${p.done}/${p.total ?? '?'}` }),
          });
          const r = await session.runAndJudge(built.plan, { store: built.store, runId, project, judge: args.judge, signal: abort.signal });
          if (r.judged) for (const line of verdictLines(r.judged)) this.log.info(`run ${r.run.runId}: ${line}`);
          // A judge that gave not one verdict is reported like a judge that failed, with what happened.
          const unusable = r.judged ? unusableMetrics(r.judged, verdictsPath(built.store.runDir(r.run.runId))) : [];
          if (unusable.length) this.reportJudgeFailure(r.run.runId, new Error(unusable.map((u) => u.message).join(' ')));
          if (r.judgeError !== undefined) this.reportJudgeFailure(r.run.runId, r.judgeError);
          return r.run;
        });
      this.current.done = Promise.resolve(running).catch(() => undefined);
      const result = await running;
      this.reportRun(result, label);
      this.finished.fire(result);
      if (result.status === 'cancelled' && !this.cancellingJobs && hasOpenBatchJobs(built.store.readBatchJobs(runId))) void this.askAboutBatchJobs(built.store, runId);
      return result;
    } finally {
      this.current = undefined;
      this.status.hide();
    }
  }

  /** Set while "Cancel Batch Jobs" stops this window's run first (no question then). */
  private cancellingJobs = false;

  /** Cancels a run's batch jobs at the provider, after stopping this window's wait for them (foreground or background). */
  async cancelBatchJobs(runId: string): Promise<RunResult | undefined> {
    if (this.current?.runId === runId) {
      this.cancellingJobs = true;
      try { this.current.abort.abort(); await this.current.done; } finally { this.cancellingJobs = false; }
    }
    return this.batches.cancel(runId);
  }

  /** A run stopped while its batch jobs are out: cancel them at the provider too, or keep waiting in the background. */
  private async askAboutBatchJobs(store: Store, runId: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      `Prompt Adapt: run ${runId} stopped, but its batch jobs keep running at the provider (and are paid for). Cancel them too?`,
      'Cancel Batch Jobs', 'Keep Them Running');
    if (choice === 'Cancel Batch Jobs') await this.batches.cancel(runId);
    else if (choice === 'Keep Them Running') void this.batches.resume(store, runId);
  }

  /** Batch jobs show in the status bar (state, submitted, expected by) and the log; stored results get a notification. */
  private showBatch(e: BatchEvent, label: string, report: (m: string) => void): void {
    const line = describeBatchEvent(e);
    this.log.info(line);
    report(line);
    if (e.type === 'submitted' || e.type === 'state') {
      const expected = new Date(Date.parse(e.job.submittedAt) + 24 * 3600_000).toLocaleString();
      this.status.text = `$(cloud-upload) batch ${e.job.state}: ${label}`;
      this.status.tooltip = `${line}\nSubmitted ${new Date(e.job.submittedAt).toLocaleString()}; results expected by ${expected}.\nYou can keep working or close VS Code: waiting resumes when the project opens. Click to stop waiting.`;
    }
    if (e.type === 'collected') void vscode.window.showInformationMessage(`Prompt Adapt: batch results arrived for ${label} (${e.results} stored${e.requeued ? `, ${e.requeued} sent again` : ''}).`);
  }

  private reportRun(result: RunResult, label: string): void {
    const responses = result.counts.requested + result.counts.cached + result.counts.resumed;
    this.log.info(`run ${result.runId}: ${result.status}, ${responses} responses, ${result.missing} missing, ${costTotalText(result.cost, result.costUnknown)}`);
    const summary = `${result.status === 'cancelled' ? 'Cancelled' : result.status === 'complete' ? 'Finished' : result.status === 'failed' ? 'Failed' : 'Stopped'} ${label}: ${responses} responses, ${result.missing} without a response${result.cost || result.costUnknown ? `, ${costTotalText(result.cost, result.costUnknown, 2)}` : ''}.`;
    void (result.missing && result.status !== 'cancelled' ? vscode.window.showWarningMessage(`Prompt Adapt: ${summary} Run again to retry what is missing.`, 'Open Log').then((c) => c && this.log.show())
      : vscode.window.showInformationMessage(`Prompt Adapt: ${summary}`));
  }

  /** A judge endpoint that fails (e.g. not configured) skips judging with one message; the run itself stands. */
  private reportJudgeFailure(runId: string, err: unknown): void {
    this.log.warn(`run ${runId}: not judged: ${toMessage(err)}`);
    void vscode.window.showWarningMessage(`Prompt Adapt: the outputs were not judged: ${toMessage(err)}`, 'Open Log').then((c) => c && this.log.show());
  }
}

/** Asks before a run above the configured size, with a token and cost estimate; true = go ahead. */
async function confirmLargeRun(built: ProjectPlan, prompt: PromptFile): Promise<boolean> {
  const threshold = settings.confirmAboveRequests();
  if (built.plan.total! <= threshold) return true;
  const e = await estimatePlan(built, prompt);
  const cost = e.cost === undefined ? 'cost unknown (no price for some candidates)' : span(e.cost, (x) => `$${x.toFixed(2)}`);
  const go = await vscode.window.showWarningMessage(
    `Run ${e.requests.toLocaleString('en-US')} requests (${built.rows} examples × ${built.candidates.length} candidates)? About ${(e.inputTokens / 1000).toFixed(0)}k input and ${span(e.outputTokens, (x) => `${(x / 1000).toFixed(0)}k`)} output tokens, ${cost} (${e.basis}). Cached responses are not requested again.`,
    { modal: true }, 'Run');
  return go === 'Run';
}

/** "a–b" (or "a" when both ends read the same). */
function span(r: Range, fmt: (x: number) => string): string {
  const [lo, hi] = [fmt(r.low), fmt(r.high)];
  return lo === hi ? lo : `${lo}–${hi}`;
}

/** Verdicts to report for `judge`: counts per metric and candidate, as the log and the message show them. */
function verdictLines(summary: JudgeRunSummary): string[] {
  return Object.entries(summary.counts).flatMap(([metric, byCandidate]) => Object.entries(byCandidate).map(([c, v]) =>
    `${metric} · ${c}: ${v.correct}/${v.correct + v.incorrect} judged correct, ${v.idk} IDK, ${v.noVerdict} without a verdict`));
}

function describe(p: RunProgress): string {
  const eta = p.etaMs !== undefined ? `, ${Math.ceil(p.etaMs / 1000)} s left` : '';
  const errors = p.counts.errors ? `, ${p.counts.errors} errors` : '';
  return `${p.done}/${p.total ?? '?'}${errors}, ${((p.inputTokens + p.outputTokens) / 1000).toFixed(1)}k tokens${p.cost ? `, $${p.cost.toFixed(3)}` : ''}${eta}`;
}

async function pickTestSet(ids: string[]): Promise<string | undefined> {
  if (ids.length <= 1) return ids[0];
  return vscode.window.showQuickPick(ids, { title: 'Run on which test set?' });
}

/**
 * The candidates this prompt can be run on: a candidate paired with another prompt (an adopted variant) is left
 * out, since its row in the comparison uses only that prompt's outputs.
 */
async function pickCandidates(project: ProjectFile, promptPath: string): Promise<string[] | undefined> {
  const cands = candidatesForPrompt(project, promptPath);
  if (!cands.length) throw new UserError(`Every candidate of ${path.basename(project.path)} is paired with another prompt, so this prompt has no candidate to run on.`);
  const own = (c: Candidate): string => (c.prompt ? `, with ${path.basename(c.prompt)}` : '');
  const picked = await vscode.window.showQuickPick(cands.map((c) => ({ label: c.id, description: `${c.model} on ${c.endpoint}${own(c)}`, picked: true })),
    { title: 'Run on which candidates?', canPickMany: true });
  return picked?.map((p) => p.label);
}

/**
 * A candidate adopted with another prompt is not run on this one (its row in the comparison would never use the
 * outputs): says so, with the prompt to run instead. True when refused.
 */
function pairedElsewhere(project: ProjectFile, promptPath: string, candidateIds: readonly string[]): boolean {
  const allowed = new Set(candidatesForPrompt(project, promptPath).map((c) => c.id));
  const other = project.candidates.find((c) => candidateIds.includes(c.id) && !allowed.has(c.id));
  if (other) void vscode.window.showWarningMessage(`Prompt Adapt: candidate '${other.id}' is paired with ${other.prompt}, not with ${path.basename(promptPath)}. Run ${other.prompt} on it instead, or choose other candidates.`);
  return other !== undefined;
}

export async function askMfaCode(serial: string): Promise<string> {
  const code = await vscode.window.showInputBox({ title: 'AWS MFA code', prompt: `Code for ${serial}`, ignoreFocusOut: true, validateInput: (v) => (/^\d{6}$/.test(v) ? null : 'Six digits') });
  if (!code) throw new UserError('No MFA code entered.');
  return code;
}

/** Live or the provider's batch service, with what each costs in money and time. */
async function pickMode(batchable: readonly string[]): Promise<RunMode | undefined> {
  const items: (vscode.QuickPickItem & { mode: RunMode })[] = [
    { label: 'Live', description: 'results as they come', detail: 'One call per request at the full price.', mode: 'live' },
    { label: 'Batch', description: 'half price, results within 24 hours', detail: `${batchable.join(', ')} through the provider's batch service; you can keep working or close VS Code meanwhile.`, mode: 'batch' },
    { label: 'Auto', description: 'batch for large runs only', detail: 'Batch when an endpoint has more than 1,000 requests in this run, live otherwise.', mode: 'auto' },
  ];
  return (await vscode.window.showQuickPick(items, { title: 'How should the requests be sent?', ignoreFocusOut: true }))?.mode;
}
