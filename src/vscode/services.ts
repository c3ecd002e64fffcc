import type * as vscode from 'vscode';
import { createLog, type Log } from './log';

/** The composition root's products: core objects wired to VS Code adapters, disposed together. */
export interface Services extends vscode.Disposable {
  readonly context: vscode.ExtensionContext;
  readonly log: Log;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const log = createLog();
  return {
    context,
    log,
    dispose: () => log.dispose(),
  };
}
