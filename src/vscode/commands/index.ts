import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { parsePanelState, type PanelState } from '../../protocol/messages';
import { guarded } from '../log';
import type { Services } from '../services';
import { configureEndpoint } from '../endpoints';
import { openExample } from '../example/simulatedServer';
import type { RunArgs } from '../runs/runController';
import type { OutputDocuments } from '../outputs/outputDocuments';
import type { ExplorerTree } from '../views/explorerTree';
import { ComparePanel } from '../panel/comparePanel';
import { exportReport, parseExportArgs } from '../panel/exportReport';
import type { ExampleTests } from '../testing/exampleTests';
import { QuickCheckPanel, type QuickCheckArgs } from '../quickCheck/quickCheckPanel';
import { openOutputs } from './openOutputs';
import { runAgain } from './runAgain';
import { cancelBatchJobs } from './cancelBatchJobs';
import { CommandId, type CommandIdValue } from './ids';
import { createProjectFile, newVariant, type VariantOptions } from './promptFiles';
import { Adapter, type AdaptArgs } from '../adapt/adaptCommand';

/** One table registers every command; the type makes a missing handler a compile error. */
export function registerCommands(s: Services, views: { explorer: ExplorerTree; outputDocuments: OutputDocuments; tests: ExampleTests }): vscode.Disposable {
  const adapter = new Adapter(s, () => ComparePanel.show(panelDeps(s), { view: 'adaptation' }));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers take the arguments their callers pass
  const table: Record<CommandIdValue, (...args: any[]) => unknown> = {
    [CommandId.runPrompt]: (uri?: vscode.Uri, args?: RunArgs) => s.runs.run(uri instanceof vscode.Uri ? uri : undefined, args),
    [CommandId.runAgain]: (run?: unknown) => runAgain(s, run),
    [CommandId.cancelRun]: () => s.runs.cancel(),
    [CommandId.cancelBatchJobs]: (run?: unknown) => cancelBatchJobs(s, run),
    [CommandId.configureEndpoint]: (id?: string, key?: string, confirmNewOrigin?: boolean) => configureEndpoint(s.secrets, s.log, id, key, confirmNewOrigin),
    [CommandId.compareWithBaseline]: () => ComparePanel.show(panelDeps(s), { view: 'comparison' }),
    [CommandId.openOutputs]: (run?: unknown, candidateId?: string, exampleId?: string) => openOutputs(s, views.outputDocuments, run, candidateId, exampleId),
    [CommandId.newVariant]: (uri?: vscode.Uri, variant?: string, options?: VariantOptions) => newVariant(uri, variant, options),
    [CommandId.createProjectFile]: () => createProjectFile(),
    [CommandId.refreshExplorer]: () => views.explorer.refresh(),
    [CommandId.showLog]: () => s.log.show(),
    [CommandId.openExample]: (target?: string, open?: boolean) => openExample(s.context.extensionUri, target, open),
    [CommandId.startSimulatedServer]: (confirm?: boolean) => s.simulated.start(confirm),
    [CommandId.reviewOutputs]: () => ComparePanel.show(panelDeps(s), { view: 'review' }),
    [CommandId.showResultsGrid]: (query?: unknown) => ComparePanel.show(panelDeps(s), gridState(query)),
    [CommandId.labelOutputs]: () => ComparePanel.show(panelDeps(s), { view: 'label' }),
    [CommandId.labelCorrect]: (arg?: unknown) => views.tests.label(arg, 'correct'),
    [CommandId.labelIncorrect]: (arg?: unknown) => views.tests.label(arg, 'incorrect'),
    [CommandId.labelUnsure]: (arg?: unknown) => views.tests.label(arg, 'unsure'),
    [CommandId.exportReport]: async (arg?: unknown) => (await exportReport(s.review, s.log, parseExportArgs(arg)))?.fsPath,
    [CommandId.quickCheck]: (uri?: vscode.Uri, args?: QuickCheckArgs) =>
      QuickCheckPanel.open({ extensionUri: s.context.extensionUri, log: s.log, project: s.project, secrets: s.secrets }, uri instanceof vscode.Uri ? uri : undefined, args),
    [CommandId.adapt]: (uri?: vscode.Uri, args?: AdaptArgs) => adapter.adapt(uri instanceof vscode.Uri ? uri : undefined, args),
  };
  return vscode.Disposable.from(
    ...Object.entries(table).map(([id, fn]) => vscode.commands.registerCommand(id, guarded(s.log, id, fn))),
  );
}

/** What the comparison panel needs from the services. */
export const panelDeps = (s: Services): { extensionUri: vscode.Uri; log: Services['log']; review: Services['review'] } =>
  ({ extensionUri: s.context.extensionUri, log: s.log, review: s.review });

/** The panel state of "Show Results Grid": the grid, optionally on a test set with a filter, a search and a focus column (checked like a restored state). */
function gridState(query: unknown): PanelState {
  const q = (query ?? {}) as Record<string, unknown>;
  const known = typeof q === 'object' && !Array.isArray(q) && Object.keys(q).every((k) => ['testSetId', 'filter', 'search', 'systemId'].includes(k));
  const state = known ? parsePanelState({ view: 'grid', testSetId: q.testSetId, grid: { filter: q.filter ?? 'all', search: q.search, systemId: q.systemId, row: 0, col: 0 } }) : undefined;
  if (!state?.grid) throw new UserError('showResultsGrid takes { testSetId?, filter?: all | failures | disagreements | idk | regressions, search?, systemId? }.');
  return state;
}
