// The quick side-by-side check's host: its own webview (nonce CSP, replies rendered as text), a validated message
// loop, and the check itself through core. Nothing is stored unless the user presses Save. Never in an untrusted
// workspace: the command refuses before a panel opens.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { toMessage, UserError } from '../../core/errors';
import { parsePromptText } from '../../core/prompt/load';
import { createProvider } from '../../core/providers/registry';
import type { ModelProvider } from '../../core/providers/provider';
import type { ProjectFile } from '../../core/project/types';
import type { PromptFile } from '../../core/prompt/types';
import { candidatesForPrompt } from '../../core/runner/projectPlan';
import { promptVariables, quickCheckRecord, quickCheckRows, runQuickCheck, type QuickCheckResult } from '../../core/quickCheck/quickCheck';
import { parseQuickCheckMessage, type QuickCheckHostMessage, type QuickCheckViewMessage } from '../../protocol/quickCheck';
import { Disposable } from '../disposable';
import { type EndpointSecrets, readEndpoints } from '../endpoints';
import type { Log } from '../log';
import type { ProjectModel } from '../project/projectModel';
import { newNonce, webviewOptions } from '../panel/html';

export interface QuickCheckDeps { extensionUri: vscode.Uri; log: Log; project: ProjectModel; secrets: EndpointSecrets }

/** Arguments from CodeLens (a Uri) or from tests: a preselection, and `run: true` to start at once. */
export interface QuickCheckArgs { testSetId?: string; rowId?: string; candidateIds?: string[]; values?: Record<string, string>; run?: boolean }

/** Time between batches of streamed text sent to the view (one message per piece would flood it). */
const FLUSH_MS = 40;

export class QuickCheckPanel extends Disposable {
  static readonly viewType = 'promptAdapt.quickCheck';
  private static instance: QuickCheckPanel | undefined;
  static get current(): QuickCheckPanel | undefined { return QuickCheckPanel.instance; }

  private readonly posted = this.register(new vscode.EventEmitter<QuickCheckHostMessage>());
  /** Every message sent to the view (tests follow the stream through it). */
  readonly onDidPost = this.posted.event;
  private ready: Promise<void>;
  private markReady!: () => void;
  private checks = 0;
  private running: { abort: AbortController; done: Promise<QuickCheckResult[]> } | undefined;
  /** The last finished check, for Save. */
  last: { input: QuickCheckViewMessage & { type: 'run' }; results: QuickCheckResult[] } | undefined;

