// Language features for prompt files and the project file: diagnostics as you type, completion of
// `{{variables}}` from the test sets' fields, hover with a sample value, links to referenced files.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Problem } from '../../core/problems';
import { parseProjectFile } from '../../core/project/parseProject';
import { schemaCompletions, valueKeyAt } from '../../core/project/schemaCompletion';
import { readEndpoints } from '../endpoints';
import { settings } from '../settings';
import { exampleValues, formatValue } from '../../core/prompt/render';
import { checkVariables, completionContext, groundTruthVariables, messageAt, variableAt, type VariableSources } from '../../core/prompt/editorSupport';
import { isPromptFileName, parsePromptText } from '../../core/prompt/load';
import type { ParsedPrompt } from '../../core/prompt/types';
import { toDiagnostic, toPosition, toRange } from '../convert';
import { Disposable } from '../disposable';
import type { ProjectModel, TestSetInfo } from '../project/projectModel';
import { importedPromptSelector, PROJECT_FILE, promptSelector } from './selectors';
import { unknownVariableFixes } from './variableFixes';

const isPromptDocument = (d: vscode.TextDocument): boolean =>
  d.languageId === 'prompt-adapt' || (d.uri.scheme === 'file' && /\.(prompty|prompt)$/i.test(d.uri.fsPath) && isPromptFileName(d.uri.fsPath));
const isProjectDocument = (d: vscode.TextDocument): boolean => path.basename(d.uri.fsPath) === PROJECT_FILE;

/** Parses each document version once, shared by every feature. */
class ParseCache {
  private readonly cache = new Map<string, { version: number; parsed: ParsedPrompt }>();
  get(doc: vscode.TextDocument): ParsedPrompt {
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.version === doc.version) return hit.parsed;
    const parsed = parsePromptText(doc.getText(), doc.uri.fsPath);
    this.cache.set(key, { version: doc.version, parsed });
    return parsed;
  }
  delete(doc: vscode.TextDocument): void { this.cache.delete(doc.uri.toString()); }
}

/** Field names and mapped variables across all test sets, for variable checks and completion. */
function variableSources(infos: TestSetInfo[]): VariableSources {
  if (infos.length === 0) return { label: 'the test sets' };
  const groundTruth = [...new Set(infos.flatMap((i) => groundTruthVariables(i.spec.fields)))];
  const readable = infos.filter((i) => !i.error);
  const fields = readable.length ? [...new Set(readable.flatMap((i) => i.fields))] : undefined;
  const mapped = [...new Set(infos.flatMap((i) => Object.keys(i.spec.fields).filter((k) => i.spec.fields[k] !== undefined)))];
  const label = infos.length === 1 ? `test set '${infos[0]!.spec.id}'` : `the test sets (${infos.map((i) => i.spec.id).join(', ')})`;
  return { fields, mapped, label, groundTruth };
}

