// The store: everything Prompt Adapt keeps under `.prompt-adapt/` (run manifests and responses, the response
// cache, verdicts, human labels). A `Store` is bound to one such folder and is the only way the rest of the
// code reaches those files: nothing outside `src/core/store` builds a store path or opens a store file
// (eslint's store-files rule keeps it so).
import fs from 'node:fs';
import path from 'node:path';
import type { BatchJob } from '../batch/types';
import { batchPlanFile, BatchPlanWriter, openBatchPlan, type BatchPlanHeader } from './batchPlan';
import type { LabelRecord, ResponseRecord, VerdictRecord } from './records';
import { JsonlAppender, writeFileAtomic, writeFileAtomicAsync } from './jsonl';
import { appendLabel, labelsFileStamp, labelsPath, readLabelBook, readLabels, type LabelBook, type LabelLine } from './labels';
import { ResponseCache } from './responseCache';
import { lockRun, type RunLock } from './lock';
import type { OnStoreProblem, StoreProblem } from './problems';
import {
  cacheDir, checkResponseCount, findResumableRun, forEachResponse, listRuns, listRunsChecked, readManifest, readResponses, responsesPath,
  runDir, writeManifest, writeManifestAsync, type RunManifest,
} from './runs';
import { fileStamp, readRunSummary, writeRunSummary, type SourceDigest, type SourceSeen, type SummaryOf } from './summary';
import { forEachVerdict, readVerdicts, VerdictWriter, verdictsPath } from './verdicts';

/** The store's folder name, beside the project file (or in the folder an ad-hoc run starts in). */
export const STORE_FOLDER = '.prompt-adapt';

/** Globs of store files, for editor file watchers and workspace searches that must skip the store. */
export const storeGlobs = {
  /** Everything in any store (to exclude it from searches). */
  all: `**/${STORE_FOLDER}/**`,
  /** Files that change what a run's outputs show: its manifest and its verdicts. */
  runOutputs: `**/${STORE_FOLDER}/runs/*/{verdicts.jsonl,manifest.json}`,
  verdicts: `**/${STORE_FOLDER}/runs/*/verdicts.jsonl`,
  labels: `**/${STORE_FOLDER}/labels/*.jsonl`,
} as const;

/** Top-level entries of a store that belong in version control (the rest is the user's own results and caches). */
export const COMMITTED_STORE_ENTRIES: readonly string[] = ['labels'];

const safe = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/gu, '_').replace(/^\./u, '_');

export class Store {
  private constructor(
    /** The store folder itself (`…/.prompt-adapt`). */
    readonly root: string,
  ) {}

  /** The store folder given directly (tests, tools). */
  static openAt(storeFolder: string): Store { return new Store(path.resolve(storeFolder)); }

  /** The store of a folder: `<folder>/.prompt-adapt` (a workspace without a project, an ad-hoc CLI run). */
  static openInFolder(folder: string): Store { return new Store(path.resolve(folder, STORE_FOLDER)); }

  /** The store of a project: `.prompt-adapt/` beside the project file. */
  static openForProject(project: string | { path: string }): Store {
    return Store.openInFolder(path.dirname(typeof project === 'string' ? project : project.path));
  }

  /** The folder holding the store: manifests name prompts relative to it. */
  get folder(): string { return path.dirname(this.root); }

  // ---- runs ----

  /** A run's folder (created on demand by the writers below). */
  runDir(runId: string): string { return runDir(this.root, runId); }

  /** The run id under which a judged run's judge batch keeps its own responses (outside the run list). */
  judgeRunId(runId: string, batch: string): string { return `${runId}/judges/${safe(batch)}`; }

  /**
   * Creates the run's folder (a new run, or resuming one) and takes its lock: one process writes a run at a
   * time, and a second one gets a RunLockedError naming the first. Release the lock when the run ends.
   */
  prepareRun(runId: string): RunLock {
    fs.mkdirSync(this.runDir(runId), { recursive: true });
    return lockRun(path.join(this.runDir(runId), 'lock'), runId);
  }

