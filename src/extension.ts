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
  const services = createServices(context);
  const language = new PromptLanguage(services.project);
  const explorer = new ExplorerTree(services.project, services.runs.onDidFinishRun);
  const outputDocuments = new OutputDocuments(services.outputs);
  const promptStyle = new PromptStyle(services.outputs, services.project);
  const tests = new ExampleTests(services.review, services.log);
  const walkthrough = new WalkthroughProgress(services);
  context.subscriptions.push(services, language, explorer, outputDocuments, promptStyle, tests, walkthrough, registerCodeLens(),
    registerComparePanel(panelDeps(services)), registerCommands(services, { explorer, outputDocuments, tests }));
  services.log.info(`activated (VS Code ${vscode.version})`);
  return { language, explorer, project: services.project, runs: services.runs, outputDocuments, promptStyle, review: services.review, tests, walkthrough, comparePanel: () => ComparePanel.current, quickCheck: () => QuickCheckPanel.current };
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
}
type Services = ReturnType<typeof createServices>;
