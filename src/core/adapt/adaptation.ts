// The adaptation use case: split → parent on the target → strategies write variants (guarded, with
// provenance) → each variant measured on the optimisation part → Pareto front → the front accepted or
// rejected on the sealed part. Every step goes through the runner (cached, resumable) and the budget, and
// the record is saved after each, so running the same command again after a kill picks up where it was.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { UserError } from '../errors';
import { exampleFields, type ExampleFields } from '../metrics/evaluate';
import { readExamples, testSetSource } from '../project/testSet';
import type { JudgeModel, TestSetSpec } from '../project/types';
import { parsePromptYml } from '../prompt/parsePromptYml';
import type { AdaptProvenance, PromptFile } from '../prompt/types';
import { projectRelative } from '../runner/projectPlan';
import { ruleLabel } from '../storedOutputs/styleAdvice';
import { compareOnPart, headline, judgeVariant, rowOf } from './acceptance';
import { Budget, confirmedLimits, describeEstimate, type AdaptationEstimate, type BudgetLimits } from './budget';
import { estimateAdaptationCost } from './estimate';
import { sampleFailures } from './failures';
import { existingText, readPromptText, writeTextFile } from './files';
import { checkRewrite } from './guards';
import { readOutcomes, styleRates, type Outcome } from './outcomes';
import { dominates, paretoFront, type Objectives } from './pareto';
import type { AdaptationRecord, VariantEntry } from './record';
import { askRewriter } from './rewriterCall';
import { readRewriterReply, retryRequest } from './rewriterProtocol';
import { runAndJudgePart, type AdaptServices } from './runParts';
import { DEFAULT_SEAL, reuseSplit, splitTestSet } from './split';
import { STRATEGIES, type Proposal, type StrategyId } from './strategies';
import { contentHash, variantPath, variantTag, variantText } from './variantFile';

export interface AdaptOptions extends AdaptServices {
  /** The prompt to adapt (absolute). */
  promptPath: string;
  candidateId: string;
  strategies: StrategyId[];
  rounds: number;
  seal?: number;
  seed?: string;
  rewriter?: JudgeModel;
  limits: BudgetLimits;
  /** Asked with the estimate before anything is spent (the parent's run included); false stops. Absent: go ahead. */
  confirm?(estimate: AdaptationEstimate): Promise<boolean>;
  /** The confirmed estimate's upper end becomes the call limit when `limits` has none (the editor's modal). */
  capAtEstimate?: boolean;
}

interface Prompt { path: string; rel: string; text: string; prompt: PromptFile }

interface Run {
  o: AdaptOptions;
  record: AdaptationRecord;
  budget: Budget;
  parent: Prompt;
  examples: Map<string, Map<string, ExampleFields>>;
  /** Examples some candidate answered correctly with the parent prompt, per test set. */
  answerable: Map<string, Set<string>>;
}

/** A stable id for (prompt, candidate, seed): re-running the same adaptation finds its record. */
export function adaptationId(promptRel: string, candidateId: string, seed: string): string {
  const stem = path.basename(promptRel).replace(/\.prompt\.ya?ml$/iu, '').replace(/[^A-Za-z0-9_-]+/gu, '-');
  return `${stem}-${candidateId.replace(/[^A-Za-z0-9_-]+/gu, '-')}-${createHash('sha256').update(`${promptRel}\0${candidateId}\0${seed}`).digest('hex').slice(0, 8)}`;
}

function loadPrompt(o: AdaptOptions, file: string): Prompt {
  const text = readPromptText(file);
  const parsed = parsePromptYml(text, file);
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new UserError(`${o.project.path ? path.relative(path.dirname(o.project.path), file) : file} has errors: ${errors[0]!.message}`);
  return { path: file, rel: projectRelative(o.project, file), text, prompt: parsed.prompt };
}

const save = (r: Run): void => { r.record.spent = { ...r.budget.spent }; r.record.updatedAt = new Date().toISOString(); r.o.store.writeAdaptation(r.record.id, r.record); };

