// "Export report": the full report of the current comparison (the estimator the panel shows), in a format the
// user picks, saved where they say (default `prompt-adapt-report.<ext>` beside the project file), then offered
// to open. The command takes `{ format, path }` to skip both dialogs (tests, tasks, keybindings).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import { renderReport, type ReportFormat } from '../../core/report';
import type { ReviewSession } from '../../core/review/session';
import { ESTIMATOR_IDS, type ComparisonReport, type EstimatorName } from '../../protocol/comparison';
import { REPORT_FORMAT_NAMES, type ReportFormatName } from '../../protocol/messages';
import type { Log } from '../log';
import type { ReviewService } from './reviewService';

// The protocol's names must be exactly the formats renderReport knows (a compile error otherwise).
const sameFormats: [ReportFormatName, ReportFormat] extends [ReportFormat, ReportFormatName] ? true : never = true;
void sameFormats;

const FORMATS: Record<ReportFormatName, { label: string; ext: string; filter: string; detail: string }> = {
  html: { label: 'HTML', ext: 'html', filter: 'HTML', detail: 'Self-contained page: tables, decision, selection and an inline SVG forest plot' },
  md: { label: 'Markdown', ext: 'md', filter: 'Markdown', detail: 'For pull requests and wikis' },
  csv: { label: 'CSV', ext: 'csv', filter: 'CSV', detail: 'One row per system and test set, for spreadsheets' },
  json: { label: 'JSON', ext: 'json', filter: 'JSON', detail: 'The full comparison report as data' },
  junit: { label: 'JUnit', ext: 'xml', filter: 'JUnit XML', detail: 'One test case per candidate and test set, for CI' },
};

/** Arguments of `promptAdapt.exportReport`; anything left out is asked for. */
export interface ExportReportArgs {
  format?: ReportFormatName;
  /** Absolute path, or relative to the project file's folder. */
  path?: string;
  estimator?: EstimatorName;
  /** Offer to open the written file (default: only when the location was asked for). */
  open?: boolean;
}

/** Command arguments as given by a caller (a keybinding, a task, a test): unknown until checked. */
export function parseExportArgs(x: unknown): ExportReportArgs {
  if (x === undefined || x === null || x instanceof vscode.Uri) return {};
  if (typeof x !== 'object' || Array.isArray(x)) throw new UserError('exportReport takes { format?, path?, estimator?, open? }.');
  const o = x as Record<string, unknown>;
  if (o.format !== undefined && !(REPORT_FORMAT_NAMES as readonly unknown[]).includes(o.format)) {
    throw new UserError(`Unknown report format '${String(o.format)}' (use ${REPORT_FORMAT_NAMES.join(', ')}).`);
  }
  if (o.path !== undefined && typeof o.path !== 'string') throw new UserError('exportReport: path must be a string.');
  if (o.estimator !== undefined && !(ESTIMATOR_IDS as readonly unknown[]).includes(o.estimator)) throw new UserError(`Unknown estimator '${String(o.estimator)}'.`);
  return { format: o.format as ReportFormatName | undefined, path: o.path as string | undefined, estimator: o.estimator as EstimatorName | undefined,
    open: typeof o.open === 'boolean' ? o.open : undefined };
}

/**
 * The comparison the user is looking at: the session's latest report when it was computed with `estimator`
 * (or any, when none is named), else a fresh one (which also makes `estimator` the session's current one).
 */
export async function currentReport(session: ReviewSession, estimator?: EstimatorName): Promise<ComparisonReport> {
  const last = session.lastReport;
  if (last && (estimator === undefined || last.testSets.every((t) => t.estimator === estimator))) return last;
  return session.comparison(estimator);
}

/** Writes the report; returns the file written, or undefined when the user cancelled a dialog. */
export async function exportReport(review: ReviewService, log: Log, args: ExportReportArgs = {}): Promise<vscode.Uri | undefined> {
  const session = await review.session();
  let format = args.format;
  if (!format) {
    const pick = await vscode.window.showQuickPick(REPORT_FORMAT_NAMES.map((f) => ({ label: FORMATS[f].label, description: `.${FORMATS[f].ext}`, detail: FORMATS[f].detail, format: f })),
      { title: 'Export report: format', placeHolder: 'Format of the report' });
    if (!pick) return undefined;
    format = pick.format;
  }
  const spec = FORMATS[format];
  const projectDir = path.dirname(session.project.path);
  let target: vscode.Uri | undefined;
  if (args.path !== undefined) target = vscode.Uri.file(path.resolve(projectDir, args.path));
  else {
    target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(projectDir, `prompt-adapt-report.${spec.ext}`)),
      filters: { [spec.filter]: [spec.ext] }, title: `Export report (${spec.label})`, saveLabel: 'Export',
    });
    if (!target) return undefined;
  }
  const report = await currentReport(session, args.estimator);
  await vscode.workspace.fs.writeFile(target, Buffer.from(renderReport(report, format), 'utf8'));
  log.info(`exported the ${spec.label} report to ${target.fsPath}`);
  review.didExport(target);
  if (args.open ?? args.path === undefined) void offerToOpen(target, format);
  return target;
}

/** Not awaited by the command: the notification stays up without holding the command (or its caller) open. */
async function offerToOpen(target: vscode.Uri, format: ReportFormatName): Promise<void> {
  const actions = format === 'html' ? ['Open in Browser', 'Open'] : ['Open'];
  const choice = await vscode.window.showInformationMessage(`Report written to ${path.basename(target.fsPath)}.`, ...actions);
  if (choice === 'Open in Browser') await vscode.env.openExternal(target);
  else if (choice === 'Open') await vscode.window.showTextDocument(target, { preview: false });
}
