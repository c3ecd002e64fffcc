// The "Prompts" view: prompt files with their variants nested, the project's test sets (with row counts)
// and candidates. Refreshed by file watchers.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parsePromptText } from '../../core/prompt/load';
import { staleParts, type StalePart } from '../../core/runner/runInputs';
import type { RunManifest } from '../../core/store/runs';
import type { StoreProblem } from '../../core/store/problems';
import { Store, storeGlobs } from '../../core/store/store';
import { describeBatchJobs, hasOpenBatchJobs } from '../../core/batch/types';
import { Disposable } from '../disposable';
import type { ProjectModel } from '../project/projectModel';

type Node =
  | { kind: 'group'; id: 'prompts' | 'testSets' | 'candidates' | 'runs'; label: string }
  | { kind: 'run'; manifest: RunManifest; batch?: string; batchOut?: boolean; stale: readonly StalePart[] }
  /** A run whose manifest cannot be read: listed with the file named, not dropped. */
  | { kind: 'damagedRun'; runId: string; problem: StoreProblem }
  | { kind: 'prompt'; uri: vscode.Uri; name: string; variants: PromptEntry[] }
  | { kind: 'testSet'; id: string; uri: vscode.Uri; rows?: number; error?: string; fields: string[] }
  | { kind: 'candidate'; id: string; detail: string };

interface PromptEntry { uri: vscode.Uri; name: string; parent?: string; variants: PromptEntry[] }

