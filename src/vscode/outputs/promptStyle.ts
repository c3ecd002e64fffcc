// Style findings of a prompt's latest run, aggregated onto the prompt file ("'according to' in 37/500
// outputs of nova-2-lite (7.4%)"), with related information pointing at examples and three quick fixes:
// add an instruction to the system message (in a new variant first, else in place), open the outputs, turn the rule off
// for this prompt. In-place edits replace only the text that changes.
import * as vscode from 'vscode';
import { instructionFor, ruleLabel, styleSummaries, type StyleSummary } from '../../core/storedOutputs/styleAdvice';
import { LineIndex } from '../../core/problems';
import { parsePromptText } from '../../core/prompt/load';
import { appendListItemInPlace, appendToSystemMessage, changedPart } from '../../core/yamlInPlace';
import { freeVariantName } from '../commands/promptFiles';
import { toRange } from '../convert';
import { Disposable } from '../disposable';
import type { ProjectModel } from '../project/projectModel';
import { CommandId } from '../commands/ids';
import { outputUri, type OutputsModel } from './outputsModel';

const STYLE_CODE_PREFIX = 'style:';

interface Finding { summary: StyleSummary; runId: string; maxWords?: number }

export class PromptStyle extends Disposable implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('prompt-adapt-style'));
  /** What each published diagnostic is about, for its quick fixes. */
  private readonly findings = new WeakMap<vscode.Diagnostic, Finding>();

  constructor(private readonly outputs: OutputsModel, private readonly project: ProjectModel) {
    super();
    this.register(vscode.languages.registerCodeActionsProvider({ language: 'prompt-adapt' }, this, { providedCodeActionKinds: PromptStyle.kinds }));
    this.register(vscode.workspace.onDidOpenTextDocument((d) => void this.update(d)));
    this.register(vscode.workspace.onDidSaveTextDocument((d) => void this.update(d)));
    this.register(outputs.onDidChange(() => this.refreshVisible()));
    this.refreshVisible();
  }

  private refreshVisible(): void {
    for (const d of vscode.workspace.textDocuments) void this.update(d);
  }

  /** Publishes the aggregated style diagnostics of one prompt file (public for tests). */
  async update(doc: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
    if (doc.languageId !== 'prompt-adapt' || doc.uri.scheme !== 'file') return [];
    const run = await this.outputs.latestRunOf(doc.uri.fsPath);
    if (!run) { this.diagnostics.delete(doc.uri); return []; }
    const parsed = parsePromptText(doc.getText(), doc.uri.fsPath);
    const project = (await this.project.project())?.project;
    const maxBadStyle = project?.decision.maxBadStyle ?? 0.02;
    const system = parsed.prompt.messages.find((m) => m.role === 'system');
    const range = toRange(system?.range ?? parsed.anchors.messages ?? parsed.anchors.top);
    const label = (id: string): string => ruleLabel(id, parsed.prompt, project?.style.phrases ?? []);
    const diags: vscode.Diagnostic[] = [];
    for (const s of styleSummaries(run, label)) {
      const severity = s.rate > maxBadStyle ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
      const d = new vscode.Diagnostic(range, s.message, severity);
      d.source = 'prompt-adapt';
      d.code = `${STYLE_CODE_PREFIX}${s.ruleId}`;
      const rendered = await this.outputs.rendered(run.manifest.runId, s.candidateId);
      if (rendered) {
        const lines = new LineIndex(rendered.text);
        d.relatedInformation = s.examples.flatMap((exampleId) => {
          const b = rendered.blocks.find((x) => x.exampleId === exampleId);
          const f = b?.response.findings.find((x) => x.ruleId === s.ruleId);
          if (!b || !f) return [];
          return [new vscode.DiagnosticRelatedInformation(new vscode.Location(outputUri(run.manifest.runId, s.candidateId),
            toRange(lines.range(b.answerStart + f.start, b.answerStart + f.end))), `${exampleId}: ${f.message}`)];
        });
      }
      this.findings.set(d, { summary: s, runId: run.manifest.runId, maxWords: project?.style.maxWords });
      diags.push(d);
    }
    this.diagnostics.set(doc.uri, diags);
    return diags;
  }

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      const f = this.findings.get(d) ?? this.lookup(doc, d);
      if (!f) continue;
      const { ruleId, candidateId, examples } = f.summary;
      const prompt = parsePromptText(doc.getText(), doc.uri.fsPath).prompt;
      const label = ruleLabel(ruleId, prompt);
      const sentence = instructionFor(ruleId, label, prompt.adapt.style?.maxWords ?? f.maxWords);

      const variant = await freeVariantName(doc.uri, 'style');
      const inVariant = new vscode.CodeAction(`Add to the system message in a new variant '${variant}': "${sentence}"`, vscode.CodeActionKind.QuickFix);
      inVariant.diagnostics = [d];
      inVariant.isPreferred = true;
      inVariant.command = { title: 'New prompt variant', command: CommandId.newVariant, arguments: [doc.uri, variant, { instruction: sentence }] };
      actions.push(inVariant);

      const instruct = new vscode.CodeAction(`Add to the system message of this prompt: "${sentence}"`, vscode.CodeActionKind.QuickFix);
      instruct.diagnostics = [d];
      instruct.edit = changedTextEdit(doc, () => appendToSystemMessage(doc.getText(), sentence));
      if (instruct.edit) actions.push(instruct);

      const open = new vscode.CodeAction(`Open the outputs of ${candidateId} with ${label}`, vscode.CodeActionKind.QuickFix);
      open.diagnostics = [d];
      open.command = { title: 'Open outputs', command: CommandId.openOutputs, arguments: [f.runId, candidateId, examples[0]] };
      actions.push(open);

      const off = new vscode.CodeAction(`Turn off ${label} for this prompt`, vscode.CodeActionKind.QuickFix);
      off.diagnostics = [d];
      off.edit = changedTextEdit(doc, () => appendListItemInPlace(doc.getText(), ['adapt', 'style', 'disabledRules'], ruleId));
      if (off.edit) actions.push(off);
    }
    return actions;
  }

  /** Diagnostics come back to code actions as copies: find ours by code and message. */
  private lookup(doc: vscode.TextDocument, d: vscode.Diagnostic): Finding | undefined {
    if (typeof d.code !== 'string' || !d.code.startsWith(STYLE_CODE_PREFIX)) return undefined;
    const mine = this.diagnostics.get(doc.uri)?.find((x) => x.code === d.code && x.message === d.message);
    return mine && this.findings.get(mine);
  }
}

/** The edit a core text change makes, as one replacement of only the part that differs; none when it cannot be made. */
function changedTextEdit(doc: vscode.TextDocument, compute: () => string): vscode.WorkspaceEdit | undefined {
  let text: string;
  try { text = compute(); } catch { return undefined; }
  const change = changedPart(doc.getText(), text);
  if (!change) return undefined;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(doc.positionAt(change.start), doc.positionAt(change.end)), change.text);
  return edit;
}
