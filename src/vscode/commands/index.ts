import * as vscode from 'vscode';
import { guarded } from '../log';
import type { Services } from '../services';
import { CommandId, type CommandIdValue } from './ids';

/** One table registers every command; the type makes a missing handler a compile error. */
export function registerCommands(s: Services): vscode.Disposable {
  const table: Record<CommandIdValue, (...args: never[]) => unknown> = {
    [CommandId.runPrompt]: () => notYet('Running a prompt on candidate models'),
    [CommandId.compareWithBaseline]: () => notYet('The comparison with the baseline'),
    [CommandId.newVariant]: () => notYet('New prompt variants'),
    [CommandId.createProjectFile]: () => notYet('Creating a project file'),
    [CommandId.refreshExplorer]: () => undefined,
    [CommandId.showLog]: () => s.log.show(),
  };
  return vscode.Disposable.from(
    ...Object.entries(table).map(([id, fn]) => vscode.commands.registerCommand(id, guarded(s.log, id, fn))),
  );
}

function notYet(what: string): Thenable<unknown> {
  return vscode.window.showInformationMessage(`Prompt Adapt: ${what} is not available in this version yet.`);
}
