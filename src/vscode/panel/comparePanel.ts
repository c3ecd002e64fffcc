// The comparison panel host: one WebviewPanel (restored after reload by the serializer), a validated message
// loop with request/response ids, and the handlers that read and write through the shared review session.
import * as vscode from 'vscode';
import type { ComparisonReport } from '../../protocol/comparison';
import {
  type HostToWebview, type Handlers, type PanelState, type RequestMsg, assertNever, parsePanelState, parseWebviewMessage,
} from '../../protocol/messages';
import { toMessage } from '../../core/errors';
import { estimatorInfos } from '../../core/stats/estimators';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { CommandId } from '../commands/ids';
import { adaptationHandlers } from '../adapt/panelHandlers';
import { exportReport } from './exportReport';
import { renderHtml, webviewOptions } from './html';
import type { ReviewService } from './reviewService';

export interface PanelDeps { extensionUri: vscode.Uri; log: Log; review: ReviewService }

export class ComparePanel extends Disposable {
  static readonly viewType = 'promptAdapt.comparePanel';
  private static instance: ComparePanel | undefined;
  /** The open panel, if any (integration tests drive it through `handleMessage`). */
  static get current(): ComparePanel | undefined { return ComparePanel.instance; }

  private ready = false;
  private readonly queue: HostToWebview[] = [];
  private recompute: ReturnType<typeof setTimeout> | undefined;
  private recomputeReadsStore = false;
  private readonly posted = this.register(new vscode.EventEmitter<HostToWebview>());
  /** Every message sent to the webview (for tests and logging). */
  readonly onDidPost = this.posted.event;
  report: ComparisonReport | undefined;
  readonly handlers: Handlers;

  /** Opens the panel (or reveals it), optionally on a view. */
  static show(deps: PanelDeps, state?: Partial<PanelState>): ComparePanel {
    if (ComparePanel.instance) {
      ComparePanel.instance.panel.reveal();
      if (state) ComparePanel.instance.post({ type: 'init', state: { view: 'comparison', ...state } });
      return ComparePanel.instance;
    }
    const panel = vscode.window.createWebviewPanel(ComparePanel.viewType, 'Prompt Adapt: Comparison', vscode.ViewColumn.Active, webviewOptions(deps.extensionUri));
    return new ComparePanel(panel, deps, state ? { view: 'comparison', ...state } : undefined);
  }

  /** The serializer's entry point after a reload: the webview brings back its own state. */
  static revive(panel: vscode.WebviewPanel, deps: PanelDeps, state: unknown): ComparePanel {
    ComparePanel.instance?.dispose();
    return new ComparePanel(panel, deps, parsePanelState(state));
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly deps: PanelDeps, private readonly initialState?: PanelState) {
    super();
    ComparePanel.instance = this;
    panel.webview.options = webviewOptions(deps.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'activity.svg');
    panel.webview.html = renderHtml(panel.webview, deps.extensionUri);
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.handleMessage(m)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(deps.review.onDidChangeLabels(() => this.scheduleRecompute(true)));
    this.register(deps.review.onDidChangeData(() => this.scheduleRecompute(false)));
    this.handlers = this.createHandlers();
  }

  override dispose(): void {
    if (ComparePanel.instance === this) ComparePanel.instance = undefined;
    if (this.recompute) clearTimeout(this.recompute);
    super.dispose();
    this.panel.dispose();
  }

  private post(m: HostToWebview): void {
    this.posted.fire(m);
    if (this.ready) void this.panel.webview.postMessage(m); else this.queue.push(m);
  }

