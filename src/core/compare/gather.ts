// Reading the store for a comparison: which runs belong to a prompt and test set, the latest output per
// (example, candidate) across those runs, the primary metric's verdict for exactly that output, and the
// human labels keyed by output hash. One pass over each file; everything after this works from counts.
import * as path from 'node:path';
import { LabelBook, type LabelLine } from '../store/labels';
import type { HumanLabelName } from '../../protocol/messages';
import type { LabelRecord, ResponseRecord, VerdictRecord } from '../store/records';
import type { RunManifest } from '../store/runs';
import type { OnStoreProblem, StoreProblem } from '../store/problems';
import type { Store } from '../store/store';
import { hasOutput, runOutputs, type OutputFacts, type OutputFactsReader, type SummaryUse } from './runSummary';
import { runVerdicts, type RunVerdicts } from './verdictSummary';

/** The response chosen for one (example, candidate) and the run it came from. */
export interface Chosen {
  r: ResponseRecord;
  runId: string;
  /**
   * What the comparison reads from the output's text, when it was read with an OutputFactsReader. Read from a run's
   * summary, `r` then holds no text: its `output` is '' (the output was text) and `facts` stands for it.
   */
  facts?: OutputFacts;
}

/** A prompt's outputs on one test set: per candidate, per example, the chosen response. */
export interface PromptOutputs {
  /** Absolute prompt path. */
  promptPath: string;
  runIds: string[];
  byCandidate: Map<string, Map<string, Chosen>>;
}

/** Absolute path of a manifest's prompt (manifests may hold absolute or project-relative paths). */
export function manifestPromptPath(projectDir: string, m: RunManifest): string | undefined {
  return m.prompt?.path ? path.resolve(projectDir, m.prompt.path) : undefined;
}

/**
 * A test set's runs grouped by prompt (absolute path), each group oldest first, so that `latestOutputs` over a
 * group lets later runs win. Runs without a prompt path are left out. The comparison and the review both pick
 * their outputs through this and `latestOutputs`, so they always show the same output per (prompt, candidate, example).
 */
export function runsByPrompt(projectDir: string, testSetId: string, runs: readonly RunManifest[]): Map<string, RunManifest[]> {
  const oldestFirst = runs.filter((m) => m.testSet?.id === testSetId)
    // Ties (runs started in the same millisecond) are broken by run id, so every caller sees one order.
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
  const byPrompt = new Map<string, RunManifest[]>();
  for (const m of oldestFirst) {
    const p = manifestPromptPath(projectDir, m);
    if (!p) continue;
    let list = byPrompt.get(p);
    if (!list) byPrompt.set(p, (list = []));
    list.push(m);
  }
  return byPrompt;
}

/**
 * The latest output per (example, candidate) over the given runs (oldest first). An output beats an error
 * whatever their order: a retried request that failed later does not erase an answer we already have.
 */
export async function latestOutputs(store: Store, promptPath: string, runs: readonly RunManifest[], onProblem: OnStoreProblem = () => undefined,
  facts?: OutputFactsReader, use?: SummaryUse): Promise<PromptOutputs> {
  let byCandidate = new Map<string, Map<string, Chosen>>();
  for (const m of runs) {
    // Each run's pairs come already reduced by the same rule, in the order they first appear in its file.
    const rows = await runOutputs(store, m, onProblem, facts, use);
    if (byCandidate.size === 0) { byCandidate = rows; continue; }
    for (const [candidateId, runExamples] of rows) {
      let byExample = byCandidate.get(candidateId);
      if (!byExample) byCandidate.set(candidateId, (byExample = new Map()));
      for (const [exampleId, c] of runExamples) {
        const prev = byExample.get(exampleId);
        if (prev && !hasOutput(c.r) && hasOutput(prev.r)) continue;
        byExample.set(exampleId, c);
      }
    }
  }
  return { promptPath, runIds: runs.map((m) => m.runId), byCandidate };
}


/** Verdicts over some runs, found by the output they judged: of one metric (`verdictFor`) or of all (`verdictsFor`). */
export class VerdictIndex {
  /** Each run's latest verdicts (later lines of a run win), newest run first. */
  private readonly runs: { runId: string; verdicts: RunVerdicts }[] = [];
  /** Metrics seen, in first-seen order. */
  private readonly metrics: string[] = [];
  /** Lines of the verdict files that could not be read. */
  readonly problems: StoreProblem[] = [];

