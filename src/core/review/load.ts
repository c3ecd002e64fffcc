// Builds the review model of one test set from the store: the newest run of each (prompt, candidate) on the
// test set, its responses parsed and style-checked, its verdicts, the test set's examples and the human labels.
import * as path from 'node:path';
import type { HumanLabelName, ReviewOutput, ReviewSystem, ReviewVerdict } from '../../protocol/messages';
import { readLabels } from '../labels/labelStore';
import { readVerdicts, verdictsPath } from '../metrics/verdictStore';
import { parseOutput } from '../output/parse';
import { readExamples, testSetSource } from '../project/testSet';
import type { Example, FieldMapping, ProjectFile } from '../project/types';
import { loadPromptFile } from '../prompt/load';
import type { PromptFile } from '../prompt/types';
import type { ResponseRecord, VerdictRecord } from '../records';
import { listRuns, readResponses, runDir, type RunManifest } from '../runner/store';
import { StyleChecker } from '../style/check';
import { resolveStyle } from '../style/config';
import { ReviewData, type ReviewExample } from './data';

export interface LoadReviewOptions {
  project: ProjectFile;
  /** `.prompt-adapt/` of the project. */
  storeRoot: string;
  testSetId: string;
  /** Runs to consider (default: every run in the store), newest first. */
  runs?: RunManifest[];
  /** Stop reading examples after this many (default: all). */
  maxExamples?: number;
}

/** The systems on a test set and the run each one's outputs come from. */
export interface SystemSource { system: ReviewSystem; runId: string; promptPath?: string }

const samePath = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && path.resolve(a) === path.resolve(b);

/** Picks, per (prompt, candidate), the newest run of the test set that has it; the baseline comes first. */
export function systemsOf(project: ProjectFile, testSetId: string, runs: readonly RunManifest[]): SystemSource[] {
  const dir = path.dirname(project.path);
  const basePrompt = project.baseline?.prompt ? path.resolve(dir, project.baseline.prompt) : undefined;
  const newest = [...runs].filter((r) => r.testSet?.id === testSetId).sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  // Without a baseline prompt, the prompt of the newest run that has the baseline candidate plays that role.
  const mainPrompt = basePrompt ?? newest.find((r) => r.candidates.some((c) => c.id === project.baseline?.candidate))?.prompt?.path ?? newest[0]?.prompt?.path;
  const out = new Map<string, SystemSource>();
  for (const run of newest) {
    const promptPath = run.prompt?.path;
    const onMain = promptPath === undefined || samePath(promptPath, mainPrompt);
    for (const c of run.candidates) {
      const systemId = onMain ? c.id : `${c.id} · ${path.basename(promptPath!)}`;
      if (out.has(systemId)) continue;
      const rel = promptPath ? path.relative(dir, promptPath).split(path.sep).join('/') : '';
      out.set(systemId, { runId: run.runId, promptPath, system: { systemId, candidateId: c.id, model: c.model, prompt: rel, isBaseline: onMain && c.id === project.baseline?.candidate } });
    }
  }
  return [...out.values()].sort((a, b) => Number(b.system.isBaseline) - Number(a.system.isBaseline));
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
  const { project, storeRoot, testSetId } = opts;
  const spec = project.testSets.find((t) => t.id === testSetId);
  if (!spec) throw new Error(`no test set '${testSetId}' in the project`);
  const runs = opts.runs ?? await listRuns(storeRoot);
  const sources = systemsOf(project, testSetId, runs);

  const examples: ReviewExample[] = [];
  for await (const e of readExamples(testSetSource(project, spec), { limit: opts.maxExamples })) examples.push(reviewExample(e, spec.fields));

  const metricId = project.decision.primaryMetric ?? project.metrics[0]?.id;
  const responsesByRun = new Map<string, Promise<ResponseRecord[]>>();
  const verdictsByRun = new Map<string, Map<string, VerdictRecord>>();
  const prompts = new Map<string, Promise<PromptFile | undefined>>();
  const outputs = new Map<string, Map<string, ReviewOutput>>();
  for (const src of sources) {
    if (!responsesByRun.has(src.runId)) responsesByRun.set(src.runId, readResponses(storeRoot, src.runId));
    if (!verdictsByRun.has(src.runId)) verdictsByRun.set(src.runId, readVerdicts(verdictsPath(runDir(storeRoot, src.runId))));
    const pp = src.promptPath;
    if (pp && !prompts.has(pp)) prompts.set(pp, loadPromptFile(pp).then((p) => p.prompt, () => undefined));
    const prompt = pp ? await prompts.get(pp) : undefined;
    const responses = (await responsesByRun.get(src.runId)!).filter((r) => r.candidateId === src.system.candidateId);
    const verdicts = verdictsByRun.get(src.runId)!;
    outputs.set(src.system.systemId, buildOutputs(src.system, responses, verdicts, prompt, project));
  }

  const labels = new Map<string, HumanLabelName>();
  for (const l of await readLabels(storeRoot, testSetId)) labels.set(l.outputHash, l.label);
  return new ReviewData({ testSetId, examples, systems: sources.map((s) => s.system), outputs, primaryMetric: metricId, labels });
}

/** Parses and style-checks one system's responses (one checker per system: regex rules compile once). */
export function buildOutputs(system: ReviewSystem, responses: readonly ResponseRecord[], verdicts: ReadonlyMap<string, VerdictRecord>,
  prompt: PromptFile | undefined, project: Pick<ProjectFile, 'style'>): Map<string, ReviewOutput> {
  const checker = new StyleChecker(resolveStyle(project.style, prompt?.adapt.style));
  const spec = prompt?.adapt.output;
  const parsed = responses.map((r) => (r.error || typeof r.output !== 'string' ? undefined : parseOutput(r.output, spec)));
  const answered = parsed.flatMap((p, i) => (p ? [{ i, text: p.answer || responses[i]!.output! }] : []));
  const checked = checker.checkMany(answered.map((a) => a.text));
  const style = new Map(answered.map((a, k) => [a.i, checked[k]!]));
  const byVerdict = new Map<string, ReviewVerdict[]>();
  const hashOf = new Map(responses.map((r) => [r.exampleId, r.outputHash]));
  for (const v of verdicts.values()) {
    if (v.candidateId !== system.candidateId) continue;
    let list = byVerdict.get(v.exampleId);
    if (!list) byVerdict.set(v.exampleId, (list = []));
    // A verdict on an earlier version of the output does not describe this one.
    const hash = hashOf.get(v.exampleId);
    if (v.outputHash && hash && v.outputHash !== hash) continue;
    list.push({ metricId: v.metricId, verdict: v.verdict, reason: v.reason, reasoning: v.reasoning, judgeModel: v.judgeModel });
  }
  const out = new Map<string, ReviewOutput>();
  responses.forEach((r, i) => {
    const p = parsed[i];
    const s = style.get(i);
    const text = p ? (p.answer || r.output!) : '';
    out.set(r.exampleId, {
      systemId: system.systemId, candidateId: r.candidateId, model: r.model, outputHash: r.outputHash, text,
      raw: r.output !== undefined && r.output !== text ? r.output : undefined,
      idk: p?.idk ?? false, schemaValid: p?.schemaValid ?? false, error: r.error ? `${r.error.kind}: ${r.error.message}` : undefined,
      latencyMs: r.latencyMs, words: s?.words, findings: (s?.findings ?? []).map((f) => ({ start: f.start, end: f.end, ruleId: f.ruleId, message: f.message })),
      verdicts: byVerdict.get(r.exampleId) ?? [],
    });
  });
  return out;
}
