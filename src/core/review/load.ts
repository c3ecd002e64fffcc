// Builds the review model of one test set from the store: the same outputs the comparison uses (the latest
// output per (prompt, candidate, example) over the test set's runs, through src/core/compare/gather), parsed and
// style-checked, with the verdicts on exactly those outputs, the test set's examples and the human labels.
import * as path from 'node:path';
import type { ReviewOutput, ReviewSystem, ReviewVerdict } from '../../protocol/messages';
import { latestOutputs, runsByPrompt, VerdictIndex, type Chosen } from '../compare/gather';
import { parseOutput } from '../answer/parse';
import { readExamples, testSetSource } from '../project/testSet';
import type { Example, FieldMapping, ProjectFile } from '../project/types';
import { loadPromptFile } from '../prompt/load';
import type { PromptFile } from '../prompt/types';
import type { VerdictRecord } from '../store/records';
import type { RunManifest } from '../store/runs';
import type { Store } from '../store/store';
import { StyleChecker } from '../style/check';
import { styleTextOf } from '../style/run';
import { resolveStyle } from '../style/config';
import { currentLabels, ReviewData, type ReviewExample } from './data';

export interface LoadReviewOptions {
  project: ProjectFile;
  /** The project's store. */
  store: Store;
  testSetId: string;
  /** Runs to consider (default: every run in the store), in any order. */
  runs?: RunManifest[];
  /** Stop reading examples after this many (default: all). */
  maxExamples?: number;
}

/** A system on a test set and its chosen outputs (by example id), with the runs they were chosen from. */
export interface SystemSource {
  system: ReviewSystem;
  /** Absolute prompt path. */
  promptPath: string;
  /** Runs of the system's prompt on the test set, oldest first. */
  runIds: string[];
  chosen: Map<string, Chosen>;
}

/**
 * The systems on a test set with the comparison's choice of outputs: per (prompt, candidate, example) the latest
 * output over every run of that prompt on the test set (`runsByPrompt` + `latestOutputs`, as src/core/compare
 * does). Candidates on the baseline prompt are named by id, others `<candidate> · <prompt file>`; baseline first.
 */
export async function systemsOf(project: ProjectFile, store: Store, testSetId: string, runs: readonly RunManifest[]): Promise<SystemSource[]> {
  const dir = path.dirname(project.path);
  const byPrompt = runsByPrompt(dir, testSetId, runs);
  const baseCandidate = project.baseline?.candidate ?? project.candidates[0]?.id;
  // Without a baseline prompt, the prompt of the newest run that has the baseline candidate plays that role.
  const newestFirst = [...byPrompt.entries()].map(([p, ms]) => ({ p, last: ms[ms.length - 1]! }))
    .sort((a, b) => (a.last.createdAt < b.last.createdAt ? 1 : a.last.createdAt > b.last.createdAt ? -1 : 0));
  const mainPrompt = project.baseline?.prompt ? path.resolve(dir, project.baseline.prompt)
    : (newestFirst.find((x) => x.last.candidates.some((c) => c.id === baseCandidate)) ?? newestFirst[0])?.p;
  const out: SystemSource[] = [];
  for (const [promptPath, ms] of byPrompt) {
    const outputs = await latestOutputs(store, promptPath, ms);
    const onMain = promptPath === mainPrompt;
    const rel = path.relative(dir, promptPath).split(path.sep).join('/');
    for (const [candidateId, chosen] of outputs.byCandidate) {
      const model = project.candidates.find((c) => c.id === candidateId)?.model
        ?? [...ms].reverse().flatMap((m) => m.candidates).find((c) => c.id === candidateId)?.model ?? [...chosen.values()].at(-1)?.r.model ?? '';
      const systemId = onMain ? candidateId : `${candidateId} · ${path.basename(promptPath)}`;
      out.push({ promptPath, runIds: outputs.runIds, chosen,
        system: { systemId, candidateId, model, prompt: rel, isBaseline: onMain && candidateId === baseCandidate } });
    }
  }
  // Baseline first, then the baseline prompt's candidates, then variants; each group in project order.
  const order = (s: SystemSource): number => (s.system.isBaseline ? 0 : s.promptPath === mainPrompt ? 1 : 2);
  const rank = (id: string): number => { const i = project.candidates.findIndex((c) => c.id === id); return i < 0 ? Number.MAX_SAFE_INTEGER : i; };
  return out.sort((a, b) => order(a) - order(b) || a.promptPath.localeCompare(b.promptPath) || rank(a.system.candidateId) - rank(b.system.candidateId));
}

