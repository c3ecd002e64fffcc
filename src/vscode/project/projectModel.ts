import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseProjectFile, type ParsedProject } from '../../core/project/parseProject';
import type { Example, TestSetSpec } from '../../core/project/types';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { PROJECT_FILE } from '../language/selectors';
import { readTestSetPreview } from './testSetPreview';

/** What the editor knows about one test set: enough for completion, hover and the tree. */
export interface TestSetInfo {
  spec: TestSetSpec;
  uri: vscode.Uri;
  /** Field names seen in the first rows. */
  fields: string[];
  /** The first example, for hover samples. */
  sample?: Example;
  /** Row count, when counted (counting streams the whole file, so it is done lazily). */
  rows?: number;
  /** Why the preview failed, if it did. */
  error?: string;
}

/**
 * The workspace's project file and its test sets, kept current with file watchers. Reads are lazy and
 * cached; a change to prompt-adapt.yml or a test-set file invalidates only what it affects.
 */
export class ProjectModel extends Disposable {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when the project file or one of its test sets changed. */
  readonly onDidChange = this.changed.event;
  private parsed: Promise<ParsedProject | undefined> | undefined;
  private readonly testSets = new Map<string, Promise<TestSetInfo>>();

  constructor(private readonly log: Log) {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(`**/${PROJECT_FILE}`));
    const reset = (): void => { this.parsed = undefined; this.testSets.clear(); this.changed.fire(); };
    this.register(watcher.onDidChange(reset));
    this.register(watcher.onDidCreate(reset));
    this.register(watcher.onDidDelete(reset));
    const data = this.register(vscode.workspace.createFileSystemWatcher('**/*.{jsonl,ndjson,csv,json}'));
    const dataChanged = (uri: vscode.Uri): void => {
      for (const [id, info] of this.testSets) void info.then((i) => { if (i.uri.fsPath === uri.fsPath) { this.testSets.delete(id); this.changed.fire(); } });
    };
    this.register(data.onDidChange(dataChanged));
    this.register(data.onDidCreate(dataChanged));
    this.register(data.onDidDelete(dataChanged));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(reset));
  }

  /** The project file's location (whether or not it exists). */
  get projectUri(): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder && vscode.Uri.joinPath(folder.uri, PROJECT_FILE);
  }

  /** The parsed project file, or undefined when the workspace has none. */
  project(): Promise<ParsedProject | undefined> {
    this.parsed ??= this.readProject();
    return this.parsed;
  }

  private async readProject(): Promise<ParsedProject | undefined> {
    const uri = this.projectUri;
    if (!uri) { void vscode.commands.executeCommand('setContext', 'promptAdapt.hasProject', false); return undefined; }
    let parsed: ParsedProject | undefined;
    try {
      const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
      parsed = parseProjectFile(text, uri.fsPath);
    } catch {
      parsed = undefined;
    }
    void vscode.commands.executeCommand('setContext', 'promptAdapt.hasProject', parsed !== undefined);
    return parsed;
  }

  /** Preview (fields, first example) of every test set in the project. */
  async testSetInfos(): Promise<TestSetInfo[]> {
    const parsed = await this.project();
    if (!parsed) return [];
    const dir = path.dirname(parsed.project.path);
    return Promise.all(parsed.project.testSets.map((spec) => {
      let info = this.testSets.get(spec.id);
      if (!info) {
        const uri = vscode.Uri.file(path.resolve(dir, spec.path));
        info = readTestSetPreview(uri.fsPath, spec).then(
          (p) => ({ spec, uri, ...p }),
          (err: unknown) => { this.log.warn(`test set '${spec.id}': ${String(err)}`); return { spec, uri, fields: [], error: String(err) }; });
        this.testSets.set(spec.id, info);
      }
      return info;
    }));
  }
}
