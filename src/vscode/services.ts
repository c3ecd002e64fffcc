import type * as vscode from 'vscode';
import { createLog, type Log } from './log';
import { ProjectModel } from './project/projectModel';

/** The composition root's products: core objects wired to VS Code adapters, disposed together. */
export interface Services extends vscode.Disposable {
  readonly context: vscode.ExtensionContext;
  readonly log: Log;
  readonly project: ProjectModel;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const log = createLog();
  const project = new ProjectModel(log);
  return {
    context,
    log,
    project,
    dispose: () => { project.dispose(); log.dispose(); },
  };
}
