import * as vscode from 'vscode';
import { guarded } from '../log';
import type { Services } from '../services';
import type { ExplorerTree } from '../views/explorerTree';
import { CommandId, type CommandIdValue } from './ids';
import { createProjectFile, newVariant } from './promptFiles';

/** One table registers every command; the type makes a missing handler a compile error. */
export function registerCommands(s: Services, views: { explorer: ExplorerTree }): vscode.Disposable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers take the arguments their callers pass
  const table: Record<CommandIdValue, (...args: any[]) => unknown> = {
    [CommandId.runPrompt]: () => notYet('Running a prompt on candidate models'),
    [CommandId.compareWithBaseline]: () => notYet('The comparison with the baseline'),
    [CommandId.newVariant]: (uri?: vscode.Uri, variant?: string) => newVariant(uri, variant),
    [CommandId.createProjectFile]: () => createProjectFile(),
    [CommandId.refreshExplorer]: () => views.explorer.refresh(),
    [CommandId.showLog]: () => s.log.show(),
  };
  return vscode.Disposable.from(
    ...Object.entries(table).map(([id, fn]) => vscode.commands.registerCommand(id, guarded(s.log, id, fn))),
  );
}

function notYet(what: string): Thenable<unknown> {
  return vscode.window.showInformationMessage(`Prompt Adapt: ${what} is not available in this version yet.`);
}
