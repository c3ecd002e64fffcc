// The walkthrough's steps tick on what the user did, whatever the route: a comparison panel opened by the command,
// the CodeLens or a restore; labels given in the panel or the Test Explorer; a run started anywhere; a report
// exported by the command or the panel's Export button. Each event sets
// a context key that package.json's `completionEvents` wait for (`onContext:promptAdapt.walkthrough.*`).
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { settings } from '../settings';
import type { Services } from '../services';

/** The steps that tick on events, and their context keys. */
export const WALKTHROUGH_KEYS = {
  endpoint: 'promptAdapt.walkthrough.endpoint',
  ran: 'promptAdapt.walkthrough.ran',
  compared: 'promptAdapt.walkthrough.compared',
  labelled: 'promptAdapt.walkthrough.labelled',
  exported: 'promptAdapt.walkthrough.exported',
} as const;
type Step = keyof typeof WALKTHROUGH_KEYS;

/** The comparison panel's webview tab, whichever command or restore opened it. */
const isComparisonTab = (t: vscode.Tab): boolean => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('promptAdapt.comparePanel');

export class WalkthroughProgress extends Disposable {
  /** The steps done in this window (tests read it; VS Code keeps the ticks itself). */
  readonly done = new Set<Step>();

  constructor(s: Pick<Services, 'runs' | 'review'>) {
    super();
    this.register(s.runs.onDidFinishRun(() => this.tick('ran')));
    this.register(s.review.onDidChangeLabels(() => this.tick('labelled')));
    this.register(s.review.onDidExportReport(() => this.tick('exported')));
    this.register(vscode.window.tabGroups.onDidChangeTabs((e) => { if (e.opened.some(isComparisonTab) || e.changed.some(isComparisonTab)) this.tick('compared'); }));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('promptAdapt.endpoints')) this.checkEndpoints(); }));
    this.checkEndpoints();
    if (vscode.window.tabGroups.all.some((g) => g.tabs.some(isComparisonTab))) this.tick('compared');
  }

  private checkEndpoints(): void {
    const { value } = settings.userEndpoints();
    if (value && typeof value === 'object' && Object.keys(value).length) this.tick('endpoint');
  }

  private tick(step: Step): void {
    if (this.done.has(step)) return;
    this.done.add(step);
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_KEYS[step], true);
  }
}
