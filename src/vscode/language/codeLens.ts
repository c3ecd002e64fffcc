import * as vscode from 'vscode';
import { CommandId } from '../commands/ids';
import { promptSelector } from './selectors';

/** "Run on candidates…", "Quick check…", "Compare with baseline" and "Adapt for…" at the top of every prompt file. */
class PromptCodeLens implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: '$(play) Run on candidates…', command: CommandId.runPrompt, arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: '$(beaker) Quick check…', tooltip: 'Run one row or a typed input on several candidates side by side; nothing is stored', command: CommandId.quickCheck, arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: '$(graph) Compare with baseline', command: CommandId.compareWithBaseline, arguments: [document.uri] }),
      new vscode.CodeLens(top, { title: '$(wand) Adapt for…', tooltip: 'Write variants of this prompt for one candidate; a variant is accepted only if it beats this prompt on a part of the test set the rewriter never saw', command: CommandId.adapt, arguments: [document.uri] }),
    ];
  }
}

export const registerCodeLens = (): vscode.Disposable => vscode.languages.registerCodeLensProvider(promptSelector, new PromptCodeLens());
