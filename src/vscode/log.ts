import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { isAbortError, toMessage } from '../core/errors';

/** The extension's one log channel, as the core Logger port. */
export interface Log extends Logger, vscode.Disposable { show(): void }

export function createLog(): Log {
  const channel = vscode.window.createOutputChannel('Prompt Adapt', { log: true });
  return {
    trace: (m) => channel.trace(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m, err) => channel.error(err === undefined ? m : `${m}: ${err instanceof Error ? err.stack ?? err.message : toMessage(err)}`),
    show: () => channel.show(true),
    dispose: () => channel.dispose(),
  };
}

/** Wraps a command so a failure is logged and shown once, with a way to the log; cancelling is not a failure. */
export function guarded<A extends unknown[]>(log: Log, id: string, fn: (...args: A) => unknown): (...args: A) => Promise<unknown> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      if (isAbortError(err)) { log.info(`${id}: cancelled`); return undefined; }
      log.error(`${id} failed`, err);
      const choice = await vscode.window.showErrorMessage(`Prompt Adapt: ${toMessage(err)}`, 'Open Log');
      if (choice) log.show();
      return undefined;
    }
  };
}