/** Runs (or resumes) an adaptation and returns its record. Throws UserError on unusable input. */
export async function runAdaptation(o: AdaptOptions): Promise<AdaptationRecord> {
  const run = await start(o);
  const { record } = run;
  // The estimate and the confirmation come before anything is spent, the parent's own run on the target included.
  const estimate = await estimateAdaptationCost(o, { parent: run.parent, candidateId: record.candidateId, strategies: record.strategies, rounds: record.rounds,
    seal: record.seal, rewriter: o.rewriter, splits: record.splits, exampleCounts: new Map([...run.examples].map(([id, m]) => [id, m.size])) });
  o.log(`estimate: ${describeEstimate(estimate)}`);
  if (o.limits.maxUsd !== undefined && estimate.usd && o.limits.maxUsd < estimate.usd.low) o.log(`the budget of $${o.limits.maxUsd} is below the lowest estimate: the adaptation will stop early, at the first step that does not fit`);
  if (o.confirm && !(await o.confirm(estimate))) { record.stopped = 'not confirmed'; save(run); return record; }
  if (o.capAtEstimate && o.limits.maxCalls === undefined) {
    run.budget = new Budget(confirmedLimits(o.limits, run.budget.spent, estimate), run.budget.spent);
    o.log(`hard budget: ${run.budget.limits.maxCalls} model calls in all (the estimate's upper end${run.budget.spent.calls ? `, plus the ${run.budget.spent.calls} spent before` : ''})`);
  }
  if (!record.splits.length || !record.variants.length) await prepare(run);
  else for (const spec of o.project.testSets) await readAnswerable(run, spec);
  if (record.stopped) return record;
  for (const id of record.strategies) {
    const rounds = STRATEGIES[id].variants(record.rounds);
    for (let round = 1; round <= rounds && !record.stopped; round++) await strategyRound(run, id, round);
  }
  markFront(run);
  save(run);
  if (!record.stopped) await accept(run);
  save(run);
  return record;
}

async function start(o: AdaptOptions): Promise<Run> {
  if (!o.project.candidates.some((c) => c.id === o.candidateId)) throw new UserError(`No candidate '${o.candidateId}' in the project (it has: ${o.project.candidates.map((c) => c.id).join(', ')}).`);
  if (o.strategies.some((s) => STRATEGIES[s].usesRewriter) && !o.rewriter) {
    throw new UserError('The guide and reflect strategies need a rewriter model.', "Pass --rewriter ENDPOINT:MODEL or set 'adapt: { rewriter: { endpoint, model } }' in the project file.");
  }
  if (o.rewriter && !o.endpoints[o.rewriter.endpoint]) throw new UserError(`The rewriter's endpoint '${o.rewriter.endpoint}' is not defined.`);
  const parent = loadPrompt(o, o.promptPath);
  const seed = o.seed ?? 'adapt-1';
  const id = adaptationId(parent.rel, o.candidateId, seed);
  const stored = (await o.store.readAdaptation(id)) as AdaptationRecord | undefined;
  const record: AdaptationRecord = stored && stored.parentHash === contentHash(parent.text) ? { ...stored, strategies: o.strategies, rounds: o.rounds, stopped: undefined } : {
    version: 1, id, prompt: parent.rel, parentHash: contentHash(parent.text), candidateId: o.candidateId, seed, seal: o.seal ?? DEFAULT_SEAL,
    strategies: o.strategies, rounds: o.rounds, ...(o.rewriter ? { rewriter: `${o.rewriter.endpoint}:${o.rewriter.model}` } : {}),
    splits: [], spent: { calls: 0, usd: 0 }, variants: [], rejected: [], skipped: [], updatedAt: new Date().toISOString(),
  };
  if (stored && stored.parentHash !== record.parentHash) o.log(`the parent prompt changed since adaptation ${id} was made: starting it over (the old variant files are left as they are)`);
  else if (stored) o.log(`resuming adaptation ${id}`);
  const run: Run = { o, record, budget: new Budget(o.limits, record.spent), parent, examples: new Map(), answerable: new Map() };
  for (const spec of o.project.testSets) run.examples.set(spec.id, await readFields(o, spec));
  return run;
}

