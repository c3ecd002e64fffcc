// Reports of a comparison: pure functions from a ComparisonReport to text in each format.
import type { ComparisonReport } from '../../protocol/comparison';
import { renderCsv } from './csv';
import { renderHtml } from './html';
import { renderJunit } from './junit';
import { renderMarkdown } from './markdown';

export { renderCsv } from './csv';
export { forestPlotSvg, renderHtml } from './html';
export { renderJunit } from './junit';
export { renderDecisionText, renderMarkdown } from './markdown';
export { csvField, escapeHtml, escapeMarkdown } from './format';

export const REPORT_FORMATS = ['md', 'json', 'junit', 'html', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The format a file name implies (`.md`, `.json`, `.xml` → junit, `.html`/`.htm`, `.csv`), if any. */
export function formatOfFile(file: string): ReportFormat | undefined {
  const m = /\.(md|markdown|json|xml|html?|csv)$/iu.exec(file);
  if (!m) return undefined;
  const ext = m[1]!.toLowerCase();
  return ext === 'markdown' ? 'md' : ext === 'xml' ? 'junit' : ext.startsWith('htm') ? 'html' : (ext as ReportFormat);
}

/** Renders a comparison in one format. */
export function renderReport(report: ComparisonReport, format: ReportFormat): string {
  switch (format) {
    case 'md': return renderMarkdown(report);
    case 'json': return JSON.stringify(report, null, 2) + '\n';
    case 'junit': return renderJunit(report);
    case 'html': return renderHtml(report);
    case 'csv': return renderCsv(report);
  }
}
