// The comparison of every candidate (and prompt variant) with the baseline, per test set: the data behind
// the comparison panel, the reports and the CLI gate. Reads the store once, then works from counts.
import * as path from 'node:path';
import { applyDecisions, resolveThresholds } from '../decision/decisionTable';
import { UserError } from '../errors';
import { formatProblem } from '../problems';
import { loadProjectFile } from '../project/parseProject';
import type { Candidate, ProjectFile, TestSetSpec } from '../project/types';
import type { PromptFile } from '../prompt/types';
import type { StoreProblem } from '../store/problems';
import type { RunManifest } from '../store/runs';
import { Store } from '../store/store';
import { newcombe } from '../stats/baselines';
import { calibrate } from '../stats/calibration';
import { decideCorrectness } from '../stats/correctnessRule';
import { compareSystems, estimateOne } from '../stats/estimate';
import { DEFAULT_ESTIMATOR } from '../stats/estimators';
import { betaInv } from '../stats/jstat';
import { plan, whatWouldResolve, type Plan } from '../stats/planner';
import { emptyStates, statesTotal, verdictMargins, type StateTable } from '../stats/stateTable';
import type { CompareResult, Confusion, Diagnostic, EstimatorChoice } from '../stats/types';
import { resolveStyle } from '../style/config';
import { StyleChecker } from '../style/check';
import { shownPoint, type CalibrationSummary, type ComparisonReport, type Interval, type Note, type StaleResults, type SystemRow, type TestSetComparison } from '../../protocol/comparison';
import { counted } from '../../protocol/legend';
import { staleParts } from '../runner/runInputs';
import { ComparisonStore, manifestPromptPath, runsByPrompt, type VerdictIndex, type PromptOutputs } from './gather';
import { removeImpossibleNumbers } from './guards';
import { comparedMetric, comparedPrompt } from './runEnd';
import { OutputFactsReader } from './runSummary';
import { failedOutputsNote, missingVerdictNote, storeProblemNotes, unknownCostNote } from './storeNotes';
import { calibrationCounts, pairedLabelLayout, stateOf, systemData, type ExampleFacts, type SystemData } from './systems';


/** Options of a comparison; unset values come from the project's `decision:` section. */
export interface CompareOptions {
  estimator?: EstimatorChoice;
  /** Interval level (default 0.9). */
  level?: number;
  /** Monte Carlo draws for `paper` and `rogan-gladen` (default 100 000). */
  draws?: number;
  seed?: number;
  /** Compare on this test set only. */
  testSetId?: string;
  /** Compare on these examples only, by test set id (the adaptation's optimisation or sealed part). */
  onlyExamples?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Non-inferiority margin (fraction). */
  margin?: number;
  /** Planner target: half-width of the difference interval (default 0.03). */
  targetHalfWidth?: number;
  /** Clock for `generatedAt` (tests). */
  now?: Date;
}

/** Reads a project file and compares everything its store holds; throws UserError on an unusable project. */
export async function buildComparison(projectPath: string, opts: CompareOptions = {}, store?: ComparisonStore): Promise<ComparisonReport> {
  const parsed = await loadProjectFile(projectPath).catch((e: Error) => { throw new UserError(`cannot read ${projectPath}: ${e.message}`); });
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new UserError(`${path.basename(projectPath)} has errors:\n${errors.map(formatProblem).join('\n')}`);
  return compareProject(parsed.project, opts, store);
}

const rel = (dir: string, file: string): string => path.relative(dir, file).split(path.sep).join('/');
const toNotes = (ds: readonly Diagnostic[]): Note[] => ds.map((d) => ({ code: d.code, severity: d.severity, message: d.message }));
const total = (c: Confusion): number => c.tp + c.fn + c.fp + c.tn;

/** Adds notes, skipping exact repeats (the same diagnostic comes from several estimator calls). */
function pushNotes(into: Note[], notes: readonly Note[]): void {
  for (const n of notes) if (!into.some((x) => x.code === n.code && x.message === n.message)) into.push(n);
}

/**
 * Compares an already-parsed project (the editor passes the project it has open). `store` holds what was read
 * from the store; the review session passes the one it keeps, so labels it added count without a new read.
 */
