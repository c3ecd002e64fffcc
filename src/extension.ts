import * as vscode from 'vscode';
import { panelDeps, registerCommands } from './vscode/commands';
import { registerCodeLens } from './vscode/language/codeLens';
import { PromptLanguage } from './vscode/language/promptLanguage';
import { OutputDocuments } from './vscode/outputs/outputDocuments';
import { PromptStyle } from './vscode/outputs/promptStyle';
import { ComparePanel, registerComparePanel } from './vscode/panel/comparePanel';
import { createServices } from './vscode/services';
import { ExampleTests } from './vscode/testing/exampleTests';
import { ExplorerTree } from './vscode/views/explorerTree';
import { WalkthroughProgress } from './vscode/commands/walkthrough';
import { QuickCheckPanel } from './vscode/quickCheck/quickCheckPanel';

/** Wiring only: every feature registers itself and is disposed with the extension. */
export function activate(context: vscode.ExtensionContext): Api {
  const started = performance.now();
  const services = createServices(context);
  const language = new PromptLanguage(services.project);
  const explorer = new ExplorerTree(services.project, services.runs.onDidFinishRun);
  const outputDocuments = new OutputDocuments(services.outputs);
  const promptStyle = new PromptStyle(services.outputs, services.project);
  const tests = new ExampleTests(services.review, services.log);
  const walkthrough = new WalkthroughProgress(services);
  context.subscriptions.push(services, language, explorer, outputDocuments, promptStyle, tests, walkthrough, registerCodeLens(),
    registerComparePanel(panelDeps(services)), registerCommands(services, { explorer, outputDocuments, tests }));
  const activationMs = performance.now() - started;
  services.log.info(`activated in ${activationMs.toFixed(0)} ms (VS Code ${vscode.version})`);
  // Batch jobs submitted before the editor closed: polling resumes in the background (activation does not wait).
  void services.runs.batches.resumeAll().catch((err: unknown) => services.log.warn(`batch jobs not resumed: ${String(err)}`));
  return { language, explorer, project: services.project, runs: services.runs, outputDocuments, promptStyle, review: services.review, tests, walkthrough, comparePanel: () => ComparePanel.current, quickCheck: () => QuickCheckPanel.current, activationMs };
}

export function deactivate(): void {}

/** What activate() returns: the integration tests inspect the live features through it. */
export interface Api {
  language: PromptLanguage;
  explorer: ExplorerTree;
  project: Services['project'];
  runs: Services['runs'];
  outputDocuments: OutputDocuments;
  promptStyle: PromptStyle;
  review: Services['review'];
  tests: ExampleTests;
  /** The open comparison panel, if any. */
  comparePanel: () => ComparePanel | undefined;
  walkthrough: WalkthroughProgress;
  /** The open quick check, if any. */
  quickCheck: () => QuickCheckPanel | undefined;
  /** How long activate() took (the integration suite reports it). */
  activationMs: number;
}
type Services = ReturnType<typeof createServices>;