  /**
   * Handles one message from the webview. Anything that is not exactly a known message shape is rejected (logged,
   * never acted on). Returns the response a request produced.
   */
  async handleMessage(raw: unknown): Promise<HostToWebview | undefined> {
    const m = parseWebviewMessage(raw);
    if (!m) { this.deps.log.warn(`comparison panel: rejected a malformed message from the webview (${describe(raw)})`); return undefined; }
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.queue.splice(0).forEach((x) => void this.panel.webview.postMessage(x));
        void this.sendInit();
        return undefined;
      case 'request': return this.answer(m);
      default: return assertNever(m);
    }
  }

  private async sendInit(): Promise<void> {
    try {
      const session = await this.deps.review.session();
      this.report = await session.comparison(this.initialState?.estimator);
      this.post({ type: 'init', state: this.initialState, report: this.report, estimators: estimatorInfos() });
    } catch (err) {
      this.deps.log.warn(`comparison panel: ${toMessage(err)}`);
      this.post({ type: 'init', state: this.initialState, report: { project: '', generatedAt: new Date().toISOString(), testSets: [], runs: [], notes: [{ code: 'no-data', severity: 'error', message: toMessage(err) }] } });
    }
  }

  private async answer(m: RequestMsg): Promise<HostToWebview> {
    let response: HostToWebview;
    try {
      const handler = this.handlers[m.method] as (p: unknown) => Promise<unknown>;
      response = { type: 'response', id: m.id, result: await handler(m.params) };
    } catch (err) {
      this.deps.log.warn(`comparison panel: ${m.method} failed: ${toMessage(err)}`);
      response = { type: 'response', id: m.id, error: toMessage(err) };
    }
    this.post(response);
    return response;
  }

  /**
   * After labels or data change, recompute once things settle and push the new comparison. Labels alone
   * (`labelsOnly`) are already in the session's memory: the store is not read again unless data changed meanwhile.
   */
  private scheduleRecompute(labelsOnly: boolean): void {
    if (this.recompute) clearTimeout(this.recompute);
    this.recomputeReadsStore ||= !labelsOnly;
    this.recompute = setTimeout(() => {
      this.recompute = undefined;
      const readStore = this.recomputeReadsStore;
      this.recomputeReadsStore = false;
      void this.deps.review.session().then(async (s) => {
        this.report = await (readStore ? s.comparison() : s.comparisonFromMemory());
        this.post({ type: 'comparison', report: this.report });
      }).catch((err: unknown) => this.deps.log.warn(`comparison panel: recompute failed: ${toMessage(err)}`));
    }, 200);
  }

  private createHandlers(): Handlers {
    const review = this.deps.review;
    const s = (): ReturnType<ReviewService['session']> => review.session();
    const h: Handlers = {
      getComparison: async ({ estimator }) => (this.report = await (await s()).comparison(estimator)),
      getReviewPage: async (p) => (await s()).reviewPage(p.testSetId, p.filter, p.offset, p.limit, p.systemId),
      getGridPage: async (p) => (await s()).gridPage(p.testSetId, { filter: p.filter, search: p.search, systemId: p.systemId }, p.offset, p.limit),
      getPromptPair: async (p) => (await s()).promptPair(p.testSetId, p.systemId),
      getLabelQueue: async (p) => (await s()).labelQueue(p.testSetId, p.size),
      label: async (p) => {
        const progress = await (await s()).label(p.testSetId, p.key, p.label, p.note);
        review.didLabel(p.testSetId);
        return progress;
      },
      undoLabel: async (p) => {
        const r = await (await s()).undo(p.testSetId);
        review.didLabel(p.testSetId);
        return r;
      },
      openInTestSet: async (p) => {
        const session = await s();
        const data = await session.data(p.testSetId);
        const e = data.example(p.exampleId);
        const spec = session.project.testSets.find((t) => t.id === p.testSetId);
        if (!e || !spec) return false;
        const uri = vscode.Uri.joinPath(vscode.Uri.file(session.project.path), '..', spec.path);
        const line = Math.max(0, e.line - 1);
        await vscode.window.showTextDocument(uri, { selection: new vscode.Range(line, 0, line, 0), viewColumn: vscode.ViewColumn.Beside, preview: true });
        return true;
      },
      copyText: async (p) => { await vscode.env.clipboard.writeText(p.text); return true; },
      exportView: async (p) => {
        const text = await (await s()).exportText(p.view, p.format, p.testSetId, p.estimator);
        const target = await saveText(text, `prompt-adapt-${p.view}${p.testSetId ? `-${p.testSetId}` : ''}`, p.format === 'csv' ? 'csv' : 'md', 'Export the current view');
        return target ? { path: target.fsPath } : {};
      },
      exportGrid: async (p) => {
        const { text, rows } = await (await s()).gridCsv(p.testSetId, { filter: p.filter, search: p.search, systemId: p.systemId });
        const target = await saveText(text, `prompt-adapt-grid-${p.testSetId}${p.filter === 'all' ? '' : `-${p.filter}`}`, 'csv', `Export the grid's ${rows} rows as CSV`);
        return target ? { path: target.fsPath, rows } : {};
      },
      runAgain: async (p) => {
        // Only what the comparison itself called stale can be run from here (the webview names it, the host decides).
        const stale = this.report?.testSets.find((t) => t.testSetId === p.testSetId)?.stale?.find((x) => x.prompt === p.prompt);
        if (!stale) throw new Error(`No stale results of ${p.prompt} on ${p.testSetId}.`);
        void vscode.commands.executeCommand(CommandId.runAgain, { prompt: stale.prompt, testSetId: p.testSetId, candidates: stale.candidates });
        return true;
      },
      exportReport: async (p) => {
        const target = await exportReport(review, this.deps.log, { format: p.format, estimator: p.estimator });
        return target ? { path: target.fsPath } : {};
      },
      ...adaptationHandlers(review, this.deps.log),
    };
    return h;
  }
}

/** Asks where to save `text` (suggesting `name.ext` in the workspace folder) and writes it; undefined when cancelled. */
async function saveText(text: string, name: string, ext: 'csv' | 'md', title: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({ defaultUri: folder && vscode.Uri.joinPath(folder, `${name}.${ext}`), filters: ext === 'csv' ? { CSV: ['csv'] } : { Markdown: ['md'] }, title });
  if (target) await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
  return target;
}

/** A short, safe description of a rejected message for the log (never its full content). */
function describe(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return typeof raw;
  const o = raw as Record<string, unknown>;
  return `type=${String(o.type).slice(0, 40)}${o.method !== undefined ? ` method=${String(o.method).slice(0, 40)}` : ''}`;
}

/** Restores the panel after a window reload (needs `onWebviewPanel:promptAdapt.comparePanel` in activationEvents). */
export function registerComparePanel(deps: PanelDeps): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(ComparePanel.viewType, {
    deserializeWebviewPanel: async (panel, state) => { ComparePanel.revive(panel, deps, state); },
  });
}