  /** `metricId` undefined indexes nothing; `'*'` indexes every metric (the review shows them all). */
  constructor(store: Store, runIds: readonly string[], readonly metricId: string | undefined) {
    if (metricId === undefined) return;
    for (const runId of runIds) {
      const verdicts: RunVerdicts = new Map();
      store.forEachVerdict(runId, (v) => {
        if (metricId !== '*' && v.metricId !== metricId) return;
        let byCandidate = verdicts.get(v.metricId);
        if (!byCandidate) { verdicts.set(v.metricId, (byCandidate = new Map())); if (!this.metrics.includes(v.metricId)) this.metrics.push(v.metricId); }
        let byExample = byCandidate.get(v.candidateId);
        if (!byExample) byCandidate.set(v.candidateId, (byExample = new Map()));
        byExample.set(v.exampleId, v);
      }, (p) => this.problems.push(p));
      this.runs.unshift({ runId, verdicts });
    }
  }

  /** One metric's index as the comparison reads it: from the runs' verdict summaries where valid. */
  static async compared(store: Store, runIds: readonly string[], metricId: string | undefined, use: SummaryUse): Promise<VerdictIndex> {
    const index = new VerdictIndex(store, [], metricId);
    if (metricId === undefined) return index;
    for (const runId of runIds) {
      const verdicts = await runVerdicts(store, runId, metricId, (p) => index.problems.push(p), use);
      if (verdicts.has(metricId) && !index.metrics.includes(metricId)) index.metrics.push(metricId);
      index.runs.unshift({ runId, verdicts });
    }
    return index;
  }

  /**
   * The verdict on exactly this output: the newest run's verdict on an output with its hash, else (older judges
   * stored no hash) the verdict its own run gave without one. A verdict on an earlier, different output never counts.
   */
  verdictFor(c: Chosen, metricId = this.metricId): VerdictRecord | undefined {
    if (metricId === undefined) return undefined;
    const { r } = c;
    if (r.outputHash) {
      for (const run of this.runs) {
        const v = run.verdicts.get(metricId)?.get(r.candidateId)?.get(r.exampleId);
        if (v?.outputHash === r.outputHash) return v;
      }
    }
    const own = this.runs.find((run) => run.runId === c.runId)?.verdicts.get(metricId)?.get(r.candidateId)?.get(r.exampleId);
    return own && !own.outputHash ? own : undefined;
  }

  /** Every indexed metric's verdict on exactly this output. */
  verdictsFor(c: Chosen): VerdictRecord[] {
    return this.metrics.flatMap((m) => this.verdictFor(c, m) ?? []);
  }
}

/** One output's human verdict after combining reviewers. */
export type CombinedLabel = HumanLabelName;

/**
 * Labels of a test set keyed by (output hash, example). Reviewers who disagree make the output "unsure"
 * (it is left out of the calibration rather than guessed); keying by example too keeps a short answer that
 * recurs on another question ("Paris") from borrowing a label it was never given.
 */
export function combineLabels(labels: readonly LabelRecord[]): Map<string, CombinedLabel> {
  const out = new Map<string, CombinedLabel>();
  for (const l of labels) {
    const key = labelKey(l.outputHash, l.exampleId);
    const prev = out.get(key);
    out.set(key, prev === undefined || prev === l.label ? l.label : 'unsure');
  }
  return out;
}

export const labelKey = (outputHash: string, exampleId: string): string => `${outputHash}\0${exampleId}`;
/** The example of a label key (an output hash holds no NUL, so the first one ends it). */
export const exampleOfLabelKey = (key: string): string => key.slice(key.indexOf('\0') + 1);

/**
 * What a comparison reads from the store, read once and then kept: the run manifests, each prompt's chosen
 * outputs, the verdict indexes and each test set's labels. The review session keeps one across labels and adds
 * the labels it writes (`addLabel`), so a new label updates the comparison without reading the store again.
 */
export class ComparisonStore {
  private manifestList: Promise<{ runs: RunManifest[]; damaged: StoreProblem[] }> | undefined;
  private readonly outputs = new Map<string, Promise<{ outputs: PromptOutputs; problems: StoreProblem[] }>>();
  private readonly verdicts = new Map<string, VerdictIndex>();
  private readonly labels = new Map<string, Promise<LabelBook>>();

