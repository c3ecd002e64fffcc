// Test Explorer: a run's examples as test items, created lazily (test set → system → the failures and the
// review sample; never all 10k). "Run" replays the stored verdicts (no model call): failures carry a
// TestMessage.diff of baseline vs candidate output, with label actions on the peek (contextValue). After every
// change of the stored data (a run, a judge, labels) the stored results are replayed once, so the Test Results view
// shows the last run's results without a click; each system says its comparison with the estimator and its reason.
import * as vscode from 'vscode';
import type { ReviewData } from '../../core/review/data';
import { ppInterval } from '../../core/report/format';
import type { ComparisonReport, SystemRow } from '../../protocol/comparison';
import type { HumanLabelName } from '../../protocol/messages';
import { Disposable } from '../disposable';
import type { Log } from '../log';
import type { ReviewService } from '../panel/reviewService';

/** contextValue of a failure message that can be labelled from the peek (package.json `testing/message/content`). */
export const LABELABLE = 'promptAdapt.labelable';
/** Failures listed per system at most (the Test Explorer lags with tens of thousands of items). */
const MAX_FAILURES = 500;
const SAMPLE = 30;

interface ExampleRef { testSetId: string; systemId: string; exampleId: string }

/** One system's comparison in words: verdict, difference, and the estimator with the reason it was chosen. */
export function comparisonLine(row: SystemRow | undefined): string | undefined {
  if (!row || row.isBaseline) return undefined;
  const figure = row.difference ? `${ppInterval(row.difference)} vs the baseline` : 'no difference estimated';
  const estimator = row.estimator ? ` (estimator: ${row.estimator}${row.estimatorReason ? ` — ${row.estimatorReason}` : ''})` : '';
  return `${row.verdict ?? 'no verdict'}: ${figure}${estimator}`;
}

export class ExampleTests extends Disposable {
  readonly controller: vscode.TestController;
  private readonly refs = new WeakMap<vscode.TestItem, ExampleRef>();
  /** The comparison the messages quote (computed once per data change). */
  private comparison: Promise<ComparisonReport | undefined> | undefined;
  /** The last replay of the stored results (tests wait for it). */
  lastReplay: Promise<void> = Promise.resolve();
  /** What the latest test run reported per item id: the state and, for a failure, the message (what Test Results shows). */
  readonly lastResults = new Map<string, { state: 'passed' | 'failed' | 'skipped'; message?: string }>();

  constructor(private readonly review: ReviewService, private readonly log: Log) {
    super();
    this.controller = this.register(vscode.tests.createTestController('promptAdapt.examples', 'Prompt Adapt examples'));
    this.controller.resolveHandler = (item) => this.resolve(item).catch((err: unknown) => this.log.warn(`test explorer: ${String(err)}`));
    this.controller.refreshHandler = async () => { this.controller.items.replace([]); await this.resolve(undefined); };
    this.register(this.controller.createRunProfile('Show stored results', vscode.TestRunProfileKind.Run, (req, token) => this.run(req, token), true));
    // After a run, judging or a change in the store: the new results, replayed (computing them at start-up would
    // slow every window that opens, results or not).
    this.register(review.onDidChangeData(() => this.reload()));
  }

  /** Rebuilds the tree from the store and replays the stored results into the Test Results view. */
  private reload(): void {
    this.comparison = undefined;
    this.controller.items.replace([]);
    this.lastReplay = this.resolve(undefined)
      .then(() => (this.controller.items.size ? this.run(new vscode.TestRunRequest(), new vscode.CancellationTokenSource().token) : undefined))
      .catch((err: unknown) => this.log.warn(`test explorer: ${String(err)}`));
  }

  /** The comparison row of a system on a test set, for the messages. */
  private async comparisonOf(testSetId: string, systemId: string): Promise<SystemRow | undefined> {
    this.comparison ??= this.review.session().then((s) => s.comparison()).catch(() => undefined);
    return (await this.comparison)?.testSets.find((t) => t.testSetId === testSetId)?.rows.find((r) => r.systemId === systemId);
  }

  /** The example behind a test item (label commands receive the item from the peek). */
  refOf(item: vscode.TestItem): ExampleRef | undefined { return this.refs.get(item); }