async function readFields(o: AdaptOptions, spec: TestSetSpec): Promise<Map<string, ExampleFields>> {
  const out = new Map<string, ExampleFields>();
  for await (const e of readExamples(testSetSource(o.project, spec), { signal: o.signal })) out.set(e.id, exampleFields(e, spec.fields));
  return out;
}

/**
 * The parent's outcomes on a test set, noting which examples some candidate answered correctly with it (reflect
 * shows IDK on those as failures). Read again on resume, so a resumed round sends the rewriter the same request.
 */
async function readAnswerable(run: Run, spec: TestSetSpec): Promise<Map<string, Map<string, Outcome>>> {
  const outcomes = await readOutcomes(run.o.store, run.o.project, run.parent.prompt, spec);
  const answerable = new Set<string>();
  for (const byId of outcomes.values()) for (const [id, x] of byId) if (x.verdict === 1) answerable.add(id);
  run.answerable.set(spec.id, answerable);
  return outcomes;
}

/** The parent on the target over every test set (cached if already run), then the split from its results. */
async function prepare(run: Run): Promise<void> {
  const { o, record, parent } = run;
  for (const spec of o.project.testSets) {
    const why = await runAndJudgePart(o, { prompt: parent.prompt, promptText: parent.text, spec, candidateId: record.candidateId, part: 'all' }, run.budget);
    if (why) { record.stopped = why; save(run); return; }
    const mine = (await readAnswerable(run, spec)).get(record.candidateId) ?? new Map<string, Outcome>();
    const ids = [...run.examples.get(spec.id)!.keys()];
    const stored = record.splits.find((s) => s.testSetId === spec.id);
    const split = stored ? reuseSplit(stored, ids) : splitTestSet(spec.id, ids.map((id) => ({ id, verdict: mine.get(id)?.verdict, idk: mine.get(id)?.idk ?? false })),
      { seed: record.seed, sealFraction: record.seal, wholeSealed: spec.sealed });
    record.splits = [...record.splits.filter((s) => s.testSetId !== spec.id), split];
    if (!stored) o.log(`split ${spec.id}: ${split.optimisation.length} examples to learn from, ${split.sealed.length} sealed${split.wholeSealed ? ' (the whole test set is sealed)' : ''}`);
  }
  save(run);
}

/** The target candidate's outcomes with a prompt on every optimisation part, keyed `testSet\0example`. */
async function optimisationOutcomes(run: Run, p: Prompt): Promise<{ outcomes: Map<string, Outcome>; ids: string[]; answerable: Set<string>; examples: Map<string, ExampleFields> }> {
  const outcomes = new Map<string, Outcome>();
  const ids: string[] = [];
  const answerable = new Set<string>();
  const examples = new Map<string, ExampleFields>();
  for (const split of run.record.splits) {
    if (!split.optimisation.length) continue;
    const spec = run.o.project.testSets.find((t) => t.id === split.testSetId)!;
    const mine = (await readOutcomes(run.o.store, run.o.project, p.prompt, spec)).get(run.record.candidateId);
    for (const id of split.optimisation) {
      const key = `${split.testSetId}\0${id}`;
      ids.push(key);
      const x = mine?.get(id);
      if (x) outcomes.set(key, x);
      if (run.answerable.get(split.testSetId)?.has(id)) answerable.add(key);
      const f = run.examples.get(split.testSetId)?.get(id);
      if (f) examples.set(key, f);
    }
  }
  return { outcomes, ids, answerable, examples };
}

