import * as vscode from 'vscode';
import { registerCommands } from './vscode/commands';
import { createServices } from './vscode/services';

/** Wiring only: every feature registers itself and is disposed with the extension. */
export function activate(context: vscode.ExtensionContext): void {
  const services = createServices(context);
  context.subscriptions.push(services, registerCommands(services));
  services.log.info(`activated (VS Code ${vscode.version})`);
}

export function deactivate(): void {}
