import * as path from 'node:path';
import * as vscode from 'vscode';
import { projectScaffold } from '../../core/project/scaffold';
import { checkVariantName, makeVariantText, variantFileName } from '../../core/prompt/variant';
import { appendToSystemMessage } from '../../core/yamlInPlace';
import { PROJECT_FILE } from '../language/selectors';

/** The prompt file a command acts on: its argument (CodeLens, menus), else the active editor. */
function targetUri(arg?: vscode.Uri): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === 'prompt-adapt' ? doc.uri : undefined;
}

/** What a new variant changes from its parent besides its name: an instruction added to its system message (style quick fix). */
export interface VariantOptions { instruction?: string }

/** `base`, else `base-2`, `base-3`…: the first variant name of `parent` whose file does not exist yet. */
export async function freeVariantName(parent: vscode.Uri, base: string): Promise<string> {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    try { await vscode.workspace.fs.stat(parent.with({ path: variantFileName(parent.path, name) })); } catch { return name; }
  }
}

/**
 * Copies a prompt to `name.<variant>.prompt.yml` with `adapt.variantOf` set, a name and header of its own, and opens
 * it. With `options.instruction`, the variant's system message gets that sentence.
 */
export async function newVariant(arg?: vscode.Uri, variantArg?: string, options: VariantOptions = {}): Promise<vscode.Uri | undefined> {
  const parent = targetUri(arg);
  if (!parent) { void vscode.window.showWarningMessage('Prompt Adapt: open a .prompt.yml file to make a variant of it.'); return undefined; }
  const variant = variantArg ?? await vscode.window.showInputBox({
    title: 'New prompt variant', prompt: `A short name; the variant is saved as ${path.basename(variantFileName(parent.fsPath, 'NAME'))}`,
    placeHolder: 'concise', validateInput: (v) => checkVariantName(v) ?? null,
  });
  if (variant === undefined) return undefined;
  const target = parent.with({ path: variantFileName(parent.path, variant) });
  try {
    await vscode.workspace.fs.stat(target);
    void vscode.window.showWarningMessage(`Prompt Adapt: ${path.basename(target.path)} already exists; choose another variant name.`);
    return undefined;
  } catch { /* does not exist: good */ }
  const parentText = (await vscode.workspace.openTextDocument(parent)).getText();
  const variantText = makeVariantText(parentText, path.basename(parent.path), variant);
  const text = options.instruction ? appendToSystemMessage(variantText, options.instruction) : variantText;
  await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
  await vscode.window.showTextDocument(target);
  return target;
}

/** Writes a commented starter prompt-adapt.yml at the workspace root (never overwrites) and opens it. */
export async function createProjectFile(): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) { void vscode.window.showWarningMessage('Prompt Adapt: open a folder first; the project file lives at its root.'); return undefined; }
  const target = vscode.Uri.joinPath(folder.uri, PROJECT_FILE);
  let exists = true;
  try { await vscode.workspace.fs.stat(target); } catch { exists = false; }
  if (!exists) {
    const prompts = await vscode.workspace.findFiles('**/*.prompt.yml', '**/node_modules/**', 1);
    const prompt = prompts[0] ? path.posix.relative(folder.uri.path, prompts[0].path) : undefined;
    await vscode.workspace.fs.writeFile(target, Buffer.from(projectScaffold({ prompt }), 'utf8'));
  }
  await vscode.window.showTextDocument(target);
  return target;
}