/** One round of one strategy: propose, guard, write, measure on the optimisation part. Resumes from the record. */
async function strategyRound(run: Run, id: StrategyId, round: number): Promise<void> {
  const { o, record, parent } = run;
  const done = record.variants.find((v) => v.strategy === id && v.round === round);
  if (done) { if (!done.objectives) await evaluate(run, done); return; }
  if ([...record.rejected, ...record.skipped].some((r) => r.strategy === id && r.round === round)) return;
  const base = id === 'reflect' ? bestSoFar(run) : parent;
  const opt = await optimisationOutcomes(run, base);
  const label = (r: string): string => ruleLabel(r, base.prompt, o.project.style.phrases);
  const candidate = o.project.candidates.find((c) => c.id === record.candidateId)!;
  const proposal = STRATEGIES[id].propose({
    parent: base.prompt, targetModel: candidate.model, round, styleRates: styleRates(opt.outcomes, opt.ids), ruleLabel: label,
    maxWords: base.prompt.adapt.style?.maxWords ?? o.project.style.maxWords,
    failures: () => sampleFailures({ outcomes: opt.outcomes, optimisationIds: opt.ids, examples: opt.examples, answerable: opt.answerable, ruleLabel: label, seed: record.seed, round, max: 8 }),
  });
  const edit = await editOf(run, id, round, proposal);
  if (!edit) { save(run); return; }
  const provenance: AdaptProvenance = { strategy: id, round, parentHash: record.parentHash, splitSeed: record.seed, adaptation: record.id,
    ...(STRATEGIES[id].usesRewriter && record.rewriter ? { rewriter: record.rewriter } : {}), ...(base !== parent ? { basedOn: path.basename(base.path) } : {}),
    rules: edit.rules, rationale: edit.rationale };
  const text = variantText(parent.text, parent.path, edit.contents, provenance);
  const file = freeFile(run, id, round, text);
  const guard = checkRewrite(parent.prompt, text, file);
  const twin = guard.ok ? record.variants.find((v) => sameMessages(loadPrompt(o, path.resolve(path.dirname(o.project.path), v.file)).prompt, guard.variant)) : undefined;
  if (!guard.ok || twin) {
    const reason = guard.ok ? `the same prompt as ${twin!.tag}` : guard.reason;
    record.rejected.push({ strategy: id, round, guard: guard.ok ? 'duplicate' : guard.guard, reason });
    o.log(`${id} round ${round}: rewrite rejected: ${reason}`);
    save(run);
    return;
  }
  writeTextFile(file, text);
  const entry: VariantEntry = { tag: path.basename(file).replace(/^.*?\.([^.]+)\.prompt\.yml$/u, '$1'), file: projectRelative(o.project, file), strategy: id, round,
    parent: parent.rel, rules: edit.rules, rationale: edit.rationale };
  record.variants.push(entry);
  o.log(`${id} round ${round}: wrote ${entry.file}${edit.rules.length ? ` (rules: ${edit.rules.join(', ')})` : ''}`);
  save(run);
  await evaluate(run, entry);
}

const sameMessages = (a: PromptFile, b: PromptFile): boolean => a.messages.length === b.messages.length && a.messages.every((m, i) => m.content === b.messages[i]!.content);

/** The variant file for a round: `name.<strategy>-<n>.prompt.yml`, skipping names held by other files. */
function freeFile(run: Run, id: StrategyId, round: number, text: string): string {
  for (let k = round; k < round + 100; k++) {
    const file = variantPath(run.parent.path, variantTag(id, k));
    const existing = existingText(file);
    if (existing === undefined || existing === text) return file;
    if (parsePromptYml(existing, file).prompt.adapt.provenance?.adaptation === run.record.id) return file;
  }
  throw new UserError(`Cannot find a free file name for a ${id} variant next to ${run.parent.rel}.`);
}

/** True (and the record says so) when the adaptation was cancelled. */
function stoppedByCancel(run: Run): boolean {
  if (!run.o.signal?.aborted) return false;
  run.record.stopped = 'cancelled';
  return true;
}