  /**
   * Takes the lock of judging a run (`runs/<runId>/judge.lock`): one process appends a run's verdicts at a time,
   * whether `judge` or the editor, so two judges never write two sets of verdicts. Apart from the run's own lock:
   * a run may be judged while it is resumed.
   */
  lockJudging(runId: string): RunLock {
    fs.mkdirSync(this.runDir(runId), { recursive: true });
    return lockRun(path.join(this.runDir(runId), 'judge.lock'), runId, { doing: 'judged', hint: 'Wait for that judge to finish, then judge again: verdicts already written are kept.' });
  }

  writeManifest(m: RunManifest): void { writeManifest(this.root, m); }
  /** `writeManifest` off the event loop, for periodic checkpoints; the caller awaits it before any later write. */
  writeManifestAsync(m: RunManifest): Promise<void> { return writeManifestAsync(this.root, m); }
  /** A run's manifest, or undefined when there is none; a StoreFileError naming the file when it cannot be read. */
  readManifest(runId: string): Promise<RunManifest | undefined> { return readManifest(this.root, runId); }
  /** All runs with a readable manifest, newest first; runs whose manifest cannot be read are told to `onProblem`. */
  listRuns(onProblem?: OnStoreProblem): Promise<RunManifest[]> { return listRuns(this.root, onProblem); }
  /** The runs, and the runs whose manifest cannot be read (each a problem naming its manifest). */
  listRunsChecked(): Promise<{ runs: RunManifest[]; damaged: StoreProblem[] }> { return listRunsChecked(this.root); }
  /** The newest run of a plan that did not complete, to resume. */
  findResumableRun(planKey: string): Promise<RunManifest | undefined> { return findResumableRun(this.root, planKey); }

  /**
   * The provider batch jobs a run submitted (`runs/<runId>/batch-jobs.json`, rewritten atomically after every
   * change): a restart resumes polling them instead of submitting — and paying for — the requests again.
   */
  readBatchJobs(runId: string): BatchJob[] {
    try { return JSON.parse(fs.readFileSync(path.join(this.runDir(runId), 'batch-jobs.json'), 'utf8')) as BatchJob[]; }
    catch (err) { if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []; throw err; }
  }
  writeBatchJobs(runId: string, jobs: readonly BatchJob[]): Promise<void> {
    fs.mkdirSync(this.runDir(runId), { recursive: true });
    return writeFileAtomicAsync(path.join(this.runDir(runId), 'batch-jobs.json'), JSON.stringify(jobs) + '\n');
  }

  /** Starts the run's batch record (see batchPlan.ts); it replaces the previous one only on `commit`. */
  openBatchPlanWriter(runId: string, header: BatchPlanHeader): BatchPlanWriter { return new BatchPlanWriter(batchPlanFile(this.runDir(runId)), header); }
  /** The run's batch record, streamed; undefined when it has none. */
  openBatchPlan(runId: string, onProblem?: OnStoreProblem): ReturnType<typeof openBatchPlan> { return openBatchPlan(batchPlanFile(this.runDir(runId)), onProblem); }
  /** Drops the run's batch record once no job of the run is out. */
  removeBatchPlan(runId: string): void { fs.rmSync(batchPlanFile(this.runDir(runId)), { force: true }); }
  /**
   * Runs (judge runs included) with submitted batch jobs whose results are not stored yet and a batch record to
   * resume them from, oldest first.
   */
  runsWithOpenBatchJobs(): string[] {
    const found: string[] = [];
    const visit = (runId: string) => {
      const dir = this.runDir(runId);
      let jobs: BatchJob[];
      try { jobs = this.readBatchJobs(runId); } catch { return; }
      if (jobs.some((j) => !j.collected) && fs.existsSync(batchPlanFile(dir))) found.push(runId);
    };
    const names = (dir: string) => { try { return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort(); } catch { return []; } };
    for (const id of names(path.join(this.root, 'runs'))) {
      try { visit(id); } catch { continue; }
      for (const batch of names(path.join(this.root, 'runs', id, 'judges'))) { try { visit(`${id}/judges/${batch}`); } catch { /* not a run id */ } }
    }
    return found;
  }