export async function compareProject(project: ProjectFile, opts: CompareOptions = {}, store = new ComparisonStore(Store.openForProject(project))): Promise<ComparisonReport> {
  const dir = path.dirname(project.path);
  const estimator: EstimatorChoice = opts.estimator ?? project.decision.estimator ?? DEFAULT_ESTIMATOR;
  const level = opts.level ?? project.decision.level ?? 0.9;
  const thresholds = resolveThresholds(project.decision, { margin: opts.margin });
  const metricId = comparedMetric(project);
  if (!project.baseline?.prompt) throw new UserError(`${path.basename(project.path)} names no baseline prompt: add 'baseline: { prompt: …, candidate: … }'.`);
  const baselinePrompt = path.resolve(dir, project.baseline.prompt);
  const baselineCandidate = project.candidates.find((c) => c.id === (project.baseline?.candidate ?? project.candidates[0]?.id));
  if (!baselineCandidate) throw new UserError(`the baseline candidate '${project.baseline.candidate ?? ''}' is not among the candidates of ${path.basename(project.path)}.`);

  let testSets: TestSetSpec[] = project.testSets;
  if (opts.testSetId !== undefined) {
    const t = project.testSets.find((x) => x.id === opts.testSetId);
    if (!t) throw new UserError(`no test set '${opts.testSetId}' in ${path.basename(project.path)} (it has: ${project.testSets.map((x) => x.id).join(', ') || 'none'}).`);
    testSets = [t];
  }

  const prompts = new Map<string, Promise<PromptFile | undefined>>();
  const promptOf = (file: string): Promise<PromptFile | undefined> => {
    let p = prompts.get(file);
    if (!p) prompts.set(file, (p = comparedPrompt(dir, file)));
    return p;
  };
  const manifests = [...(await store.manifests())].reverse(); // oldest first: later runs overwrite earlier ones
  const report: ComparisonReport = {
    project: path.basename(project.path), generatedAt: (opts.now ?? new Date()).toISOString(), testSets: [], runs: [], thresholds,
    // A run whose manifest cannot be read is named, not dropped: it may hold outputs this comparison needs.
    notes: storeProblemNotes(await store.damagedRuns(), dir).map((n) => ({ ...n, message: `${n.message} Its run is left out of the comparison.` })),
  };
  const ctx: Ctx = { project, dir, store, estimator, level, metricId, margin: thresholds.margin, baselinePrompt, baselineCandidate, promptOf,
    draws: opts.draws, seed: opts.seed, target: opts.targetHalfWidth ?? 0.03, onlyExamples: opts.onlyExamples };
  for (const spec of testSets) {
    const runs = manifests.filter((m) => m.testSet?.id === spec.id);
    if (!runs.some((m) => manifestPromptPath(dir, m) === baselinePrompt)) {
      const note: Note = { code: 'no-baseline-runs', severity: 'warning',
        message: `Test set '${spec.id}' has no runs of the baseline prompt ${rel(dir, baselinePrompt)}; run it first.` };
      if (opts.testSetId === undefined) { report.notes!.push({ ...note, message: `${note.message} It is left out of the comparison.` }); continue; }
      note.severity = 'error';
      report.testSets.push(emptyTestSet(ctx, spec.id, note));
      continue;
    }
    const ts = await compareTestSet(ctx, spec, runs);
    const { stale, notes } = await staleResults(project, dir, runs, ts.chosenRunIds);
    if (stale.length) { ts.comparison.stale = stale; ts.comparison.notes.unshift(...notes); }
    report.testSets.push(ts.comparison);
    for (const id of ts.runIds) if (!report.runs.includes(id)) report.runs.push(id);
  }
  if (report.testSets.length === 0) {
    throw new UserError(`no runs of the baseline prompt ${rel(dir, baselinePrompt)} in ${rel(dir, store.root) || '.'}: run it on a test set first (prompt-adapt run).`);
  }
  removeImpossibleNumbers(report);
  applyDecisions(report, project, thresholds);
  return report;
}

interface Ctx {
  onlyExamples?: ReadonlyMap<string, ReadonlySet<string>>;
  project: ProjectFile;
  dir: string;
  store: ComparisonStore;
  estimator: EstimatorChoice;
  level: number;
  metricId?: string;
  margin: number;
  baselinePrompt: string;
  baselineCandidate: Candidate;
  promptOf: (file: string) => Promise<PromptFile | undefined>;
  draws?: number;
  seed?: number;
  target: number;
}

/** The prompt a candidate's row uses (absolute): its own `prompt`, else the baseline prompt. */
const ownPrompt = (ctx: Ctx, c: Candidate): string => (c.prompt === undefined || c.id === ctx.baselineCandidate.id ? ctx.baselinePrompt : path.resolve(ctx.dir, c.prompt));

