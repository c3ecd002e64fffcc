import type * as vscode from 'vscode';
import { EndpointSecrets } from './endpoints';
import { SimulatedServer } from './example/simulatedServer';
import { createLog, type Log } from './log';
import { OutputsModel } from './outputs/outputsModel';
import { ReviewService } from './panel/reviewService';
import { ProjectModel } from './project/projectModel';
import { RunController } from './runs/runController';

/** The composition root's products: core objects wired to VS Code adapters, disposed together. */
export interface Services extends vscode.Disposable {
  readonly context: vscode.ExtensionContext;
  readonly log: Log;
  readonly project: ProjectModel;
  readonly secrets: EndpointSecrets;
  readonly runs: RunController;
  readonly outputs: OutputsModel;
  /** Review session shared by the comparison panel and the Test Explorer. */
  readonly review: ReviewService;
  /** The bundled example's simulated model server (walkthrough). */
  readonly simulated: SimulatedServer;
}

export function createServices(context: vscode.ExtensionContext): Services {
  const log = createLog();
  const project = new ProjectModel(log);
  const secrets = new EndpointSecrets(context);
  const runs = new RunController(project, secrets, log);
  const outputs = new OutputsModel(project, runs.onDidFinishRun);
  const review = new ReviewService(project, log, runs.onDidFinishRun);
  const simulated = new SimulatedServer(context.extensionUri, log);
  return {
    context, log, project, secrets, runs, outputs, review, simulated,
    dispose: () => { simulated.dispose(); review.dispose(); outputs.dispose(); runs.dispose(); project.dispose(); log.dispose(); },
  };
}
