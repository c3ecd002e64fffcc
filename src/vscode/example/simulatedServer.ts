// The bundled example for the walkthrough: copy it into a folder of the user's and open it, and start the
// local SIMULATED model server (a child process; its models are simulated, never real) as endpoint "demo".
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMITTED_STORE_ENTRIES, STORE_FOLDER } from '../../core/store/store';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import { settings } from '../settings';

const EXAMPLE = 'support-qa';

/** Copies the example (prompts, test set, project file, the simulated reviewer labels) and opens it. */
export async function openExample(extensionUri: vscode.Uri, target?: string, open = true): Promise<vscode.Uri | undefined> {
  const source = path.join(extensionUri.fsPath, 'examples', EXAMPLE);
  let parent = target;
  if (!parent) {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Copy the example here',
      title: `Where should the example folder '${EXAMPLE}' go?` });
    parent = picked?.[0]?.fsPath;
  }
  if (!parent) return undefined;
  const dest = path.join(parent, EXAMPLE);
  if (fs.existsSync(dest)) throw new Error(`${dest} already exists; choose another folder or remove it.`);
  // Runs, caches and reports are the user's own results: only the inputs and the committed labels are copied.
  fs.cpSync(source, dest, { recursive: true, filter: (src) => {
    const rel = path.relative(source, src).split(path.sep);
    return !(rel[0] === STORE_FOLDER && rel.length > 1 && !COMMITTED_STORE_ENTRIES.includes(rel[1]!)) && rel[0] !== 'report.html';
  } });
  const uri = vscode.Uri.file(dest);
  if (open) await vscode.commands.executeCommand('vscode.openFolder', uri, { forceNewWindow: false });
  return uri;
}

/** The simulated model server in a child process, stopped with the extension. */
export class SimulatedServer extends Disposable {
  private child: ChildProcess | undefined;
  private url: string | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: Log) {
    super();
    this.register({ dispose: () => this.stop() });
  }

  /**
   * Starts the server (once) and points user setting `promptAdapt.endpoints.demo` at it, after asking:
   * it changes a user setting. Returns the base URL.
   */
  async start(confirm = true): Promise<string | undefined> {
    if (this.child && this.url) return this.url;
    const script = path.join(this.extensionUri.fsPath, 'dist', 'simulatedModelServer.js');
    const child = fork(script, ['--port', '0'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('the simulated model server did not start within 15 s')), 15_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
        if (m) { clearTimeout(timer); resolve(m[1]!); }
      });
      child.stderr!.on('data', (d: Buffer) => this.log.warn(`[simulated model server] ${d.toString().trim()}`));
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the simulated model server exited (code ${code})`)); });
    });
    this.child = child;
    this.url = url;
    child.once('exit', () => { this.child = undefined; this.url = undefined; });
    this.log.info(`simulated model server (no real models) listening on ${url}`);
    const user = settings.userEndpoints().value;
    const endpoints: Record<string, unknown> = { ...(typeof user === 'object' && user !== null ? user : {}) };
    if (confirm) {
      const ok = await vscode.window.showInformationMessage(
        `The simulated model server is running at ${url}. Its models are simulated: they follow designed qualities and never run a language model. Point endpoint 'demo' in your user settings at it?`,
        { modal: true }, 'Set Endpoint');
      if (ok !== 'Set Endpoint') return url;
    }
    endpoints.demo = { kind: 'openai', baseURL: url };
    await settings.updateUserEndpoints(endpoints);
    return url;
  }

  stop(): void {
    this.child?.kill();
    this.child = undefined;
    this.url = undefined;
  }
}
