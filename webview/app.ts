// The panel app: state (persisted with setState after every change), the view router, the header controls
// (test set, estimator, export) and the keyboard dispatch. Everything it shows arrives as data and is rendered
// as text (see dom.ts).
import { ESTIMATOR_IDS, type ComparisonReport, type EstimatorInfo, type EstimatorName, type TestSetComparison } from '../src/protocol/comparison';
import { parsePanelState, PROTOCOL_VERSION, type PanelState, type PanelView } from '../src/protocol/messages';
import { h, replace } from './dom';
import type { HostClient, Notification } from './host';
import { button, select, tabs } from './ui/controls';
import { calibrationView } from './views/calibrationView';
import { comparisonView, variantsView } from './views/comparisonView';
import type { ViewContext } from './views/context';
import { AdaptationTab } from './views/adaptationView';
import { decisionView } from './views/decisionView';
import { GridView } from './views/gridView';
import { LabelView } from './views/labelView';
import { ReviewView } from './views/reviewView';

const VIEWS: { value: PanelView; label: string }[] = [
  { value: 'comparison', label: 'Comparison' }, { value: 'calibration', label: 'Calibration' }, { value: 'variants', label: 'Prompt variants' },
  { value: 'decision', label: 'Decision' }, { value: 'grid', label: 'Results grid' }, { value: 'review', label: 'Review' }, { value: 'label', label: 'Blind labelling' },
  { value: 'adaptation', label: 'Adaptation' },
];

