import * as vscode from 'vscode';
import { guarded } from '../log';
import type { Services } from '../services';
import { configureEndpoint } from '../endpoints';
import type { RunArgs } from '../runs/runController';
import type { OutputDocuments } from '../outputs/outputDocuments';
import type { ExplorerTree } from '../views/explorerTree';
import { openOutputs } from './openOutputs';
import { CommandId, type CommandIdValue } from './ids';
import { createProjectFile, newVariant } from './promptFiles';

/** One table registers every command; the type makes a missing handler a compile error. */
export function registerCommands(s: Services, views: { explorer: ExplorerTree; outputDocuments: OutputDocuments }): vscode.Disposable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers take the arguments their callers pass
  const table: Record<CommandIdValue, (...args: any[]) => unknown> = {
    [CommandId.runPrompt]: (uri?: vscode.Uri, args?: RunArgs) => s.runs.run(uri instanceof vscode.Uri ? uri : undefined, args),
    [CommandId.cancelRun]: () => s.runs.cancel(),
    [CommandId.configureEndpoint]: (id?: string, key?: string, confirmNewOrigin?: boolean) => configureEndpoint(s.secrets, s.log, id, key, confirmNewOrigin),
    [CommandId.compareWithBaseline]: () => notYet('The comparison panel (calibrated difference against the baseline, with intervals)', 'Meanwhile, runs are stored under .prompt-adapt/runs, and `prompt-adapt stats compare` computes the calibrated difference from the command line.'),
    [CommandId.openOutputs]: (run?: unknown, candidateId?: string, exampleId?: string) => openOutputs(s, views.outputDocuments, run, candidateId, exampleId),
    [CommandId.newVariant]: (uri?: vscode.Uri, variant?: string) => newVariant(uri, variant),
    [CommandId.createProjectFile]: () => createProjectFile(),
    [CommandId.refreshExplorer]: () => views.explorer.refresh(),
    [CommandId.showLog]: () => s.log.show(),
  };
  return vscode.Disposable.from(
    ...Object.entries(table).map(([id, fn]) => vscode.commands.registerCommand(id, guarded(s.log, id, fn))),
  );
}

function notYet(what: string, meanwhile: string): Thenable<unknown> {
  return vscode.window.showInformationMessage(`Prompt Adapt: ${what} is not available in this version yet. ${meanwhile}`);
}