export class ExplorerTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly changed = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly project: ProjectModel, runFinished: vscode.Event<unknown>) {
    super();
    this.register(runFinished(() => this.refresh()));
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/*.prompt.yml'));
    for (const ev of [watcher.onDidCreate, watcher.onDidDelete, watcher.onDidChange]) this.register(ev(() => this.refresh()));
    this.register(project.onDidChange(() => this.refresh()));
    this.register(vscode.window.createTreeView('promptAdapt.explorer', { treeDataProvider: this, showCollapseAll: true }));
  }

  refresh(): void { this.changed.fire(undefined); }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const groups: Node[] = [{ kind: 'group', id: 'prompts', label: 'Prompts' }];
      if (await this.project.project()) groups.push({ kind: 'group', id: 'testSets', label: 'Test sets' }, { kind: 'group', id: 'candidates', label: 'Candidates' }, { kind: 'group', id: 'runs', label: 'Runs' });
      return groups;
    }
    if (node.kind === 'group' && node.id === 'prompts') return (await this.promptForest()).map(toPromptNode);
    if (node.kind === 'prompt') return node.variants.map(toPromptNode);
    if (node.kind === 'group' && node.id === 'testSets') {
      return (await this.project.testSetInfos()).map((i) => ({ kind: 'testSet', id: i.spec.id, uri: i.uri, rows: i.rows, error: i.error, fields: i.fields }));
    }
    if (node.kind === 'group' && node.id === 'candidates') {
      const parsed = await this.project.project();
      return (parsed?.project.candidates ?? []).map((c) => ({ kind: 'candidate', id: c.id,
        detail: `${c.model} on ${c.endpoint}${c.regions?.length ? ` · ${c.regions.join(', ')}` : ''}` }));
    }
    if (node.kind === 'group' && node.id === 'runs') {
      const parsed = await this.project.project();
      const store = parsed && Store.openForProject(parsed.project);
      const listed = store ? await store.listRunsChecked().catch(() => undefined) : undefined;
      const batchOf = (runId: string): { batch?: string; batchOut?: boolean } => {
        try { const jobs = store!.readBatchJobs(runId); return { batch: describeBatchJobs(jobs), batchOut: hasOpenBatchJobs(jobs) }; } catch { return { batch: 'batch: the job list cannot be read' }; }
      };
      const runs = listed?.runs ?? [];
      const stale = await Promise.all(runs.map((m) => (parsed ? staleParts(parsed.project, m).catch(() => []) : [])));
      const nodes: Node[] = runs.map((manifest, i) => ({ kind: 'run', manifest, ...batchOf(manifest.runId), stale: stale[i]! }));
      for (const problem of listed?.damaged ?? []) nodes.push({ kind: 'damagedRun', runId: path.basename(path.dirname(problem.file)), problem });
      return nodes.sort((a, b) => runIdOf(b).localeCompare(runIdOf(a)));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.contextValue = `group.${node.id}`;
        return item;
      }
      case 'prompt': {
        const item = new vscode.TreeItem(node.name, node.variants.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.resourceUri = node.uri;
        item.description = vscode.workspace.asRelativePath(node.uri);
        item.command = { title: 'Open', command: 'vscode.open', arguments: [node.uri] };
        item.contextValue = 'prompt';
        item.iconPath = new vscode.ThemeIcon(node.variants.length ? 'files' : 'file');
        return item;
      }
      case 'testSet': {
        const item = new vscode.TreeItem(node.id, vscode.TreeItemCollapsibleState.None);
        item.description = node.error ? 'cannot read' : node.rows !== undefined ? `${node.rows.toLocaleString('en-US')} rows` : '';
        item.tooltip = node.error ?? `${vscode.workspace.asRelativePath(node.uri)}\nfields: ${node.fields.join(', ')}`;
        item.iconPath = new vscode.ThemeIcon(node.error ? 'warning' : 'database');
        item.command = { title: 'Open', command: 'vscode.open', arguments: [node.uri] };
        item.contextValue = 'testSet';
        return item;
      }
      case 'run': {
        const m = node.manifest;
        const item = new vscode.TreeItem(m.runId, vscode.TreeItemCollapsibleState.None);
        const c = m.counts;
        const stale = node.stale.length > 0;
        item.description = `${m.status}${stale ? ' · stale' : ''} · ${c.requested + c.cached + c.resumed}${c.total ? `/${c.total}` : ''}${c.errors ? ` · ${c.errors} errors` : ''}`;
        item.tooltip = `${m.prompt?.name ?? m.prompt?.path ?? ''} on ${m.testSet?.id ?? ''}\n${m.candidates.map((x) => x.id).join(', ')}${node.batch ? `\n${node.batch}` : ''}`
          + (stale ? `\nStale: ${node.stale.join(', ')} changed since this run, so its results describe an earlier version. Run it again (↻).` : '');
        if (node.batch) item.description += ` · ${node.batch.replace(/ \(.*$/, '')}`;
        item.iconPath = runIcon(m.status, stale);
        // `.batchOut`: the run's batch jobs are out (the tree offers Cancel Batch Jobs).
        item.contextValue = (stale ? 'run.stale' : 'run') + (node.batchOut ? '.batchOut' : '');
        return item;
      }
      case 'damagedRun': {
        const item = new vscode.TreeItem(node.runId, vscode.TreeItemCollapsibleState.None);
        item.description = 'damaged: manifest unreadable';
        item.tooltip = `${node.problem.file} ${node.problem.message}. The run is left out of comparisons until the file is repaired or removed.`;
        item.iconPath = new vscode.ThemeIcon('error');
        item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.file(node.problem.file)] };
        item.contextValue = 'damagedRun';
        return item;
      }
      case 'candidate': {
        const item = new vscode.TreeItem(node.id, vscode.TreeItemCollapsibleState.None);
        item.description = node.detail;
        item.iconPath = new vscode.ThemeIcon('hubot');
        item.contextValue = 'candidate';
        return item;
      }
    }
  }

  /** Prompt files as a forest: a variant sits under the prompt its `adapt.variantOf` names. */
  private async promptForest(): Promise<PromptEntry[]> {
    const uris = await vscode.workspace.findFiles('**/*.prompt.yml', `{**/node_modules/**,${storeGlobs.all}}`);
    const entries = await Promise.all(uris.map(async (uri): Promise<PromptEntry> => {
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      const prompt = parsePromptText(text, uri.fsPath).prompt;
      const parent = prompt.adapt.variantOf ? path.resolve(path.dirname(uri.fsPath), prompt.adapt.variantOf) : undefined;
      return { uri, name: prompt.name ?? path.basename(uri.fsPath), parent, variants: [] };
    }));
    const byPath = new Map(entries.map((e) => [e.uri.fsPath, e]));
    const roots: PromptEntry[] = [];
    for (const e of entries) {
      const parent = e.parent ? byPath.get(e.parent) : undefined;
      if (parent && parent !== e) parent.variants.push(e); else roots.push(e);
    }
    const sort = (xs: PromptEntry[]): PromptEntry[] => xs.sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath)).map((x) => (sort(x.variants), x));
    return sort(roots);
  }
}

/** A check mark only for a complete, current run; failures and stale results never look done. */
function runIcon(status: RunManifest['status'], stale: boolean): vscode.ThemeIcon {
  if (status === 'running') return new vscode.ThemeIcon('sync');
  if (status === 'cancelled') return new vscode.ThemeIcon('circle-slash');
  if (status === 'failed') return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  if (status !== 'complete') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  return stale ? new vscode.ThemeIcon('history') : new vscode.ThemeIcon('pass');
}

const toPromptNode = (e: PromptEntry): Node => ({ kind: 'prompt', uri: e.uri, name: e.name, variants: e.variants });

const runIdOf = (n: Node): string => (n.kind === 'run' ? n.manifest.runId : n.kind === 'damagedRun' ? n.runId : '');