export class App implements ViewContext {
  state: PanelState;
  report: ComparisonReport | undefined;
  /** The selector's entries as the host describes them; the bare ids until it does. */
  private estimators: readonly EstimatorInfo[] = ESTIMATOR_IDS.map((id) => ({ id, name: id, explanation: '' }));
  private readonly header = h('header', { class: 'panel-header' });
  private readonly main = h('main', { class: 'panel-main' });
  private readonly statusLine = h('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly reviewView: ReviewView;
  private readonly gridView: GridView;
  private readonly labelView: LabelView;
  private readonly adaptationTab: AdaptationTab;
  /** Set after the first render with data: `performance.now()` at that moment (the first-paint measurement). */
  firstDataPaint: number | undefined;

  constructor(private readonly root: HTMLElement, readonly host: HostClient) {
    this.state = parsePanelState(host.restoredState()) ?? { view: 'comparison' };
    this.reviewView = new ReviewView(this);
    this.gridView = new GridView(this);
    this.labelView = new LabelView(this);
    this.adaptationTab = new AdaptationTab(this);
    replace(root, this.header, this.main, this.statusLine);
    host.onNotification((m) => this.onNotification(m));
    root.ownerDocument.addEventListener('keydown', (e) => this.onKey(e));
  }

  start(): void {
    this.render();
    this.host.post({ type: 'ready', version: PROTOCOL_VERSION });
  }

  private onNotification(m: Notification): void {
    switch (m.type) {
      case 'init':
        if (m.state) { this.state = { ...this.state, ...m.state }; this.host.saveState(this.state); }
        if (m.estimators?.length) this.estimators = m.estimators;
        if (m.report) this.setReport(m.report);
        else this.render();
        return;
      case 'comparison': this.setReport(m.report); return;
      case 'labels':
        this.labelView.setProgress(m.progress);
        if (this.state.view === 'review') this.reviewView.invalidate();
        if (this.state.view === 'grid') this.gridView.invalidate();
        return;
    }
  }

  private setReport(report: ComparisonReport): void {
    this.report = report;
    this.render();
    if (this.firstDataPaint === undefined) {
      this.firstDataPaint = performance.now();
      this.root.setAttribute('data-first-paint-ms', this.firstDataPaint.toFixed(1));
    }
  }

  testSet(): TestSetComparison | undefined {
    const sets = this.report?.testSets ?? [];
    return sets.find((t) => t.testSetId === this.state.testSetId) ?? sets[0];
  }

  update(patch: Partial<PanelState>): void {
    const viewChanged = patch.view !== undefined && patch.view !== this.state.view;
    const setChanged = patch.testSetId !== undefined && patch.testSetId !== this.state.testSetId;
    this.state = { ...this.state, ...patch };
    this.host.saveState(this.state);
    if (viewChanged || setChanged || (this.state.view !== 'review' && this.state.view !== 'grid')) this.render();
    else if (this.state.view === 'grid') this.gridView.render();
    else this.reviewView.render();
  }

  status(text: string, kind: 'info' | 'error' = 'info'): void {
    this.statusLine.textContent = text;
    this.statusLine.className = `status ${kind}`;
  }

  private async setEstimator(estimator: EstimatorName): Promise<void> {
    this.update({ estimator });
    this.status(`Recomputing with ${estimator}…`);
    try {
      this.setReport(await this.host.request('getComparison', { estimator }));
      this.status(`Estimator: ${estimator}.`);
    } catch (err) { this.status(`Could not recompute: ${(err as Error).message}`, 'error'); }
  }

  private async exportView(format: 'csv' | 'markdown'): Promise<void> {
    // On the grid, CSV is the grid's own export: the rows its filter and search show.
    if (this.state.view === 'grid' && format === 'csv') return this.gridView.exportCsv();
    try {
      const r = await this.host.request('exportView', { view: this.state.view, format, testSetId: this.testSet()?.testSetId, estimator: this.state.estimator });
      this.status(r.path ? `Exported to ${r.path}.` : 'Export cancelled.');
    } catch (err) { this.status(`Export failed: ${(err as Error).message}`, 'error'); }
  }

  /** The full report (every test set, decisions, selection) in a format the host asks for, saved where the user says. */
  private async exportReport(): Promise<void> {
    try {
      const r = await this.host.request('exportReport', { estimator: this.state.estimator });
      this.status(r.path ? `Report written to ${r.path}.` : 'Export cancelled.');
    } catch (err) { this.status(`Export failed: ${(err as Error).message}`, 'error'); }
  }

  private renderHeader(): void {
    const sets = this.report?.testSets ?? [];
    const ts = this.testSet();
    replace(this.header,
      tabs(VIEWS, this.state.view, (v) => this.update({ view: v })),
      h('div', { class: 'controls' },
        sets.length > 1 ? select('Test set', sets.map((t) => ({ value: t.testSetId, label: t.testSetId })), ts?.testSetId, (v) => this.update({ testSetId: v }), 'testset-select') : null,
        select('Estimator', this.estimators.map((e) => ({ value: e.id, label: e.name, title: e.explanation })), this.state.estimator ?? ts?.estimator ?? 'paper', (v) => void this.setEstimator(v), 'estimator-select'),
        // The adaptation view is not a table of the comparison: nothing of it to export here.
        this.state.view === 'adaptation' ? null : button('Export CSV', () => void this.exportView('csv'), { secondary: true, id: 'export-csv' }),
        this.state.view === 'adaptation' ? null : button('Export Markdown', () => void this.exportView('markdown'), { secondary: true, id: 'export-md' }),
        button('Export report', () => void this.exportReport(), { title: 'The full report: HTML, Markdown, CSV, JSON or JUnit', id: 'export-report' })),
      this.report ? h('p', { class: 'muted meta' }, `${this.report.project} · computed ${this.report.generatedAt} · runs: ${this.report.runs.join(', ') || 'none'}`) : null);
  }

  render(): void {
    this.renderHeader();
    switch (this.state.view) {
      case 'comparison': replace(this.main, comparisonView(this)); break;
      case 'calibration': replace(this.main, calibrationView(this)); break;
      case 'variants': replace(this.main, variantsView(this)); break;
      case 'decision': replace(this.main, decisionView(this)); break;
      case 'grid': replace(this.main, this.gridView.element); void this.gridView.show(); break;
      case 'review': replace(this.main, this.reviewView.element); void this.reviewView.show(); break;
      case 'label': replace(this.main, this.labelView.element); void this.labelView.show(); break;
      case 'adaptation': replace(this.main, this.adaptationTab.element); void this.adaptationTab.show(); break;
    }
  }

  private onKey(e: KeyboardEvent): void {
    const t = e.target as HTMLElement | null;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) {
      if (e.key === 'Escape') t.blur();
      return;
    }
    const views: Partial<Record<PanelView, { onKey(e: KeyboardEvent): boolean }>> = { review: this.reviewView, label: this.labelView, grid: this.gridView };
    const handled = views[this.state.view]?.onKey(e) ?? false;
    if (handled) e.preventDefault();
  }
}
