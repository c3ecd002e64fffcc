// Read-only documents of a run's outputs, one per candidate: style findings are diagnostics at the exact
// spans, judge verdicts are hovers on each example's block.
import * as vscode from 'vscode';
import { verdictsOf } from '../../core/storedOutputs/runOutputs';
import { LineIndex } from '../../core/problems';
import { toRange } from '../convert';
import { Disposable } from '../disposable';
import { OUTPUT_SCHEME, outputUri, parseOutputUri, type OutputsModel } from './outputsModel';

export class OutputDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('prompt-adapt-outputs'));
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly outputs: OutputsModel) {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(OUTPUT_SCHEME, this));
    this.register(vscode.languages.registerHoverProvider({ scheme: OUTPUT_SCHEME }, { provideHover: (d, p) => this.hover(d, p) }));
    this.register(vscode.workspace.onDidOpenTextDocument((d) => { if (d.uri.scheme === OUTPUT_SCHEME) void this.publish(d.uri); }));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => { if (d.uri.scheme === OUTPUT_SCHEME) this.diagnostics.delete(d.uri); }));
    this.register(outputs.onDidChange(() => {
      for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === OUTPUT_SCHEME) { this.changed.fire(d.uri); void this.publish(d.uri); }
    }));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const id = parseOutputUri(uri);
    const doc = id && await this.outputs.rendered(id.runId, id.candidateId);
    return doc?.text ?? `# No outputs for ${uri.path}: the run or the candidate no longer exists.\n`;
  }

  /** Style findings as diagnostics at their spans in the document (code = rule id). */
  private async publish(uri: vscode.Uri): Promise<void> {
    const id = parseOutputUri(uri);
    const doc = id && await this.outputs.rendered(id.runId, id.candidateId);
    if (!doc) return;
    const lines = new LineIndex(doc.text);
    const diags: vscode.Diagnostic[] = [];
    for (const b of doc.blocks) {
      for (const f of b.response.findings) {
        const d = new vscode.Diagnostic(toRange(lines.range(b.answerStart + f.start, b.answerStart + f.end)), f.message, vscode.DiagnosticSeverity.Warning);
        d.source = 'prompt-adapt';
        d.code = f.ruleId;
        diags.push(d);
      }
    }
    this.diagnostics.set(uri, diags);
  }

  private async hover(document: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const id = parseOutputUri(document.uri);
    const doc = id && await this.outputs.rendered(id.runId, id.candidateId);
    if (!id || !doc) return undefined;
    const offset = document.offsetAt(pos);
    const block = doc.blocks.find((b, i) => offset >= b.start && offset < (doc.blocks[i + 1]?.start ?? Infinity));
    if (!block) return undefined;
    const verdicts = verdictsOf(doc.run, id.candidateId, block.exampleId);
    const md = new vscode.MarkdownString(undefined, false);   // untrusted: no command links from judge text
    md.appendMarkdown(`**${block.exampleId}**`);
    if (verdicts.length === 0) md.appendMarkdown(' — not judged yet');
    for (const v of verdicts) {
      const verdict = v.verdict === 1 ? '✓ correct' : v.verdict === 0 ? '✗ incorrect' : '? no verdict';
      md.appendMarkdown(`\n\n**${v.metricId}**: ${verdict}${v.reason ? ` (${escape(v.reason)})` : ''}${v.judgeModel ? ` — ${escape(v.judgeModel)}` : ''}`);
      if (v.reasoning) md.appendCodeblock(v.reasoning.length > 1500 ? `${v.reasoning.slice(0, 1500)}…` : v.reasoning, 'text');
    }
    return new vscode.Hover(md);
  }

  /** Opens the outputs of a candidate in a run, at an example when given. */
  async open(runId: string, candidateId: string, exampleId?: string): Promise<vscode.TextEditor> {
    const uri = outputUri(runId, candidateId);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    if (exampleId) {
      const rendered = await this.outputs.rendered(runId, candidateId);
      const block = rendered?.blocks.find((b) => b.exampleId === exampleId);
      if (block) {
        const range = new vscode.Range(doc.positionAt(block.start + 1), doc.positionAt(block.start + 1));
        editor.selection = new vscode.Selection(range.start, range.start);
        editor.revealRange(range, vscode.TextEditorRevealType.AtTop);
      }
    }
    return editor;
  }
}

/** Judge text is model output: keep markdown from the judge from formatting the hover. */
const escape = (s: string): string => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
