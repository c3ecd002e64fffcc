// Conversions between core's plain data and VS Code's classes, in one place.
import * as vscode from 'vscode';
import type { Problem, Range, Position } from '../core/problems';

const severity = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information } as const;

export const toRange = (r: Range): vscode.Range => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
export const toPosition = (p: vscode.Position): Position => ({ line: p.line, character: p.character });

export function toDiagnostic(p: Problem): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(p.range), p.message, severity[p.severity]);
  d.source = 'prompt-adapt';
  d.code = p.code;
  return d;
}