interface Edit { contents: (string | undefined)[]; rationale: string; rules: string[] }

/** The edit a proposal makes: as given, or read from the rewriter's reply (retried once when unreadable). */
async function editOf(run: Run, id: StrategyId, round: number, proposal: Proposal): Promise<Edit | undefined> {
  const { o, record } = run;
  if (proposal.kind === 'nothing') {
    record.skipped.push({ strategy: id, round, reason: proposal.reason });
    o.log(`${id} round ${round}: nothing to do (${proposal.reason})`);
    return undefined;
  }
  if (proposal.kind === 'edit') return proposal;
  const refused = run.budget.refuse({ calls: 2 }, `${id} round ${round} (rewriter)`);
  if (refused) { record.stopped = refused; o.log(refused); return undefined; }
  const n = run.parent.prompt.messages.length;
  const batch = `${id}-${round}`;
  const first = await askRewriter(o, o.rewriter!, record.id, batch, proposal.request, run.budget);
  // A call cut short by cancelling is not the rewriter's failure: nothing is recorded, so a resumed run asks again.
  if (stoppedByCancel(run)) return undefined;
  if ('error' in first) { record.skipped.push({ strategy: id, round, reason: `rewriter error: ${first.error}` }); o.log(`${id} round ${round}: rewriter error: ${first.error}`); return undefined; }
  let reading = readRewriterReply(first.text, n);
  if (!reading.ok) {
    o.log(`${id} round ${round}: the rewriter's reply could not be read (${reading.why}); asking once more`);
    const again = await askRewriter(o, o.rewriter!, record.id, `${batch}-retry`, retryRequest(proposal.request, first.text, reading.why), run.budget);
    if (stoppedByCancel(run)) return undefined;
    reading = 'error' in again ? { ok: false, why: again.error } : readRewriterReply(again.text, n);
    if (!reading.ok) {
      record.rejected.push({ strategy: id, round, guard: 'unreadable', reason: `the rewriter's reply could not be read twice: ${reading.why}` });
      o.log(`${id} round ${round}: skipped: the rewriter's reply could not be read twice (${reading.why})`);
      return undefined;
    }
  }
  // Only rule ids that exist in the pack sent are recorded: provenance names real rules, never invented ones.
  const known = new Set([...proposal.request.map((m) => m.content).join('\n').matchAll(/<rule id="([^"]+)">/gu)].map((m) => m[1]!));
  return { contents: reading.contents, rationale: reading.rationale, rules: reading.rules.filter((r) => known.has(r)) };
}

/** Runs a variant on every optimisation part, then refreshes everyone's objectives. */
async function evaluate(run: Run, v: VariantEntry): Promise<void> {
  const p = loadPrompt(run.o, path.resolve(path.dirname(run.o.project.path), v.file));
  for (const split of run.record.splits) {
    if (!split.optimisation.length) continue;
    const spec = run.o.project.testSets.find((t) => t.id === split.testSetId)!;
    const why = await runAndJudgePart(run.o, { prompt: p.prompt, promptText: p.text, spec, candidateId: run.record.candidateId, ids: new Set(split.optimisation), part: 'optimisation' }, run.budget);
    if (why) { run.record.stopped = why; run.o.log(why); save(run); return; }
  }
  await refreshObjectives(run);
  save(run);
}

const chars = (p: PromptFile): number => p.messages.reduce((n, m) => n + m.content.length, 0);

/** Objectives of the parent and every measured variant, from the comparison on the optimisation parts. */
async function refreshObjectives(run: Run): Promise<void> {
  const { record, o } = run;
  if (!record.splits.some((s) => s.optimisation.length)) return;
  const report = await compareOnPart(o.project, record.splits, 'optimisation');
  const of = (rel: string, promptChars: number): Objectives | undefined => {
    let n = 0, correct = 0, idk = 0, style = 0;
    for (const s of record.splits) {
      const r = s.optimisation.length ? rowOf(report, s.testSetId, rel, record.candidateId) : undefined;
      if (!r || r.n === 0) continue;
      n += r.n; correct += r.n * (r.estimate?.mean ?? r.judgedRate ?? 0); idk += r.n * r.idkRate; style += r.n * r.badStyleRate;
    }
    return n ? { correctness: correct / n, idkRate: idk / n, badStyleRate: style / n, promptChars } : undefined;
  };
  record.parentObjectives = of(run.parent.rel, chars(run.parent.prompt));
  for (const v of record.variants) {
    const o2 = of(v.file, chars(loadPrompt(o, path.resolve(path.dirname(o.project.path), v.file)).prompt));
    if (o2) v.objectives = o2;
  }
}

interface Point { tag: string; objectives: Objectives }

function points(run: Run): Point[] {
  const parent = run.record.parentObjectives ? [{ tag: 'parent', objectives: run.record.parentObjectives }] : [];
  return [...parent, ...run.record.variants.filter((v) => v.objectives).map((v) => ({ tag: v.tag, objectives: v.objectives! }))];
}

/** The prompt `reflect` edits next: the front member with the highest correctness (fewer IDK, less bad style on ties). */
function bestSoFar(run: Run): Prompt {
  const front = paretoFront(points(run).filter((p) => p.tag === 'parent' || run.record.variants.find((v) => v.tag === p.tag)?.strategy === 'reflect'));
  const best = front.sort((a, b) => b.objectives.correctness - a.objectives.correctness || a.objectives.idkRate - b.objectives.idkRate
    || a.objectives.badStyleRate - b.objectives.badStyleRate)[0];
  const v = best && run.record.variants.find((x) => x.tag === best.tag);
  return v ? loadPrompt(run.o, path.resolve(path.dirname(run.o.project.path), v.file)) : run.parent;
}

function markFront(run: Run): void {
  const front = new Set(paretoFront(points(run)).map((p) => p.tag));
  for (const v of run.record.variants) v.onFront = v.objectives !== undefined && front.has(v.tag);
}

/** The front's variants on every sealed part, then the verdicts against the parent and the headline. */
async function accept(run: Run): Promise<void> {
  const { o, record } = run;
  const front = record.variants.filter((v) => v.onFront);
  for (const v of front) {
    const p = loadPrompt(o, path.resolve(path.dirname(o.project.path), v.file));
    for (const split of record.splits) {
      if (!split.sealed.length) continue;
      const spec = o.project.testSets.find((t) => t.id === split.testSetId)!;
      const why = await runAndJudgePart(o, { prompt: p.prompt, promptText: p.text, spec, candidateId: record.candidateId, ids: new Set(split.sealed), part: 'sealed' }, run.budget);
      if (why) { record.stopped = why; o.log(why); break; }
    }
    if (record.stopped) break;
  }
  const sealed = await compareOnPart(o.project, record.splits, 'sealed');
  const optimisation = await compareOnPart(o.project, record.splits, 'optimisation');
  const verdicts = record.variants.map((v) => (v.onFront ? judgeVariant(v, run.parent.rel, record.candidateId, sealed, optimisation, record.splits)
    : { tag: v.tag, verdict: 'not-evaluated' as const, why: v.objectives ? offFront(run, v) : 'not measured (stopped early)', sealed: [], optimisation: [] }));
  record.acceptance = { verdicts, headline: headline(verdicts) };
  o.log(record.acceptance.headline);
}

/** Why a measured variant did not reach the sealed part: who beats it on the optimisation part. */
function offFront(run: Run, v: VariantEntry): string {
  const by = points(run).filter((p) => p.tag !== v.tag && dominates(p.objectives, v.objectives!)).map((p) => p.tag);
  return `no gain on the optimisation part: ${by.join(' and ')} ${by.length > 1 ? 'are' : 'is'} at least as good on correctness, IDK, style and prompt length`;
}