  /** Every readable line of a run's responses in file order (several may exist per pair: the last wins); `onBytes` sees the bytes read. */
  forEachResponse(runId: string, fn: (r: ResponseRecord) => void, onProblem?: OnStoreProblem, onBytes?: (chunk: Buffer) => void): Promise<void> {
    return forEachResponse(this.root, runId, fn, onProblem, onBytes);
  }
  /** A run's responses, one per (example, candidate): the last line written for each pair. */
  readResponses(runId: string, onProblem?: OnStoreProblem): Promise<ResponseRecord[]> { return readResponses(this.root, runId, onProblem); }
  /**
   * `forEachResponse` of a listed run that also checks the file against the manifest: responses the manifest
   * records but the file lacks are a problem too (a file cut short), as is every unreadable line.
   */
  async forEachResponseChecked(m: RunManifest, fn: (r: ResponseRecord) => void, onProblem: OnStoreProblem): Promise<void> {
    const problems: StoreProblem[] = [];
    // Examples per candidate: no key string per line.
    const pairs = new Map<string, Set<string>>();
    let pairCount = 0;
    await forEachResponse(this.root, m.runId, (r) => {
      let examples = pairs.get(r.candidateId);
      if (!examples) pairs.set(r.candidateId, (examples = new Set()));
      if (!examples.has(r.exampleId)) { examples.add(r.exampleId); pairCount++; }
      fn(r);
    }, (p) => problems.push(p));
    for (const p of checkResponseCount(this.root, m, pairCount, problems)) onProblem(p);
  }
  /**
   * Problems of a run's responses file as `forEachResponseChecked` reports them: the unreadable lines read
   * (`problems`), and responses the manifest records but the file lacks.
   */
  responseCountProblems(m: RunManifest, pairsRead: number, problems: StoreProblem[]): StoreProblem[] { return checkResponseCount(this.root, m, pairsRead, problems); }
  /** Path of a run's responses file (for the problems a summary of it replays). */
  responsesFile(runId: string): string { return responsesPath(this.root, runId); }

  // ---- run summaries (a derived cache of the comparison; see summary.ts) ----

  /** The stamp of a run's responses (or verdicts) file, when it was seen and whether it had settled; undefined when there is no regular file. */
  responsesStamp(runId: string, of: SummaryOf = 'responses'): Promise<SourceSeen | undefined> { return fileStamp(this.summarised(runId, of)); }
  /** The body of a run's summary when it was made from exactly the file as stamped in `source` and is intact. */
  readRunSummary(runId: string, source: SourceSeen, of: SummaryOf = 'responses'): Promise<Buffer | undefined> {
    return readRunSummary(this.runDir(runId), this.summarised(runId, of), source, of);
  }
  /** Writes a run's summary made from its file as stamped before reading (when still the same; `digest` of the bytes read when it had not settled). */
  writeRunSummary(runId: string, source: SourceSeen, body: readonly Uint8Array[], of: SummaryOf = 'responses', digest?: SourceDigest): Promise<boolean> {
    return writeRunSummary(this.runDir(runId), this.summarised(runId, of), source, body, of, digest);
  }
  private summarised(runId: string, of: SummaryOf): string { return of === 'responses' ? responsesPath(this.root, runId) : verdictsPath(this.runDir(runId)); }
  /** Path of a run's verdicts file (for the problems a summary of it replays). */
  verdictsFile(runId: string): string { return verdictsPath(this.runDir(runId)); }

