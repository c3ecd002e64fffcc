// "Adapt for…": write prompt variants for a target candidate and accept one only on the sealed part (the core's
// runAdaptation). The editor gathers the choices (candidate, strategies, rewriter), shows the core's estimate
// in a modal before anything is spent, runs with a cancellable progress notification and logs every step to
// the output channel; then opens each new variant beside its parent and the panel's Adaptation view.
// Never in an untrusted workspace: the rewriter and the candidate are model calls.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runAdaptation } from '../../core/adapt/adaptation';
import { describeEstimate, type AdaptationEstimate } from '../../core/adapt/budget';
import type { AdaptationRecord } from '../../core/adapt/record';
import { parseRewriter } from '../../core/adapt/rewriterCall';
import { STRATEGIES, STRATEGY_IDS, type StrategyId } from '../../core/adapt/strategies';
import { isAbortError, UserError } from '../../core/errors';
import { formatProblem } from '../../core/problems';
import { parsePromptText } from '../../core/prompt/load';
import type { JudgeModel, ProjectFile } from '../../core/project/types';
import type { EndpointsConfig } from '../../core/providers/endpoints';
import { ProviderPool } from '../../core/run/providerPool';
import { candidatesForPrompt } from '../../core/runner/projectPlan';
import { Store } from '../../core/store/store';
import { readEndpoints } from '../endpoints';
import type { Services } from '../services';
import { askMfaCode } from '../runs/runController';
import { openVariantDiffs } from './variantDiff';

/** What the command takes besides the prompt's Uri (from the decision view, tests, other commands). */
export interface AdaptArgs {
  /** The target candidate; asked when absent. */
  candidate?: string;
  /** Asked (all preselected) when absent. */
  strategies?: StrategyId[];
  /** The rewriter as ENDPOINT:MODEL; default the project's `adapt.rewriter`, else asked when a strategy needs one. */
  rewriter?: string;
  rounds?: number;
  maxCalls?: number;
  /** false: go ahead without the modal (the estimate is still logged). */
  confirm?: boolean;
  /** false: open neither the diffs nor the panel afterwards. */
  show?: boolean;
}

interface Choices { project: ProjectFile; promptPath: string; candidateId: string; strategies: StrategyId[]; rewriter?: JudgeModel; endpoints: EndpointsConfig }

const TITLE = 'Prompt Adapt: Adapt for…';

/** Refuses in an untrusted workspace, with the way to trust it. True when refused. */
export function refuseUntrusted(): boolean {
  if (vscode.workspace.isTrusted) return false;
  void vscode.window.showWarningMessage('Prompt Adapt does not adapt prompts in an untrusted workspace: adapting asks a rewriter model and the candidate. Trust this workspace first.',
    'Manage Workspace Trust').then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  return true;
}

export class Adapter {
  private running: { abort: AbortController; label: string } | undefined;

  constructor(private readonly s: Services, private readonly showPanel: () => void) {}

  /** The command: returns the adaptation record (undefined when refused or abandoned before it started). */
  async adapt(uri?: vscode.Uri, args: AdaptArgs = {}): Promise<AdaptationRecord | undefined> {
    if (refuseUntrusted()) return undefined;
    if (this.running) throw new UserError(`An adaptation is already running (${this.running.label}).`, 'Cancel it from its notification first.');
    const choices = await this.choose(uri, args);
    if (!choices) return undefined;
    const record = await this.run(choices, args);
    if (record && args.show !== false) await this.showResult(choices, record);
    return record;
  }