  private async resolve(item: vscode.TestItem | undefined): Promise<void> {
    const session = await this.review.session();
    if (!item) {
      for (const spec of session.project.testSets) {
        const t = this.controller.createTestItem(`ts:${spec.id}`, `Test set ${spec.id}`, vscode.Uri.joinPath(vscode.Uri.file(session.project.path), '..', spec.path));
        t.canResolveChildren = true;
        this.controller.items.add(t);
      }
      return;
    }
    if (item.id.startsWith('ts:')) {
      const testSetId = item.id.slice(3);
      const data = await session.data(testSetId);
      const systems = data.systems.filter((s) => !s.isBaseline);
      const lines = await Promise.all(systems.map(async (s) => comparisonLine(await this.comparisonOf(testSetId, s.systemId))));
      item.children.replace(systems.map((s, i) => {
        const c = this.controller.createTestItem(`sys:${testSetId}:${s.systemId}`, s.systemId, item.uri);
        c.description = `${s.model} vs ${data.baseline?.systemId ?? 'no baseline'}${lines[i] ? ` · ${lines[i]}` : ''}`;
        c.canResolveChildren = true;
        return c;
      }));
      return;
    }
    if (item.id.startsWith('sys:')) {
      const [, testSetId, ...rest] = item.id.split(':');
      const systemId = rest.join(':');
      const data = await session.data(testSetId!);
      const ids = new Set(data.index('failures', systemId).slice(0, MAX_FAILURES));
      for (const it of data.labelSample(SAMPLE, 7)) {
        const t = data.resolveKey(it.key);
        if (t?.systemId === systemId) ids.add(data.examples.findIndex((e) => e.exampleId === t.exampleId));
      }
      item.children.replace([...ids].sort((a, b) => a - b).map((i) => this.exampleItem(data, testSetId!, systemId, i, item.uri)));
    }
  }

  private exampleItem(data: ReviewData, testSetId: string, systemId: string, index: number, uri: vscode.Uri | undefined): vscode.TestItem {
    const e = data.examples[index]!;
    const t = this.controller.createTestItem(`ex:${testSetId}:${systemId}:${e.exampleId}`, `${e.exampleId}: ${e.question.slice(0, 80).replace(/\s+/g, ' ')}`, uri);
    t.range = new vscode.Range(e.line - 1, 0, e.line - 1, 0);
    const o = data.output(systemId, e.exampleId);
    t.description = o?.label ? `labelled ${o.label}` : undefined;
    this.refs.set(t, { testSetId, systemId, exampleId: e.exampleId });
    return t;
  }

  private async run(req: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(req, 'Stored results', false);
    this.lastResults.clear();
    try {
      const session = await this.review.session();
      const queue: vscode.TestItem[] = req.include ? [...req.include] : [];
      if (!req.include) this.controller.items.forEach((i) => queue.push(i));
      while (queue.length && !token.isCancellationRequested) {
        const item = queue.shift()!;
        if (req.exclude?.includes(item)) continue;
        if (item.canResolveChildren && item.children.size === 0) await this.resolve(item);
        const ref = this.refs.get(item);
        if (!ref) { item.children.forEach((c) => queue.push(c)); continue; }
        const data = await session.data(ref.testSetId);
        const o = data.output(ref.systemId, ref.exampleId);
        const b = data.baseline ? data.output(data.baseline.systemId, ref.exampleId) : undefined;
        const v = data.verdict(o);
        run.started(item);
        const reasoning = o?.verdicts.map((x) => `${x.metricId}: ${x.verdict ?? 'no verdict'}${x.reason ? ` (${x.reason})` : ''}${x.reasoning ? ` — ${x.reasoning}` : ''}`).join('\r\n');
        if (reasoning) run.appendOutput(`${reasoning.replace(/\r?\n/g, '\r\n')}\r\n`, undefined, item);
        if (!o) { run.skipped(item); this.lastResults.set(item.id, { state: 'skipped' }); continue; }
        const failed = !!o.error || !o.schemaValid || v === 0;
        if (!failed) {
          if (v === 1) run.passed(item, o.latencyMs); else run.skipped(item);
          this.lastResults.set(item.id, { state: v === 1 ? 'passed' : 'skipped' });
          continue;
        }
        const why = o.error ? `request error: ${o.error}` : !o.schemaValid ? 'the output does not follow the schema' : `judged incorrect by ${data.primaryMetric ?? 'the metric'}`;
        // Plain strings (never trusted Markdown): model output must not become links or commands.
        const overall = comparisonLine(await this.comparisonOf(ref.testSetId, ref.systemId));
        const msg = vscode.TestMessage.diff(`${ref.systemId} on ${ref.exampleId}: ${why}.${overall ? ` On the test set, ${overall}.` : ''}`, b?.text ?? '(no baseline output)', o.error ?? o.text);
        msg.contextValue = LABELABLE;
        if (item.uri && item.range) msg.location = new vscode.Location(item.uri, item.range);
        run.failed(item, msg, o.latencyMs);
        this.lastResults.set(item.id, { state: 'failed', message: String(msg.message) });
      }
    } catch (err) {
      this.log.warn(`test explorer run: ${String(err)}`);
    } finally {
      run.end();
    }
  }

  /** The label actions on the peek: `{ test, message }` from `testing/message/content`, or a TestItem. */
  async label(arg: unknown, label: HumanLabelName): Promise<boolean> {
    const item = (arg && typeof arg === 'object' && 'test' in arg ? (arg as { test: vscode.TestItem }).test : arg) as vscode.TestItem | undefined;
    const ref = item ? this.refs.get(item) : undefined;
    if (!ref || !item) { void vscode.window.showInformationMessage('Prompt Adapt: choose a failed example in the Test Explorer to label it.'); return false; }
    const session = await this.review.session();
    await session.labelOutput(ref.testSetId, ref.systemId, ref.exampleId, label);
    this.review.didLabel(ref.testSetId);
    item.description = `labelled ${label}`;
    return true;
  }
}
