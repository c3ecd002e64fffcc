// A variant file beside the prompt it was written from, in VS Code's diff editor.
import * as path from 'node:path';
import * as vscode from 'vscode';

/** What a diff needs of a variant (project-relative paths, as the adaptation record keeps them). */
export interface VariantFiles { tag: string; file: string; parent: string }

export async function openVariantDiff(projectDir: string, v: VariantFiles, preview = true): Promise<void> {
  const parent = vscode.Uri.file(path.resolve(projectDir, v.parent));
  const variant = vscode.Uri.file(path.resolve(projectDir, v.file));
  await vscode.commands.executeCommand('vscode.diff', parent, variant, `${path.basename(v.parent)} ↔ ${v.tag}`, { preview });
}

/** Each variant in its own diff tab (not a preview, so one does not replace the other). */
export async function openVariantDiffs(projectDir: string, variants: readonly VariantFiles[]): Promise<void> {
  for (const v of variants) await openVariantDiff(projectDir, v, false);
}