function emptyTestSet(ctx: Ctx, testSetId: string, note: Note): TestSetComparison {
  return { testSetId, n: 0, baselineId: ctx.baselineCandidate.id, metricId: ctx.metricId, estimator: ctx.estimator, level: ctx.level, margin: ctx.margin,
    rows: [], variants: [], decisions: [], variantDecisions: [], notes: [note] };
}

/** The prompt a variant is compared with: the nearest ancestor (by `adapt.variantOf`) that has outputs. */
async function comparedParent(ctx: Ctx, promptPath: string, withOutputs: ReadonlySet<string>): Promise<string | undefined> {
  const seen = new Set([promptPath]);
  let current = promptPath;
  for (let depth = 0; depth < 32; depth++) {
    const p = await ctx.promptOf(current);
    const parentRef = p?.adapt.variantOf;
    if (!parentRef) return undefined;
    const parent = path.resolve(path.dirname(current), parentRef);
    if (seen.has(parent)) return undefined; // a cycle of variants
    if (withOutputs.has(parent)) return parent;
    seen.add(parent);
    current = parent;
  }
  return undefined;
}

/** Runs that supply at least one of the outputs compared (a run whose outputs were all superseded does not count). */
function chosenRunIds(outputs: Iterable<PromptOutputs>): Set<string> {
  const ids = new Set<string>();
  for (const o of outputs) for (const byExample of o.byCandidate.values()) for (const c of byExample.values()) ids.add(c.runId);
  return ids;
}

/**
 * The prompts whose compared outputs come from runs made with inputs that changed since (content hashes in the
 * manifests), with a note each so every report says so too.
 */
async function staleResults(project: ProjectFile, dir: string, runs: readonly RunManifest[], chosen: ReadonlySet<string>): Promise<{ stale: StaleResults[]; notes: Note[] }> {
  const byPrompt = new Map<string, StaleResults>();
  for (const m of runs) {
    if (!chosen.has(m.runId) || !m.prompt?.path) continue;
    const changed = await staleParts(project, m);
    if (!changed.length) continue;
    const prompt = rel(dir, path.resolve(dir, m.prompt.path));
    const s = byPrompt.get(prompt) ?? { prompt, changed: [], runIds: [], candidates: [] };
    byPrompt.set(prompt, s);
    s.runIds.push(m.runId);
    for (const c of changed) if (!s.changed.includes(c)) s.changed.push(c);
    for (const c of m.candidates) if (!s.candidates.includes(c.id) && project.candidates.some((x) => x.id === c.id)) s.candidates.push(c.id);
  }
  const stale = [...byPrompt.values()];
  const notes = stale.map((s): Note => ({ code: 'stale-results', severity: 'warning',
    message: `Stale: the results of ${s.prompt} come from run${s.runIds.length > 1 ? 's' : ''} ${s.runIds.join(', ')}, and ${s.changed.join(' and ')} changed since. They describe the earlier version: run it again.` }));
  return { stale, notes };
}

