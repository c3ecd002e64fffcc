// Quick fix for an unknown variable: "Change to '{{question}}'" when a known variable is a likely typo of it.
import * as vscode from 'vscode';
import { suggestVariable, type VariableSources } from '../../core/prompt/editorSupport';
import type { ParsedPrompt } from '../../core/prompt/types';

/** One quick fix per `unknown-variable` diagnostic that has a suggestion; it replaces only the name inside the braces. */
export function unknownVariableFixes(doc: vscode.TextDocument, diagnostics: readonly vscode.Diagnostic[], parsed: ParsedPrompt, sources: VariableSources): vscode.CodeAction[] {
  const actions: vscode.CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.code !== 'unknown-variable' || d.source !== 'prompt-adapt') continue;
    const written = doc.getText(d.range);
    const m = /^(\{\{\{?\s*)([^\s}]+)/.exec(written);
    if (!m) continue;
    const suggestion = suggestVariable(parsed.prompt, sources, m[2]!);
    if (!suggestion) continue;
    const start = doc.offsetAt(d.range.start) + m[1]!.length;
    const fix = new vscode.CodeAction(`Change to '{{${suggestion}}}'`, vscode.CodeActionKind.QuickFix);
    fix.diagnostics = [d];
    fix.isPreferred = true;
    fix.edit = new vscode.WorkspaceEdit();
    fix.edit.replace(doc.uri, new vscode.Range(doc.positionAt(start), doc.positionAt(start + m[2]!.length)), suggestion);
    actions.push(fix);
  }
  return actions;
}