  /** Opens the check for a prompt file; refuses in an untrusted workspace. */
  static async open(deps: QuickCheckDeps, promptUri: vscode.Uri | undefined, args: QuickCheckArgs = {}): Promise<QuickCheckPanel | undefined> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Prompt Adapt does not call models in an untrusted workspace, so the quick check is off. Trust this workspace to use it.', 'Manage Workspace Trust')
        .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
      return undefined;
    }
    const uri = promptUri ?? vscode.window.activeTextEditor?.document.uri;
    if (!uri) throw new UserError('Open a prompt file to check it.');
    const parsed = parsePromptText((await vscode.workspace.openTextDocument(uri)).getText(), uri.fsPath);
    const errors = parsed.problems.filter((p) => p.severity === 'error');
    if (errors.length) throw new UserError(`The prompt has ${errors.length} error(s); fix them first (see Problems).`);
    const project = (await deps.project.project())?.project;
    if (!project) throw new UserError('The quick check needs a prompt-adapt.yml project file that names the candidates.');
    QuickCheckPanel.instance?.dispose();
    const panel = vscode.window.createWebviewPanel(QuickCheckPanel.viewType, `Quick check: ${parsed.prompt.name ?? path.basename(uri.fsPath)}`,
      vscode.ViewColumn.Beside, { ...webviewOptions(deps.extensionUri), retainContextWhenHidden: true });
    const view = new QuickCheckPanel(panel, deps, project, parsed.prompt);
    await view.init(args);
    if (args.run && args.candidateIds?.length) void view.handleMessage({ type: 'run', candidateIds: args.candidateIds, values: args.values ?? await view.rowValues(args) ?? {} });
    return view;
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly deps: QuickCheckDeps, private readonly project: ProjectFile, private readonly prompt: PromptFile) {
    super();
    QuickCheckPanel.instance = this;
    this.ready = new Promise((resolve) => { this.markReady = resolve; });
    panel.webview.html = quickCheckHtml(panel.webview, deps.extensionUri);
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.handleMessage(m)));
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  override dispose(): void {
    this.running?.abort.abort();
    if (QuickCheckPanel.instance === this) QuickCheckPanel.instance = undefined;
    super.dispose();
    this.panel.dispose();
  }

  private post(m: QuickCheckHostMessage): void {
    this.posted.fire(m);
    void this.ready.then(() => this.panel.webview.postMessage(m));
  }

  private async init(args: QuickCheckArgs): Promise<void> {
    const testSets = await Promise.all(this.project.testSets.map(async (spec) => ({
      id: spec.id, rows: await quickCheckRows(this.project, spec, this.prompt).catch((err: unknown) => { this.deps.log.warn(`quick check: test set ${spec.id}: ${toMessage(err)}`); return []; }),
    })));
    this.post({ type: 'init', promptName: this.prompt.name ?? path.basename(this.prompt.path), variables: promptVariables(this.prompt), testSets,
      // A candidate adopted with another prompt is that prompt's row: it is not offered for this one.
      candidates: candidatesForPrompt(this.project, this.prompt.path).map((c) => ({ id: c.id, model: c.model, endpoint: c.endpoint, priced: !!c.price })),
      selected: { testSetId: args.testSetId, rowId: args.rowId, candidateIds: args.candidateIds } });
  }

  /** The variables of the row the arguments name, if any. */
  private async rowValues(args: QuickCheckArgs): Promise<Record<string, string> | undefined> {
    const spec = this.project.testSets.find((t) => t.id === (args.testSetId ?? this.project.testSets[0]?.id));
    if (!spec || !args.rowId) return undefined;
    return (await quickCheckRows(this.project, spec, this.prompt)).find((r) => r.id === args.rowId)?.values;
  }

  /** Handles one message from the view (public for tests); anything malformed is dropped. */
  async handleMessage(raw: unknown): Promise<void> {
    const m = parseQuickCheckMessage(raw);
    if (!m) { this.deps.log.warn('quick check: a malformed message from the view was ignored'); return; }
    switch (m.type) {
      case 'ready': this.markReady(); return;
      case 'stop': this.running?.abort.abort(); return;
      case 'save': await this.save(); return;
      case 'run': await this.run(m); return;
    }
  }

  /** Runs one check; a check already running is stopped first. Resolves with every candidate's result. */
  async run(input: QuickCheckViewMessage & { type: 'run' }): Promise<QuickCheckResult[]> {
    this.running?.abort.abort();
    const check = ++this.checks;
    const abort = new AbortController();
    const providers = new Map<string, Promise<ModelProvider>>();
    const endpoints = readEndpoints(this.deps.log);
    const providerFor = (id: string): Promise<ModelProvider> => {
      let p = providers.get(id);
      if (!p) {
        const cfg = endpoints[id];
        p = cfg ? createProvider(id, cfg, { secrets: this.deps.secrets }) : Promise.reject(new UserError(`Endpoint '${id}' is not defined in your user settings (promptAdapt.endpoints).`));
        providers.set(id, p);
      }
      return p;
    };
    const pending: { candidateId: string; text: string }[] = [];
    const flush = (): void => { if (pending.length) this.post({ type: 'text', check, pieces: pending.splice(0) }); };
    const timer = setInterval(flush, FLUSH_MS);
    this.post({ type: 'started', check, candidateIds: input.candidateIds });
    const done = runQuickCheck({ project: this.project, prompt: this.prompt, values: input.values, candidateIds: input.candidateIds }, providerFor, {
      text: (candidateId, text) => pending.push({ candidateId, text }),
      done: (result) => { flush(); this.post({ type: 'done', check, result }); },
    }, abort.signal);
    this.running = { abort, done };
    try {
      const results = await done;
      this.last = { input, results };
      return results;
    } catch (err) {
      this.post({ type: 'error', message: toMessage(err) });
      return [];
    } finally {
      clearInterval(timer);
      flush();
      this.post({ type: 'finished', check });
      if (this.running?.done === done) this.running = undefined;
      for (const p of providers.values()) void p.then((x) => x.close?.(), () => undefined);
    }
  }

  /** Writes the last check to a JSON file the user picks (or `target`, for tests). Nothing is written otherwise. */
  async save(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (!this.last) { this.post({ type: 'error', message: 'Nothing to save yet: run the check first.' }); return undefined; }
    const folder = vscode.Uri.file(path.dirname(this.project.path));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const uri = target ?? await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(folder, `quick-check-${stamp}.json`), filters: { JSON: ['json'] }, title: 'Save the quick check' });
    if (!uri) return undefined;
    const { input, results } = this.last;
    const record = quickCheckRecord({ prompt: this.prompt, values: input.values, candidateIds: input.candidateIds, projectPath: this.project.path, promptPath: this.prompt.path, row: input.row }, results);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(`${JSON.stringify(record, null, 2)}\n`, 'utf8'));
    this.post({ type: 'saved', path: vscode.workspace.asRelativePath(uri) });
    return uri;
  }
}

/** The view's HTML: `default-src 'none'`, one script with a fresh nonce, the bundle's own stylesheet. */
function quickCheckHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce = newNonce()): string {
  const asset = (f: string): vscode.Uri => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', f));
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `base-uri 'none'`, `form-action 'none'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('quickCheck.css').toString()}">
<title>Prompt Adapt: Quick check</title></head>
<body><div id="app"></div><script nonce="${nonce}" src="${asset('quickCheck.js').toString()}"></script></body></html>`;
}