async function compareTestSet(ctx: Ctx, spec: TestSetSpec, runs: readonly RunManifest[]): Promise<{ comparison: TestSetComparison; runIds: string[]; chosenRunIds: Set<string> }> {
  const notes: Note[] = [];
  const read = await readTestSet(ctx, spec, runs, notes);
  const systemOf = systemMaker(ctx, read, notes);
  const baseline = await systemOf(ctx.baselinePrompt, ctx.baselineCandidate);
  // A candidate's row pairs its model with its own prompt (an adopted variant), else with the baseline prompt.
  const candidateData = await Promise.all(ctx.project.candidates.filter((c) => c.id !== ctx.baselineCandidate.id).map((c) => systemOf(ownPrompt(ctx, c), c)));
  const variantPairs: { variant: SystemData; parent: SystemData }[] = [];
  for (const [p, parent] of read.parents) {
    const byCand = read.outputs.get(p)!.byCandidate;
    for (const c of ctx.project.candidates) {
      if (!byCand.has(c.id) || !read.outputs.get(parent)!.byCandidate.has(c.id)) continue;
      variantPairs.push({ variant: await systemOf(p, c), parent: await systemOf(parent, c) });
    }
  }
  const { pooled, unsure, decided, idkLabels } = pooledCalibration(systemOf.systems.values(), read.labels, notes);
  const opts = { level: ctx.level, draws: ctx.draws, seed: ctx.seed, margin: ctx.margin };
  const baselineRow = rowOf(ctx, baseline, ctx.baselineCandidate.id, true);
  oneSystemEstimate(ctx, baselineRow, baseline, pooled, opts);
  const { rows, family } = candidateRows(ctx, baseline, candidateData, pooled, opts, notes);
  const variantRows: SystemRow[] = [];
  const variantFamily: FamilyMember[] = [];
  for (const { variant, parent } of variantPairs) {
    const row = rowOf(ctx, variant, `${variant.candidate.id} · ${path.basename(variant.promptPath)}`, false);
    row.parentPrompt = rel(ctx.dir, parent.promptPath);
    oneSystemEstimate(ctx, row, variant, pooled, opts);
    const r = pairedComparison(ctx, row, parent, variant, pooled, opts);
    if (r) variantFamily.push({ row, ...r });
    variantRows.push(row);
  }
  applyHolm(ctx, family, 'candidates', pooled, notes);
  applyHolm(ctx, variantFamily, 'prompt variants', pooled, notes);

  const calibration = calibrationSummary(ctx, pooled, unsure, decided, family);
  if (calibration && idkLabels) calibration.idkLabels = idkLabels;
  const comparison: TestSetComparison = {
    testSetId: spec.id, n: baseline.n, baselineId: ctx.baselineCandidate.id, metricId: ctx.metricId, estimator: ctx.estimator,
    level: ctx.level, margin: ctx.margin, rows: [baselineRow, ...rows], variants: variantRows, calibration, decisions: [], variantDecisions: [], notes,
  };
  if (!ctx.metricId) notes.push({ code: 'no-metric', severity: 'error', message: 'The project defines no metric, so correctness cannot be compared.' });
  notes.push(...storeProblemNotes(read.problems, ctx.dir, baseline.n));
  const missing = missingVerdictNote(systemOf.systems.values(), baseline.n, ctx.metricId);
  if (missing) notes.push(missing);
  const systems = [...systemOf.systems.values()];
  for (const note of [failedOutputsNote(systems, baseline.n), unknownCostNote(systems)]) if (note) notes.push(note);
  return { comparison, runIds: read.runIds, chosenRunIds: chosenRunIds(read.outputs.values()) };
}

/** What a test set's comparison reads from the store: the prompts that take part, their outputs, verdicts and labels. */
interface TestSetRead {
  /** Variant prompt → the prompt it is compared with. */
  parents: Map<string, string>;
  outputs: Map<string, PromptOutputs>;
  /** Every output of the prompts, when `outputs` keeps only some examples: the judge is calibrated on all of them. */
  calibrationOutputs?: Map<string, PromptOutputs>;
  verdicts: Map<string, VerdictIndex>;
  labels: Awaited<ReturnType<Ctx['store']['labelIndex']>>;
  runIds: string[];
  problems: StoreProblem[];
}

async function readTestSet(ctx: Ctx, spec: TestSetSpec, runs: readonly RunManifest[], notes: Note[]): Promise<TestSetRead> {
  const { dir, store } = ctx;
  const byPrompt = runsByPrompt(dir, spec.id, runs);
  // Which prompts take part: the baseline prompt and variants whose chain reaches a prompt with runs.
  const withRuns = new Set(byPrompt.keys());
  const parents = new Map<string, string>();
  const candidatePrompts = new Set(ctx.project.candidates.map((c) => ownPrompt(ctx, c)));
  for (const p of withRuns) {
    if (p === ctx.baselinePrompt) continue;
    const parent = await comparedParent(ctx, p, withRuns);
    if (parent) parents.set(p, parent);
    else if (!candidatePrompts.has(p)) notes.push({ code: 'unrelated-prompt', severity: 'info', message: `Runs of ${rel(dir, p)} are not compared: it is not a variant of a prompt with runs.` });
  }
  const used = new Set<string>([ctx.baselinePrompt, ...candidatePrompts, ...parents.keys(), ...parents.values()]);
  const problems: StoreProblem[] = [];
  const onProblem = (p: StoreProblem): void => { problems.push(p); };
  const labels = await store.labelIndex(spec.id, onProblem);
  const outputs = new Map<string, PromptOutputs>();
  const only = ctx.onlyExamples?.get(spec.id);
  const calibrationOutputs = only ? new Map<string, PromptOutputs>() : undefined;
  const verdicts = new Map<string, VerdictIndex>();
  const runIds: string[] = [];
  for (const p of used) {
    const ms = byPrompt.get(p) ?? [];
    const prompt = await ctx.promptOf(p);
    // The same output spec and style as the system's below: the facts read here are the ones it would compute.
    const facts = OutputFactsReader.forPrompt(ctx.project, prompt);
    const all = await store.latestOutputs(p, ms, onProblem, facts);
    outputs.set(p, keepOnly(all, only));
    calibrationOutputs?.set(p, all);
    verdicts.set(p, await store.comparedVerdicts(ms.map((m) => m.runId), ctx.metricId, onProblem));
    runIds.push(...ms.map((m) => m.runId));
  }
  return { parents, outputs, calibrationOutputs, verdicts, labels, runIds, problems };
}