export class PromptLanguage extends Disposable {
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('prompt-adapt'));
  private readonly parses = new ParseCache();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The latest check per document; an older check that finishes late does not publish. */
  private readonly checks = new Map<string, number>();

  constructor(private readonly project: ProjectModel) {
    super();
    const selector = [...(promptSelector as vscode.DocumentFilter[]), ...(importedPromptSelector as vscode.DocumentFilter[])];
    this.register(vscode.languages.registerCompletionItemProvider(selector, { provideCompletionItems: (d, p) => this.complete(d, p) }, '{'));
    this.register(vscode.languages.registerCompletionItemProvider({ pattern: `**/${PROJECT_FILE}` }, { provideCompletionItems: (d, p) => this.completeProject(d, p) }, ':', ' '));
    this.register(vscode.languages.registerHoverProvider(selector, { provideHover: (d, p) => this.hover(d, p) }));
    this.register(vscode.languages.registerCodeActionsProvider(selector, { provideCodeActions: (d, _r, c) => this.fixes(d, c) },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
    this.register(vscode.languages.registerDocumentLinkProvider([...selector, { pattern: `**/${PROJECT_FILE}` }], { provideDocumentLinks: (d) => this.links(d) }));
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.clear(d)));
    // Closing an editor does not close its document right away; clear once no tab shows it any more.
    this.register(vscode.window.tabGroups.onDidChangeTabs((e) => {
      if (e.closed.length) this.clearUnshown();
      for (const tab of e.opened) {
        if (!(tab.input instanceof vscode.TabInputText)) continue;
        const uri = tab.input.uri.toString();
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
        if (doc) this.schedule(doc, 0);
      }
    }));
    this.register(project.onDidChange(() => { for (const d of vscode.workspace.textDocuments) this.schedule(d, 0); }));
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** Checks a document after the user pauses typing (the delay is a setting). */
  private schedule(doc: vscode.TextDocument, delay?: number): void {
    if (!isPromptDocument(doc) && !isProjectDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    const ms = delay ?? settings.diagnosticsDelayMs();
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); void this.check(doc); }, ms));
  }

  private clear(doc: vscode.TextDocument): void {
    clearTimeout(this.timers.get(doc.uri.toString()));
    this.timers.delete(doc.uri.toString());
    this.checks.delete(doc.uri.toString());
    this.parses.delete(doc);
    this.diagnostics.delete(doc.uri);
  }

  private clearUnshown(): void {
    const shown = new Set(vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.input)
      .filter((i): i is vscode.TabInputText => i instanceof vscode.TabInputText).map((i) => i.uri.toString()));
    this.diagnostics.forEach((uri) => {
      if (shown.has(uri.toString())) return;
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc) this.clear(doc); else this.diagnostics.delete(uri);
    });
  }

  /** Computes the problems of one document version; public for tests. */
  async problems(doc: vscode.TextDocument): Promise<Problem[]> {
    if (isProjectDocument(doc)) return parseProjectFile(doc.getText(), doc.uri.fsPath).problems;
    const parsed = this.parses.get(doc);
    const problems = [...parsed.problems];
    const infos = await this.project.testSetInfos();
    problems.push(...checkVariables(parsed, variableSources(infos)));
    if (parsed.prompt.format === 'prompt.yml' && !parsed.prompt.adapt.output && !parsed.problems.some((p) => p.code.startsWith('yaml'))) {
      problems.push({ file: doc.uri.fsPath, range: parsed.anchors.adapt ?? parsed.anchors.top, severity: 'warning', code: 'missing-output-spec',
        message: "No output spec: add 'adapt: { output: { format: xml, answer: response.answer, idk: response.cannot_answer } }' (or format json/text) so answers, IDK flags and schema failures can be read from the outputs." });
    }
    return problems;
  }

  private async check(doc: vscode.TextDocument): Promise<void> {
    if (doc.isClosed) return;
    const key = doc.uri.toString();
    const token = (this.checks.get(key) ?? 0) + 1;
    this.checks.set(key, token);
    const problems = await this.problems(doc);
    if (doc.isClosed || this.checks.get(key) !== token) return;   // cleared, or a newer check ran
    this.diagnostics.set(doc.uri, problems.map(toDiagnostic));
  }

  private async fixes(doc: vscode.TextDocument, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    if (!context.diagnostics.some((d) => d.code === 'unknown-variable')) return [];
    return unknownVariableFixes(doc, context.diagnostics, this.parses.get(doc), variableSources(await this.project.testSetInfos()));
  }

  private async complete(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    const ctx = completionContext(doc.getText(), toPosition(pos));
    if (!ctx) return undefined;
    const parsed = this.parses.get(doc);
    if (parsed.prompt.format === 'prompt.yml' && !messageAt(parsed, toPosition(pos))) return undefined;
    const infos = await this.project.testSetInfos();
    const items = new Map<string, vscode.CompletionItem>();
    const leaks = new Set(variableSources(infos).groundTruth);
    for (const info of infos) {
      const mapped = Object.entries(info.spec.fields).filter(([, v]) => v !== undefined);
      const names = [...mapped.map(([k]) => k), ...info.fields];
      for (const name of names) {
        if (items.has(name)) continue;
        const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Variable);
        const field = mapped.find(([k]) => k === name)?.[1];
        item.detail = field !== undefined ? `mapped to field '${String(field)}' of ${info.spec.id}` : `field of test set ${info.spec.id}`;
        if (info.sample) item.documentation = new vscode.MarkdownString().appendCodeblock(preview(exampleValues(info.sample.fields, info.spec.fields)[name]), 'text');
        item.range = toRange(ctx.replace);
        item.insertText = ctx.needsClose ? `${name}}}` : name;
        item.sortText = (field !== undefined ? '0' : '1') + name;
        if (leaks.has(name)) markLeak(item);
        items.set(name, item);
      }
    }
    for (const row of parsed.prompt.testData ?? []) for (const name of Object.keys(row)) {
      if (items.has(name)) continue;
      const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Variable);
      item.detail = 'inline testData';
      item.range = toRange(ctx.replace);
      item.insertText = ctx.needsClose ? `${name}}}` : name;
      items.set(name, item);
    }
    return [...items.values()];
  }

  /** Keys and enum values from the project schema; endpoint, candidate and metric ids where they are expected. */
  private completeProject(doc: vscode.TextDocument, pos: vscode.Position): vscode.CompletionItem[] {
    const text = doc.getText();
    const offset = doc.offsetAt(pos);
    const items = schemaCompletions(text, offset).map((c) => {
      const item = new vscode.CompletionItem(c.label, c.kind === 'key' ? vscode.CompletionItemKind.Property : vscode.CompletionItemKind.EnumMember);
      item.detail = c.detail;
      item.insertText = c.insertText;
      return item;
    });
    const key = valueKeyAt(text, offset);
    const project = parseProjectFile(text, doc.uri.fsPath).project;
    const ids: [string[], string][] = [];
    if (key === 'candidates.endpoint' || key === 'metrics.judge.endpoint') ids.push([Object.keys(readEndpoints()), 'endpoint from your user settings']);
    if (key === 'baseline.candidate') ids.push([project.candidates.map((c) => c.id), 'candidate']);
    if (key === 'decision.primaryMetric') ids.push([project.metrics.map((m) => m.id), 'metric']);
    for (const [values, detail] of ids) for (const v of values) {
      const item = new vscode.CompletionItem(v, vscode.CompletionItemKind.Value);
      item.detail = detail;
      items.push(item);
    }
    return items;
  }

  private async hover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const hit = variableAt(this.parses.get(doc), toPosition(pos));
    if (!hit) return undefined;
    const name = hit.variable.name;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**\`{{${name}}}\`**`);
    for (const info of await this.project.testSetInfos()) {
      if (!info.sample) continue;
      const values = exampleValues(info.sample.fields, info.spec.fields);
      if (!(name in values)) continue;
      md.appendMarkdown(`\n\nSample from test set \`${info.spec.id}\` (example \`${info.sample.id}\`):`);
      md.appendCodeblock(preview(values[name]), 'text');
      return new vscode.Hover(md, toRange(hit.variable.range));
    }
    md.appendMarkdown('\n\nNo test set provides this variable.');
    return new vscode.Hover(md, toRange(hit.variable.range));
  }

  private links(doc: vscode.TextDocument): vscode.DocumentLink[] {
    const links = isProjectDocument(doc) ? parseProjectFile(doc.getText(), doc.uri.fsPath).links : this.parses.get(doc).links;
    return links.map((l) => {
      const link = new vscode.DocumentLink(toRange(l.range), vscode.Uri.file(l.target));
      link.tooltip = l.kind === 'variantOf' ? 'Open the parent prompt' : l.kind === 'testSet' ? 'Open the test set' : 'Open the prompt';
      return link;
    });
  }
}

/** The expected answer offered as a variable: listed last and said plainly (using it gets a warning). */
function markLeak(item: vscode.CompletionItem): void {
  item.detail = `${item.detail ?? ''} · the expected answer: the model would see what it is graded against`;
  item.sortText = `9${String(item.label)}`;
}

/** A value as shown in hovers: text, cut at a readable length. */
function preview(value: unknown): string {
  const text = value === undefined ? '(missing)' : formatValue(value);
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}