  /** The crash-safe appender of a run's responses; only the holder of the run's lock writes them. */
  openResponses(runId: string): JsonlAppender { return new JsonlAppender(responsesPath(this.root, runId), { dropCutOff: true }); }

  /** The response cache shared by every run of this store. */
  /** The shared response cache; damaged lines are told to `onProblem` (once each) and ignored. */
  openCache(onProblem?: OnStoreProblem): ResponseCache { return new ResponseCache(cacheDir(this.root), onProblem); }

  // ---- verdicts ----

  /** The latest verdict per (metric, candidate, example) of a run. */
  readVerdicts(runId: string, onProblem?: OnStoreProblem): Map<string, VerdictRecord> { return readVerdicts(verdictsPath(this.runDir(runId)), onProblem); }
  /** Every verdict line of a run in file order (several may exist per (metric, candidate, example): the last wins). */
  forEachVerdict(runId: string, fn: (v: VerdictRecord) => void, onProblem?: OnStoreProblem, onBytes?: (chunk: Buffer) => void): void {
    forEachVerdict(verdictsPath(this.runDir(runId)), fn, onProblem, onBytes);
  }
  openVerdictWriter(runId: string): VerdictWriter { return new VerdictWriter(verdictsPath(this.runDir(runId))); }
  /** Size of a run's verdicts file (0 when absent): judging a stored run changes it without touching the manifest. */
  verdictsSize(runId: string): number {
    try { return fs.statSync(verdictsPath(this.runDir(runId))).size; } catch { return 0; }
  }

  // ---- adaptations ----

  /** The record of an adaptation (split, variants, spending): `adaptations/<id>/adaptation.json`. */
  adaptationFile(id: string): string { return path.join(this.root, 'adaptations', safe(id), 'adaptation.json'); }
  /** The run id under which an adaptation's rewriter calls keep their responses (outside the run list). */
  rewriterRunId(adaptationId: string, batch: string): string { return `adapt-${safe(adaptationId)}/rewriter/${safe(batch)}`; }
  /** An adaptation's record, or undefined when there is none. */
  async readAdaptation(id: string): Promise<unknown> {
    try { return JSON.parse(await fs.promises.readFile(this.adaptationFile(id), 'utf8')) as unknown; }
    catch (err) { if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; throw err; }
  }
  /** The ids of the stored adaptations (folder names under `adaptations/`), in no particular order. */
  adaptationIds(): string[] {
    try { return fs.readdirSync(path.join(this.root, 'adaptations'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name); }
    catch (err) { if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []; throw err; }
  }
  /** Writes an adaptation's record atomically (a kill mid-write leaves the previous one). */
  writeAdaptation(id: string, record: unknown): void {
    fs.mkdirSync(path.dirname(this.adaptationFile(id)), { recursive: true });
    writeFileAtomic(this.adaptationFile(id), JSON.stringify(record, null, 2) + '\n');
  }

  // ---- labels ----

  /** The labels file of a test set (committed with the project). */
  labelsPath(testSetId: string): string { return labelsPath(this.root, testSetId); }
  /** Appends one label durably (returns after fsync). */
  appendLabel(testSetId: string, line: LabelLine): void { appendLabel(this.root, testSetId, line); }
  /** The current labels of a test set: the latest line per (output, reviewer), withdrawn ones removed. */
  readLabels(testSetId: string, onProblem?: OnStoreProblem): Promise<LabelRecord[]> { return readLabels(this.root, testSetId, onProblem); }
  /** The labels file folded in memory, to which a session adds the lines it appends (see LabelBook). */
  readLabelBook(testSetId: string, onProblem?: OnStoreProblem): Promise<LabelBook> { return readLabelBook(this.root, testSetId, onProblem); }
  /** Size and mtime of the labels file ('' when absent): tells a session's own writes from changes made elsewhere. */
  labelsFileStamp(testSetId: string): string { return labelsFileStamp(this.root, testSetId); }
}