/** One SystemData per (prompt, candidate), built once: outputs, verdicts, labels and style of that system. */
function systemMaker(ctx: Ctx, read: TestSetRead, notes: Note[]): ((promptPath: string, c: Candidate) => Promise<SystemData>) & { systems: Map<string, SystemData> } {
  const systems = new Map<string, SystemData>();
  const systemOf = async (promptPath: string, c: Candidate): Promise<SystemData> => {
    const key = `${promptPath}\0${c.id}`;
    let d = systems.get(key);
    if (!d) {
      const prompt = await ctx.promptOf(promptPath);
      if (!prompt) notes.push({ code: 'prompt-unreadable', severity: 'warning', message: `Cannot read ${rel(ctx.dir, promptPath)}: its outputs are read as plain text with the project's style.` });
      const checker = new StyleChecker(resolveStyle(ctx.project.style, prompt?.adapt.style));
      const verdicts = read.verdicts.get(promptPath)!;
      d = systemData({ candidate: c, promptPath, chosen: read.outputs.get(promptPath)?.byCandidate.get(c.id), outputSpec: prompt?.adapt.output,
        checker, verdicts, labels: read.labels });
      // Compared on some examples only: the labels of the others still calibrate the judge (and this system).
      const all = read.calibrationOutputs?.get(promptPath)?.byCandidate.get(c.id);
      if (all) Object.assign(d, calibrationCounts({ chosen: all, outputSpec: prompt?.adapt.output, verdicts, labels: read.labels }));
      for (const problem of checker.problems) pushNotes(notes, [{ code: 'style-rule', severity: 'warning', message: `${problem.ruleId}: ${problem.message}` }]);
      systems.set(key, d);
    }
    return d;
  };
  return Object.assign(systemOf, { systems });
}

/**
 * Calibration: every labelled output of every system on this test set, pooled (METHOD §1). A variant that repeats
 * its parent's output for a question shares that output's label: each counts once.
 */
function pooledCalibration(systems: Iterable<SystemData>, labels: TestSetRead['labels'], notes: Note[]): { pooled: Confusion; unsure: number; decided: number; idkLabels: number } {
  const pooled: Confusion = { tp: 0, fn: 0, fp: 0, tn: 0 };
  const usedLabels = new Map<string, keyof Confusion | undefined>();
  for (const d of systems) {
    for (const [k, cell] of d.usedLabels) if (!usedLabels.has(k)) { usedLabels.set(k, cell); if (cell) pooled[cell]++; }
  }
  // Each label is counted once (a variant repeating its parent's output shares that label): in the calibration,
  // unsure, on an IDK output (matched with no cell), or unmatched (its output is no longer compared).
  let unsure = 0;
  let decided = 0;
  let idkLabels = 0;
  for (const [key, l] of labels) {
    if (l === 'unsure') unsure++;
    else if (!usedLabels.has(key)) decided++;
    else if (usedLabels.get(key) === undefined) idkLabels++;
  }
  if (idkLabels > 0) notes.push({ code: 'idk-labels-ignored', severity: 'info',
    message: `${idkLabels} label${idkLabels === 1 ? ' is' : 's are'} on IDK outputs: counted and left out of the calibration (an IDK output is incorrect by definition).` });
  return { pooled, unsure, decided, idkLabels };
}