  /** The prompt, the project and the user's choices; undefined when the user backs out of a picker. */
  private async choose(uri: vscode.Uri | undefined, args: AdaptArgs): Promise<Choices | undefined> {
    const promptUri = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!promptUri) throw new UserError('Open a prompt file to adapt it.');
    const parsed = parsePromptText((await vscode.workspace.openTextDocument(promptUri)).getText(), promptUri.fsPath);
    const error = parsed.problems.find((p) => p.severity === 'error');
    if (error) throw new UserError(`The prompt has errors; fix them first: ${formatProblem(error)}`);
    const projectFile = await this.s.project.project();
    if (!projectFile) throw new UserError('Adapting needs a prompt-adapt.yml project file that names the candidates and test sets.');
    const projectError = projectFile.problems.find((p) => p.severity === 'error');
    if (projectError) throw new UserError(`prompt-adapt.yml has errors; fix them first: ${formatProblem(projectError)}`);
    const { project } = projectFile;
    const candidateId = args.candidate ?? await pickCandidate(project, promptUri.fsPath);
    if (!candidateId) return undefined;
    const strategies = args.strategies ?? await pickStrategies();
    if (!strategies?.length) return undefined;
    const endpoints = readEndpoints(this.s.log);
    const needsRewriter = strategies.some((id) => STRATEGIES[id].usesRewriter);
    const rewriter = args.rewriter !== undefined ? parseRewriter(args.rewriter) : project.adapt?.rewriter ?? (needsRewriter ? await askRewriter(endpoints) : undefined);
    if (needsRewriter && !rewriter) return undefined;
    return { project, promptPath: promptUri.fsPath, candidateId, strategies, rewriter, endpoints };
  }

  private async run(c: Choices, args: AdaptArgs): Promise<AdaptationRecord | undefined> {
    const label = `${path.basename(c.promptPath)} for ${c.candidateId}`;
    const abort = new AbortController();
    this.running = { abort, label };
    const pool = new ProviderPool({ endpoints: c.endpoints, deps: { secrets: this.s.secrets, mfaCodeProvider: askMfaCode } });
    this.s.log.info(`adapt: ${label} with ${c.strategies.join(', ')}${c.rewriter ? ` (rewriter ${c.rewriter.endpoint}:${c.rewriter.model})` : ''}`);
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Prompt Adapt: adapting ${label}`, cancellable: true }, (progress, token) => {
        token.onCancellationRequested(() => abort.abort());
        return runAdaptation({
          project: c.project, store: Store.openForProject(c.project), endpoints: c.endpoints, getProvider: pool.get, signal: abort.signal,
          log: (line) => { this.s.log.info(`adapt: ${line}`); progress.report({ message: line }); },
          promptPath: c.promptPath, candidateId: c.candidateId, strategies: c.strategies, rounds: args.rounds ?? 3, seal: c.project.adapt?.seal,
          rewriter: c.rewriter, limits: { maxCalls: args.maxCalls }, capAtEstimate: true,
          confirm: args.confirm === false ? undefined : (e) => confirmEstimate(e, label, args.maxCalls ?? e.calls.high),
        });
      });
    } catch (err) {
      if (!isAbortError(err)) throw err;
      this.s.log.info(`adapt: ${label}: cancelled`);
      void vscode.window.showInformationMessage(`Prompt Adapt: adapting ${label} was cancelled. Run it again to resume where it stopped.`);
      return undefined;
    } finally {
      pool.close();
      this.running = undefined;
    }
  }

  /** Stops the running adaptation (its record keeps what was done; running it again resumes). */
  cancel(): void {
    if (!this.running) { void vscode.window.showInformationMessage('Prompt Adapt: no adaptation is running.'); return; }
    this.s.log.info(`adapt: cancelling ${this.running.label}`);
    this.running.abort.abort();
  }

  /** The headline in a message, each new variant beside its parent, and the panel's Adaptation view. */
  private async showResult(c: Choices, r: AdaptationRecord): Promise<void> {
    if (r.stopped === 'not confirmed') { this.s.log.info('adapt: not confirmed; nothing was spent'); return; }
    const headline = r.acceptance?.headline ?? 'No variant reached the sealed part.';
    this.s.log.info(`adapt: ${r.id}: ${headline}${r.stopped ? ` (stopped early: ${r.stopped})` : ''}`);
    await openVariantDiffs(path.dirname(c.project.path), r.variants);
    this.showPanel();
    const text = r.stopped ? `Prompt Adapt: the adaptation stopped early (${r.stopped}). Run it again to resume. ${headline}` : `Prompt Adapt: ${headline}`;
    void vscode.window.showInformationMessage(text, 'Open Log').then((choice) => choice && this.s.log.show());
  }
}

async function pickCandidate(project: ProjectFile, promptPath: string): Promise<string | undefined> {
  // Only candidates this prompt is run on: an adopted row paired with another prompt is not this prompt's to adapt.
  const items = candidatesForPrompt(project, promptPath).map((c) => ({ label: c.id, description: `${c.model} on ${c.endpoint}` }));
  if (!items.length) throw new UserError(`Every candidate of ${path.basename(project.path)} is paired with another prompt, so this one has no candidate to adapt for.`);
  return (await vscode.window.showQuickPick(items, { title: `${TITLE} which candidate?`, placeHolder: 'The model the prompt should be adapted to' }))?.label;
}

async function pickStrategies(): Promise<StrategyId[] | undefined> {
  const items = STRATEGY_IDS.map((id) => ({ label: id, detail: STRATEGIES[id].summary, picked: true, id }));
  const picked = await vscode.window.showQuickPick(items, { title: `${TITLE} which strategies?`, canPickMany: true });
  return picked?.map((p) => p.id);
}

async function askRewriter(endpoints: EndpointsConfig): Promise<JudgeModel | undefined> {
  const text = await vscode.window.showInputBox({
    title: `${TITLE} which rewriter model?`, prompt: 'The model that rewrites the prompt, as ENDPOINT:MODEL (set adapt.rewriter in prompt-adapt.yml to skip this question)',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        const m = parseRewriter(v);
        return endpoints[m.endpoint] ? null : `No endpoint '${m.endpoint}' in promptAdapt.endpoints (there are: ${Object.keys(endpoints).join(', ') || 'none'}).`;
      } catch (err) { return (err as Error).message; }
    },
  });
  return text ? parseRewriter(text) : undefined;
}

/** The core's estimate in a modal; true = go ahead. */
async function confirmEstimate(e: AdaptationEstimate, label: string, maxNewCalls: number): Promise<boolean> {
  const detail = `${describeEstimate(e)} It stops before making more than ${maxNewCalls} new model calls. You can cancel at any time; running it again resumes.`;
  const go = await vscode.window.showWarningMessage(`Adapt ${label}?`, { modal: true, detail }, 'Adapt');
  return go === 'Adapt';
}