const asText = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** The question, context and ground truth of an example under the test set's field mapping. */
export function reviewExample(e: Example, fields: FieldMapping = {}): ReviewExample {
  const pick = (f: string | string[] | undefined): string => (typeof f === 'string' ? asText(e.fields[f]) : '');
  const gt = fields.groundTruth;
  const groundTruth = (Array.isArray(gt) ? gt : gt ? [gt] : []).map((f) => asText(e.fields[f])).filter((s) => s !== '');
  return { exampleId: e.id, line: e.line, question: pick(fields.question), context: pick(fields.context), groundTruth };
}

/** Reads everything the review of one test set needs. Missing files (no verdicts yet, no labels) are not errors. */
export async function loadReviewData(opts: LoadReviewOptions): Promise<ReviewData> {
  const { project, store, testSetId } = opts;
  const spec = project.testSets.find((t) => t.id === testSetId);
  if (!spec) throw new Error(`no test set '${testSetId}' in the project`);
  const runs = opts.runs ?? await store.listRuns();
  const sources = await systemsOf(project, store, testSetId, runs);

  const examples: ReviewExample[] = [];
  for await (const e of readExamples(testSetSource(project, spec), { limit: opts.maxExamples })) examples.push(reviewExample(e, spec.fields));

  const metricId = project.decision.primaryMetric ?? project.metrics[0]?.id;
  const verdictsByPrompt = new Map<string, VerdictIndex>();
  const prompts = new Map<string, Promise<PromptFile | undefined>>();
  const outputs = new Map<string, Map<string, ReviewOutput>>();
  for (const src of sources) {
    const pp = src.promptPath;
    let verdicts = verdictsByPrompt.get(pp);
    if (!verdicts) verdictsByPrompt.set(pp, (verdicts = new VerdictIndex(store, src.runIds, '*')));
    if (!prompts.has(pp)) prompts.set(pp, loadPromptFile(pp, { root: path.dirname(project.path) }).then((p) => p.prompt, () => undefined));
    const prompt = await prompts.get(pp);
    const index = verdicts;
    outputs.set(src.system.systemId, buildOutputs(src.system, [...src.chosen.values()], (c) => index.verdictsFor(c), prompt, project));
  }

  const labels = currentLabels(await store.readLabels(testSetId));
  return new ReviewData({ testSetId, examples, systems: sources.map((s) => s.system), outputs, primaryMetric: metricId, labels });
}

/**
 * Parses and style-checks one system's chosen outputs (one checker per system: regex rules compile once);
 * `verdictsOf` gives the verdicts on exactly that output.
 */
export function buildOutputs(system: ReviewSystem, chosen: readonly Chosen[], verdictsOf: (c: Chosen) => readonly VerdictRecord[],
  prompt: PromptFile | undefined, project: Pick<ProjectFile, 'style'>): Map<string, ReviewOutput> {
  const checker = new StyleChecker(resolveStyle(project.style, prompt?.adapt.style));
  const spec = prompt?.adapt.output;
  const responses = chosen.map((c) => c.r);
  const parsed = responses.map((r) => (r.error || typeof r.output !== 'string' ? undefined : parseOutput(r.output, spec)));
  const answered = parsed.flatMap((p, i) => { const text = p && styleTextOf(p); return text ? [{ i, text }] : []; });
  const checked = checker.checkMany(answered.map((a) => a.text));
  const style = new Map(answered.map((a, k) => [a.i, checked[k]!]));
  const out = new Map<string, ReviewOutput>();
  chosen.forEach((c, i) => {
    const r = c.r;
    const p = parsed[i];
    const s = style.get(i);
    const text = p ? (p.answer || r.output!) : '';
    const verdicts: ReviewVerdict[] = verdictsOf(c).map((v) => ({ metricId: v.metricId, verdict: v.verdict, reason: v.reason, reasoning: v.reasoning, judgeModel: v.judgeModel }));
    out.set(r.exampleId, {
      systemId: system.systemId, candidateId: r.candidateId, model: r.model, outputHash: r.outputHash, text,
      raw: r.output !== undefined && r.output !== text ? r.output : undefined,
      idk: p?.idk ?? false, schemaValid: p?.schemaValid ?? false, error: r.error ? `${r.error.kind}: ${r.error.message}` : undefined,
      latencyMs: r.latencyMs, words: s?.words, findings: (s?.findings ?? []).map((f) => ({ start: f.start, end: f.end, ruleId: f.ruleId, message: f.message })),
      verdicts,
    });
  });
  return out;
}