/** The candidates' rows against the baseline, and the family of paired comparisons Holm's correction spans. */
function candidateRows(ctx: Ctx, baseline: SystemData, candidateData: readonly SystemData[], pooled: Confusion, opts: Parameters<typeof pairedComparison>[5], notes: Note[]): { rows: SystemRow[]; family: FamilyMember[] } {
  const rows: SystemRow[] = [];
  const family: FamilyMember[] = [];
  // Candidates never run on this test set get one note, not a row of errors each: there is nothing to judge yet.
  const notRun = candidateData.filter((d) => d.n === 0 && d.errors === 0).map((d) => d.candidate.id);
  if (notRun.length) notes.push({ code: 'not-run', severity: 'info', message: `Not run on this test set yet: ${notRun.join(', ')}. Run the prompt on ${notRun.length > 1 ? 'them' : 'it'} to compare.` });
  for (const d of candidateData) {
    if (d.n === 0 && d.errors === 0) continue;
    const row = rowOf(ctx, d, d.candidate.id, false);
    if (d.n === 0) row.notes.push({ code: 'no-outputs', severity: 'error', message: `${d.candidate.id} has no outputs on this test set (${counted(d.errors, 'request')} failed).` });
    oneSystemEstimate(ctx, row, d, pooled, opts);
    const r = pairedComparison(ctx, row, baseline, d, pooled, opts);
    if (r) family.push({ row, ...r });
    rows.push(row);
  }
  return { rows, family };
}

/** Holm's correction across one family (the candidates, or the prompt variants), and what it did to the verdicts. */
function applyHolm(ctx: Ctx, family: readonly FamilyMember[], what: 'candidates' | 'prompt variants', pooled: Confusion, notes: Note[]): void {
  if (family.length === 0) return;
  const dec = decideCorrectness(family.map((x) => ({ id: x.row.systemId, result: x.result })));
  dec.decisions.forEach((d, i) => {
    const { row } = family[i]!;
    row.pHolm = d.pAdjusted;
    row.nonInferior = d.pass;
    // Holm's correction can take a candidate's interval-only verdict back to inconclusive.
    if (!d.pass && (row.verdict === 'better' || row.verdict === 'non-inferior')) row.verdict = 'inconclusive';
    if (row.verdict === 'inconclusive') row.resolve = resolveText(ctx, family[i]!, pooled);
  });
  notes.push({ code: 'holm', severity: 'info', message: dec.holmApplied
    ? `Holm's correction was applied to the one-sided non-inferiority tests of the ${family.length} ${what}.`
    : `One ${what === 'candidates' ? 'candidate' : 'prompt variant'} compared: no multiplicity correction needed.` });
}

/** The outputs of the given examples only (all of them when `ids` is undefined); a copy, the store's cached outputs stay whole. */
function keepOnly(o: PromptOutputs, ids: ReadonlySet<string> | undefined): PromptOutputs {
  if (!ids) return o;
  const byCandidate = new Map([...o.byCandidate].map(([c, byExample]) => [c, new Map([...byExample].filter(([id]) => ids.has(id)))]));
  return { ...o, byCandidate };
}

function rowOf(ctx: Ctx, d: SystemData, systemId: string, isBaseline: boolean): SystemRow {
  return {
    systemId, candidateId: d.candidate.id, model: d.candidate.model, prompt: rel(ctx.dir, d.promptPath), isBaseline, n: d.n,
    judgedRate: d.nJudged ? d.judged / d.nJudged : undefined,
    // A reply without a whole answer (cut, empty) is an output the product could not use, like one off the schema.
    idkRate: d.n ? d.idk / d.n : 0, schemaFailureRate: d.n + d.unusable ? (d.schemaFailures + d.unusable) / (d.n + d.unusable) : 0,
    ...(d.unusable ? { unusableOutputs: d.unusable } : {}), ...(d.errors ? { errorKinds: { ...d.errorKinds } } : {}),
    badStyleRate: d.style.badStyle, styleRules: d.style.rules,
    medianLatencyMs: d.medianLatencyMs, medianWords: d.style.n ? d.style.medianWords : undefined,
    inputTokens: d.inputTokens, outputTokens: d.outputTokens, cost: d.cost,
    // Outputs of unknown cost are left out of the average, not counted as free.
    costPer1k: d.cost !== undefined && d.n > d.costUnknown ? (1000 * d.cost) / (d.n - d.costUnknown) : undefined,
    errors: d.errors, noVerdict: d.noVerdict, labels: { ...d.labels }, notes: [],
  };
}

