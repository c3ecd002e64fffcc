// One reviewer's session over a project's store: review models per test set (loaded lazily, cached), the
// comparison (recomputed from memory when labels arrive: the store is read again only when runs change),
// blind-label queues, labels appended durably with an undo stack, and exports. Used by the comparison panel
// and the Test Explorer; plain Node, no vscode.
import type { ComparisonReport, EstimatorName } from '../../protocol/comparison';
import { compareProject } from '../compare/buildComparison';
import { ComparisonStore } from '../compare/gather';
import type { GridPage, GridQuery, PromptPair } from '../../protocol/grid';
import { gridOf } from '../grid/grid';
import { promptPair } from '../grid/promptPair';
import type { ExportFormat, HumanLabelName, LabelItem, LabelProgress, LabelQueue, PanelView, ReviewFilter, ReviewPage } from '../../protocol/messages';
import type { LabelLine } from '../store/labels';
import { MIN_CLASS_LABELS } from '../stats/calibration';
import type { ProjectFile } from '../project/types';
import { currentLabels, type ReviewData, type LabelTarget } from './data';
import { formatTables, viewTables } from './exportView';
import { loadReviewData } from './load';
import type { Store } from '../store/store';

/** Computes the comparison report of a project with an estimator (tests may pass their own). */
export type ComparisonSource = (estimator: EstimatorName | undefined, session: ReviewSession) => Promise<ComparisonReport>;

export interface ReviewSessionOptions {
  project: ProjectFile;
  store: Store;
  reviewer?: string;
  compare?: ComparisonSource;
  now?: () => Date;
}

/** The comparison of src/core/compare over the project's store, with the panel's estimator. */
export const defaultSource: ComparisonSource = (estimator, session) => compareProject(session.project, { estimator }, session.comparisonStore);

export class ReviewSession {
  readonly project: ProjectFile;
  readonly store: Store;
  private readonly models = new Map<string, Promise<ReviewData>>();
  private readonly undoStack: { testSetId: string; target: LabelTarget }[] = [];
  /** The latest comparison; kept after labels arrive (its plan still sets the label target) but no longer current. */
  private report: ComparisonReport | undefined;
  private reportCurrent = false;
  /** Labels added (minus withdrawn) per test set since `report` was computed. */
  private readonly labelsSinceReport = new Map<string, number>();
  private estimator: EstimatorName | undefined;
  private readonly compare: ComparisonSource;
  private compared: ComparisonStore;
  /** Per test set, the labels file's stamp right after this session's last write to it. */
  private readonly ownStamps = new Map<string, string>();

  constructor(private readonly opts: ReviewSessionOptions) {
    this.project = opts.project;
    this.store = opts.store;
    this.compare = opts.compare ?? defaultSource;
    this.compared = new ComparisonStore(opts.store);
  }

  /** What the comparison read from the store, kept until runs or verdicts change (labels are added in memory). */
  get comparisonStore(): ComparisonStore { return this.compared; }

  /**
   * The review model of a test set, loaded once and reloaded when the store's runs changed (a run finished in the
   * CLI, verdicts were added): the manifests are compared at most every 2 s, so watchers are not needed for correctness.
   */
  async data(testSetId: string): Promise<ReviewData> {
    await this.checkFresh();
    return this.model(testSetId);
  }