  constructor(readonly store: Store) {}

  /** The store folder (for messages). */
  get root(): string { return this.store.root; }

  /** Every run with a readable manifest, newest first (callers must not reorder the array in place). */
  async manifests(): Promise<RunManifest[]> { return (await this.listed()).runs; }

  /** Runs whose manifest cannot be read, each a problem naming the file. */
  async damagedRuns(): Promise<StoreProblem[]> { return (await this.listed()).damaged; }

  private listed(): Promise<{ runs: RunManifest[]; damaged: StoreProblem[] }> { return (this.manifestList ??= this.store.listRunsChecked()); }

  /** Runs read from their summaries, read in full, and summaries written, by this reader. */
  readonly summaries: SummaryUse = { read: 0, fullReads: 0, written: 0, verdictsRead: 0, verdictsWritten: 0 };

  /**
   * Problems met reading the files (kept with what was read) are told to `onProblem` on every call. With `facts`,
   * each output comes with its facts (and runs are read from their summaries where valid).
   */
  async latestOutputs(promptPath: string, runs: readonly RunManifest[], onProblem?: OnStoreProblem, facts?: OutputFactsReader): Promise<PromptOutputs> {
    const key = `${promptPath}\0${runs.map((m) => m.runId).join('\0')}\0${facts?.key ?? ''}`;
    let o = this.outputs.get(key);
    if (!o) {
      const problems: StoreProblem[] = [];
      this.outputs.set(key, (o = latestOutputs(this.store, promptPath, runs, (p) => problems.push(p), facts, this.summaries).then((outputs) => ({ outputs, problems }))));
    }
    const { outputs, problems } = await o;
    if (onProblem) for (const p of problems) onProblem(p);
    return outputs;
  }

  verdictIndex(runIds: readonly string[], metricId: string | undefined, onProblem?: OnStoreProblem): VerdictIndex {
    const key = `${metricId ?? ''}\0${runIds.join('\0')}`;
    let v = this.verdicts.get(key);
    if (!v) this.verdicts.set(key, (v = new VerdictIndex(this.store, runIds, metricId)));
    if (onProblem) for (const p of v.problems) onProblem(p);
    return v;
  }

  /** `verdictIndex` of one metric as the comparison reads it (verdict records hold only what it reads; see verdictSummary.ts). */
  async comparedVerdicts(runIds: readonly string[], metricId: string | undefined, onProblem?: OnStoreProblem): Promise<VerdictIndex> {
    const key = `compared\0${metricId ?? ''}\0${runIds.join('\0')}`;
    let v = this.comparedIndexes.get(key);
    if (!v) this.comparedIndexes.set(key, (v = VerdictIndex.compared(this.store, runIds, metricId, this.summaries)));
    const index = await v;
    if (onProblem) for (const p of index.problems) onProblem(p);
    return index;
  }
  private readonly comparedIndexes = new Map<string, Promise<VerdictIndex>>();

  /** A test set's labels combined over reviewers (empty, with the reason told to `onProblem`, when the file cannot be read). */
  async labelIndex(testSetId: string, onProblem?: OnStoreProblem): Promise<Map<string, CombinedLabel>> {
    let book = this.labels.get(testSetId);
    if (!book) {
      this.labels.set(testSetId, (book = this.store.readLabelBook(testSetId).catch((err: unknown) => {
        const b = new LabelBook();
        b.problems.push({ file: path.join(this.store.root, 'labels'), kind: 'unreadable-file', message: `cannot give the labels of test set '${testSetId}': ${(err as Error).message}` });
        return b;
      })));
    }
    const b = await book;
    if (onProblem) for (const p of b.problems) onProblem(p);
    return combineLabels(b.records());
  }

  /** A label line this process appended to the test set's file: fold it in instead of reading the file again. */
  addLabel(testSetId: string, line: LabelLine): void {
    const book = this.labels.get(testSetId);
    if (book) this.labels.set(testSetId, book.then((b) => (b.add(line), b)));
  }

  /** The test set's labels file changed elsewhere: read it again on next use. */
  forgetLabels(testSetId: string): void { this.labels.delete(testSetId); }
}