function oneSystemEstimate(ctx: Ctx, row: SystemRow, d: SystemData, pooled: Confusion, opts: { level: number; draws?: number; seed?: number }): void {
  if (!ctx.metricId) return;
  let correct = 0, idk = 0, n = 0;
  for (const f of d.examples.values()) {
    const s = stateOf(f);
    if (!s) continue;
    n++;
    if (s === '1') correct++;
    else if (s === 'i') idk++;
  }
  if (n === 0 || (n === idk && d.n > idk)) return; // answered outputs never judged: no estimate from the IDK ones alone
  try {
    const r = estimateOne(ctx.estimator, { confusion: pooled, judged: correct, n, idk, labels: total(d.labels) > 0 ? d.labels : undefined }, opts);
    row.estimate = r.estimate;
    if (row.isBaseline) pushNotes(row.notes, toNotes(r.diagnostics.filter((x) => x.code !== 'labels-needed')));
  } catch (err) {
    row.notes.push({ code: 'estimate-failed', severity: 'error', message: `No estimate: ${(err as Error).message}` });
  }
}

/** One candidate (or variant) compared with its reference: the row, the result and the counts behind it. */
interface FamilyMember {
  row: SystemRow;
  result: CompareResult;
  states: StateTable;
  labels: { baseline?: Confusion; candidate?: Confusion };
}

/**
 * Why no example has a verdict on both sides: outputs never judged ("judge both runs first"), or judged without a
 * verdict — then judging again gives the same, so the note says what the judge did instead.
 */
function noPairsReason(base: SystemData, cand: SystemData): string {
  return judgedWithoutVerdicts([...base.examples.values(), ...cand.examples.values()], 'both runs were', 'their') ?? 'judge both runs first.';
}

/**
 * When every answered output among `facts` was judged and none got a verdict: what happened ("both runs were
 * judged, but 12 of their outputs got no verdict (mostly "no verdict: unparseable judge reply")…"); else undefined.
 */
function judgedWithoutVerdicts(facts: readonly ExampleFacts[], subject: string, their: string): string | undefined {
  const answered = facts.filter((f) => !f.idk);
  if (answered.length === 0 || answered.some((f) => f.verdict === undefined)) return undefined;
  const reasons = new Map<string, number>();
  for (const f of answered) if (f.verdict === null) reasons.set(f.noVerdictReason ?? 'no reason given', (reasons.get(f.noVerdictReason ?? 'no reason given') ?? 0) + 1);
  const [top] = [...reasons].sort((a, b) => b[1] - a[1]);
  const withoutVerdict = [...reasons.values()].reduce((a, b) => a + b, 0);
  return `${subject} judged, but ${withoutVerdict} of ${their} outputs got no verdict${top ? ` (mostly "${top[0]}")` : ''}; prompt-adapt judge says what happened. Fix the judge, then judge again (--rejudge).`;
}

/**
 * Answered outputs without a verdict of the primary metric are left out of the paired table, but IDK outputs need
 * none: a system whose answered outputs were never judged would be compared on its IDK questions alone (a variant
 * run but not judged showed "+0.0 pp [+0.0, +0.0]"). No comparison then; a warning when only some lack a verdict.
 */
function judgedEnough(ctx: Ctx, row: SystemRow, systems: readonly SystemData[]): boolean {
  for (const d of systems) {
    let unjudged = 0;
    for (const f of d.examples.values()) if (!f.idk && f.verdict !== 0 && f.verdict !== 1) unjudged++;
    if (unjudged === 0) continue;
    const answered = [...d.examples.values()].filter((f) => !f.idk);
    const who = `${d.candidate.id} on ${rel(ctx.dir, d.promptPath)}`;
    if (unjudged === answered.length) {
      // Judged without one verdict is not "never judged": judging again would give the same, so say what happened.
      const judged = judgedWithoutVerdicts(answered, 'that run was', 'its');
      row.notes.push({ code: 'not-judged', severity: 'error', message: `No ${ctx.metricId} verdict on any answered output of ${who}: ${judged ?? 'judge that run first (a comparison on its IDK questions alone would mislead).'}` });
      return false;
    }
    row.notes.push({ code: 'partly-judged', severity: 'warning', message: `${unjudged} of ${answered.length} answered outputs of ${who} have no ${ctx.metricId} verdict and are left out of the comparison; judge them for an unbiased result.` });
  }
  return true;
}