  private signature: string | undefined;
  private checkedAt = 0;
  private async checkFresh(force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - this.checkedAt < 2000) return;
    this.checkedAt = now;
    const runs = await this.store.listRuns();
    const sig = runs.map((r) => `${r.runId}:${r.updatedAt}:${this.store.verdictsSize(r.runId)}`).join('|');
    if (this.signature !== undefined && sig !== this.signature) this.forgetStore();
    this.signature = sig;
  }

  private model(testSetId: string): Promise<ReviewData> {
    let m = this.models.get(testSetId);
    if (!m) {
      m = loadReviewData({ project: this.project, store: this.store, testSetId });
      m.catch(() => this.models.delete(testSetId));
      this.models.set(testSetId, m);
    }
    return m;
  }

  /** Runs or verdicts changed: reload everything on next use. */
  invalidate(): void { this.forgetStore(); this.checkedAt = 0; }

  private forgetStore(): void {
    this.models.clear();
    this.compared = new ComparisonStore(this.store);
    this.report = undefined;
    this.reportCurrent = false;
    this.labelsSinceReport.clear();
  }

  /** Labels of a test set changed by `delta` since the report: the report is no longer current, its plan still counts. */
  private labelsMoved(testSetId: string, delta: number): void {
    this.reportCurrent = false;
    this.labelsSinceReport.set(testSetId, (this.labelsSinceReport.get(testSetId) ?? 0) + delta);
  }

  /**
   * The labels file of a test set changed on disk (a file watcher saw it). Returns false when the change is this
   * session's own write (already in memory); otherwise re-reads the file (a git pull, another reviewer) and returns true.
   */
  async labelsFileChanged(testSetId: string): Promise<boolean> {
    const stamp = this.store.labelsFileStamp(testSetId);
    if (this.ownStamps.has(testSetId) && this.ownStamps.get(testSetId) === stamp) return false;
    await this.reloadLabels(testSetId);
    this.ownStamps.set(testSetId, stamp);
    return true;
  }

  /** Re-reads a test set's labels into the loaded model and the comparison's store. */
  private async reloadLabels(testSetId: string): Promise<void> {
    this.compared.forgetLabels(testSetId);
    this.reportCurrent = false;
    const m = this.models.get(testSetId);
    if (!m) return;
    const labels = currentLabels(await this.store.readLabels(testSetId));
    const data = await m;
    const before = data.labelCount;
    data.replaceLabels(labels);
    this.labelsMoved(testSetId, data.labelCount - before);
  }

  /** The latest comparison if no label arrived since it was computed. */
  get lastReport(): ComparisonReport | undefined { return this.reportCurrent ? this.report : undefined; }

  /** The comparison, after checking whether runs changed in the store. */
  async comparison(estimator?: EstimatorName): Promise<ComparisonReport> {
    await this.checkFresh(true);
    return this.comparisonFromMemory(estimator);
  }

  /** The comparison from what was read before plus the labels given since: after a label, nothing is read again. */
  async comparisonFromMemory(estimator?: EstimatorName): Promise<ComparisonReport> {
    if (estimator !== undefined) this.estimator = estimator;
    const report = await this.compare(this.estimator, this);
    this.report = report;
    this.reportCurrent = true;
    this.labelsSinceReport.clear();
    return report;
  }

  async reviewPage(testSetId: string, filter: ReviewFilter, offset: number, limit: number, systemId?: string): Promise<ReviewPage> {
    return (await this.data(this.known(testSetId))).page(filter, offset, limit, systemId);
  }

  /** One page of the results grid (examples × every system) matching the query. */
  async gridPage(testSetId: string, query: GridQuery, offset: number, limit: number): Promise<GridPage> {
    return gridOf(await this.data(this.known(testSetId))).page(query, offset, limit);
  }

  /** The grid's rows matching the query as CSV, and how many there are. */
  async gridCsv(testSetId: string, query: GridQuery): Promise<{ text: string; rows: number }> {
    return gridOf(await this.data(this.known(testSetId))).csv(query);
  }

  /** A system's prompt messages and, for a variant, those of the parent the comparison compares it with. */
  async promptPair(testSetId: string, systemId: string): Promise<PromptPair> {
    const system = (await this.data(this.known(testSetId))).systems.find((s) => s.systemId === systemId);
    if (!system) throw new Error(`No system '${systemId}' on test set '${testSetId}'.`);
    const parent = this.report?.testSets.find((t) => t.testSetId === testSetId)?.variants.find((v) => v.systemId === systemId)?.parentPrompt;
    return promptPair(this.project, system, parent);
  }

  async labelQueue(testSetId: string, size: number): Promise<LabelQueue> {
    await this.checkFresh(true);
    const data = await this.data(this.known(testSetId));
    return { items: data.labelSample(size), progress: this.progressOf(data) };
  }

  async progress(testSetId: string): Promise<LabelProgress> { return this.progressOf(await this.data(this.known(testSetId))); }

  private progressOf(data: ReviewData): LabelProgress {
    const cal = this.report?.testSets.find((t) => t.testSetId === data.testSetId)?.calibration;
    const labelled = data.labelCount;
    // The plan was made before the labels given since: those count toward it.
    const more = cal?.plan?.labelsNeeded === undefined ? undefined : Math.max(0, cal.plan.labelsNeeded - (this.labelsSinceReport.get(data.testSetId) ?? 0));
    // Without a reachable plan, the planner's minimum of 30 positives and 30 negatives while it is not met;
    // past it, no label target (0): the planner's message says what else is needed (more test questions).
    const target = more !== undefined ? labelled + more : labelled < 2 * MIN_CLASS_LABELS ? 2 * MIN_CLASS_LABELS : 0;
    return { testSetId: data.testSetId, labelled, target, message: cal?.plan?.message };
  }

  /** Appends a label for the output behind `key` (a key from this session's queue or Test Explorer). */
  async label(testSetId: string, key: string, label: HumanLabelName, note?: string): Promise<LabelProgress> {
    const data = await this.data(this.known(testSetId));
    const target = data.resolveKey(key);
    if (!target) throw new Error('That output is no longer in the review (the runs changed); reload the queue.');
    return this.labelTarget(data, target, label, note);
  }

  /** Labels an output by system and example (Test Explorer actions). */
  async labelOutput(testSetId: string, systemId: string, exampleId: string, label: HumanLabelName): Promise<LabelProgress> {
    const data = await this.data(this.known(testSetId));
    const o = data.output(systemId, exampleId);
    if (!o?.outputHash) throw new Error(`No output of ${systemId} for example ${exampleId}.`);
    return this.labelTarget(data, { systemId, candidateId: o.candidateId, exampleId, outputHash: o.outputHash }, label);
  }

  /**
   * Appends a label line and folds it into memory. If the file changed elsewhere since this session's last write
   * (and the watcher has not said so yet), it is read again so that change is not mistaken for our own.
   */
  private async write(testSetId: string, line: LabelLine): Promise<void> {
    const changedElsewhere = this.ownStamps.has(testSetId) && this.ownStamps.get(testSetId) !== this.store.labelsFileStamp(testSetId);
    this.store.appendLabel(testSetId, line);
    this.compared.addLabel(testSetId, line);
    if (changedElsewhere) await this.reloadLabels(testSetId);
    this.ownStamps.set(testSetId, this.store.labelsFileStamp(testSetId));
  }

  private async labelTarget(data: ReviewData, t: LabelTarget, label: HumanLabelName, note?: string): Promise<LabelProgress> {
    await this.write(data.testSetId, { outputHash: t.outputHash, exampleId: t.exampleId, candidateId: t.candidateId, label,
      reviewer: this.opts.reviewer, ...(note ? { note } : {}), at: (this.opts.now?.() ?? new Date()).toISOString() });
    const before = data.labelCount;
    data.setLabel(t.outputHash, label);
    this.undoStack.push({ testSetId: data.testSetId, target: t });
    this.labelsMoved(data.testSetId, data.labelCount - before);
    return this.progressOf(data);
  }

  /** Withdraws this session's latest label on the test set (appends a `withdrawn` line). */
  async undo(testSetId: string): Promise<{ progress: LabelProgress; item?: LabelItem }> {
    const data = await this.data(this.known(testSetId));
    const i = this.undoStack.map((u) => u.testSetId).lastIndexOf(testSetId);
    if (i < 0) return { progress: this.progressOf(data) };
    const [{ target: t }] = this.undoStack.splice(i, 1);
    await this.write(testSetId, { outputHash: t.outputHash, exampleId: t.exampleId, candidateId: t.candidateId, label: 'withdrawn',
      reviewer: this.opts.reviewer, at: (this.opts.now?.() ?? new Date()).toISOString() });
    const before = data.labelCount;
    data.setLabel(t.outputHash, undefined);
    this.labelsMoved(testSetId, data.labelCount - before);
    const e = data.example(t.exampleId)!;
    const o = data.output(t.systemId, t.exampleId)!;
    return { progress: this.progressOf(data), item: { key: data.keyOf(t), exampleId: e.exampleId, question: e.question, context: e.context, groundTruth: e.groundTruth, output: o.text } };
  }

  async exportText(view: PanelView, format: ExportFormat, testSetId?: string, estimator?: EstimatorName): Promise<string> {
    const report = this.lastReport && (estimator === undefined || estimator === this.estimator) ? this.lastReport : await this.comparison(estimator);
    const review = (view === 'review' || view === 'label' || view === 'grid') && testSetId ? await this.data(this.known(testSetId)) : undefined;
    return formatTables(viewTables(report, view, testSetId, review), format);
  }

  private known(testSetId: string): string {
    if (!this.project.testSets.some((t) => t.id === testSetId)) throw new Error(`No test set '${testSetId}' in the project.`);
    return testSetId;
  }
}