/** The paired difference of `cand` against `base` (on the examples both have a state for), written into `row`. */
function pairedComparison(ctx: Ctx, row: SystemRow, base: SystemData, cand: SystemData, pooled: Confusion,
  opts: { level: number; draws?: number; seed?: number; margin: number }): Omit<FamilyMember, 'row'> | undefined {
  // IDK rates: Newcombe's interval on the two systems' outputs.
  if (base.n && cand.n) {
    const r = newcombe(base.idk, base.n, cand.idk, cand.n, ctx.level);
    row.idkDifference = { point: r.estimate, mean: r.estimate, median: r.estimate, lo: r.lo, hi: r.hi };
  }
  if (!ctx.metricId) return undefined;
  if (!judgedEnough(ctx, row, [base, cand])) return undefined;
  // The 3 × 3 state table (METHOD §1): IDK outputs need no verdict; answered ones do.
  const states = emptyStates();
  for (const [id, a] of base.examples) {
    const b = cand.examples.get(id);
    const sa = stateOf(a);
    const sb = b && stateOf(b);
    if (sa && sb) states[`${sa}${sb}`]++;
  }
  const n = statesTotal(states);
  row.pairedN = n;
  if (n === 0) {
    row.notes.push({ code: 'no-pairs', severity: 'error', message: `No example has a ${ctx.metricId} verdict for both this system and its reference: ${noPairsReason(base, cand)}` });
    return undefined;
  }
  const own = (c: Confusion): Confusion | undefined => (total(c) > 0 ? c : undefined);
  try {
    // Which questions are labelled on which system, so ppi++ and human-only count labels on the same questions.
    const labelLayout = pairedLabelLayout(base, cand);
    const result = compareSystems(ctx.estimator, { confusion: pooled, states, baselineLabels: own(base.labels), candidateLabels: own(cand.labels), labelLayout }, opts);
    row.difference = result.difference;
    row.pBetter = result.pBetter;
    row.pNotInferior = result.pNotInferior;
    row.verdict = result.verdict;
    row.estimator = result.estimator;
    row.estimatorReason = result.reason;
    row.beside = result.beside.map((b) => ({ estimator: b.estimator, difference: b.difference, note: b.note }));
    pushNotes(row.notes, toNotes(result.diagnostics));
    return { result, states, labels: { baseline: own(base.labels), candidate: own(cand.labels) } };
  } catch (err) {
    row.notes.push({ code: 'estimate-failed', severity: 'error', message: `No comparison: ${(err as Error).message}` });
    return undefined;
  }
}

/** What would resolve an inconclusive verdict (METHOD §7), from the planner. */
function resolveText(ctx: Ctx, f: FamilyMember, pooled: Confusion): string {
  const d = f.row.difference;
  return whatWouldResolve({ states: f.states, pooled, baselineLabels: f.labels.baseline, candidateLabels: f.labels.candidate,
    difference: d && { point: shownPoint(d), lo: d.lo, hi: d.hi }, estimator: f.result.estimator, margin: ctx.margin, level: ctx.level });
}

function posterior(alpha: number, beta: number, lo: number, hi: number): Interval {
  return { point: alpha / (alpha + beta), mean: alpha / (alpha + beta), median: betaInv(0.5, alpha, beta), lo, hi };
}

function calibrationSummary(ctx: Ctx, pooled: Confusion, unsure: number, unmatched: number,
  family: readonly { row: SystemRow; states: StateTable }[]): CalibrationSummary | undefined {
  if (!ctx.metricId) return undefined;
  const c = calibrate(pooled, ctx.level);
  // The planner speaks for the candidate whose interval is widest now: that one needs the most labels.
  let worst: { id: string; p: Plan } | undefined;
  for (const f of family) {
    const p = plan({ paired: verdictMargins(f.states), confusion: pooled, targetHalfWidth: ctx.target, level: ctx.level });
    if (!worst || p.halfWidthNow > worst.p.halfWidthNow) worst = { id: f.row.systemId, p };
  }
  return {
    metricId: ctx.metricId, ...pooled,
    tpr: posterior(c.tpr.alpha, c.tpr.beta, c.tpr.lo, c.tpr.hi),
    fpr: posterior(c.fpr.alpha, c.fpr.beta, c.fpr.lo, c.fpr.hi),
    pTprLeFpr: c.pTprLeFpr, uninformative: c.uninformative, unsure, unmatched,
    plan: worst && {
      // JSON has no Infinity: a floor of 1 (±100 pp) says the same thing, that labels cannot help.
      target: ctx.target, floor: Number.isFinite(worst.p.floor) ? worst.p.floor : 1, labelsNeeded: worst.p.reachableWithLabels ? worst.p.moreLabels : undefined,
      message: `${worst.id}: ${worst.p.message}`,
    },
    notes: toNotes(c.diagnostics),
  };
}
