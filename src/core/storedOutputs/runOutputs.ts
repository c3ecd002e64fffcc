// A run's outputs as the editor shows them: per candidate, the parsed answers with their style findings,
// the questions they answer, and the judges' verdicts. Loaded once per run and shared by the output
// documents and the aggregated diagnostics on the prompt file.
import * as path from 'node:path';
import { exampleFields } from '../metrics/evaluate';
import { verdictKey } from '../store/verdicts';
import { readExamples, testSetSource } from '../project/testSet';
import type { ProjectFile } from '../project/types';
import { loadPromptFile } from '../prompt/load';
import type { PromptFile } from '../prompt/types';
import type { VerdictRecord } from '../store/records';
import type { RunManifest } from '../store/runs';
import type { Store } from '../store/store';
import { StyleChecker, resolveStyle, styleRun, type ResponseStyle, type StyleStats } from '../style';

export interface CandidateOutputs {
  candidateId: string;
  model: string;
  /** In test-set order where known, else in the order the run wrote them. */
  responses: ResponseStyle[];
  stats: StyleStats;
}

export interface RunOutputs {
  manifest: RunManifest;
  prompt?: PromptFile;
  candidates: Map<string, CandidateOutputs>;
  /** exampleId -> question text (when the test set maps a question field). */
  questions: Map<string, string>;
  /** exampleId -> order in the test set. */
  order: Map<string, number>;
  verdicts: Map<string, VerdictRecord>;
}

/** Loads and style-checks a run. `project` supplies the style rules and the test set's question field. */
export async function loadRunOutputs(store: Store, runId: string, project?: ProjectFile): Promise<RunOutputs | undefined> {
  const manifest = await store.readManifest(runId);
  if (!manifest) return undefined;
  // Manifests name the prompt relative to the project folder, which holds the store.
  const promptPath = manifest.prompt ? path.resolve(store.folder, manifest.prompt.path) : undefined;
  const prompt = promptPath ? await loadPromptFile(promptPath, { root: store.folder }).then((p) => p.prompt, () => undefined) : undefined;
  const responses = await store.readResponses(runId);
  const checker = new StyleChecker(resolveStyle(project?.style, prompt?.adapt.style));
  const style = styleRun(responses, prompt?.adapt.output, checker);

  const questions = new Map<string, string>();
  const order = new Map<string, number>();
  const spec = project?.testSets.find((t) => t.id === manifest.testSet?.id);
  if (project && spec) {
    const wanted = new Set(responses.map((r) => r.exampleId));
    let i = 0;
    try {
      for await (const e of readExamples(testSetSource(project, spec), { maxProblems: 0 })) {
        order.set(e.id, i++);
        if (!wanted.has(e.id)) continue;
        const q = exampleFields(e, spec.fields).question;
        if (q !== undefined) questions.set(e.id, q);
      }
    } catch { /* the test set moved or cannot be read: show outputs without questions */ }
  }
  const candidates = new Map<string, CandidateOutputs>();
  for (const c of manifest.candidates) {
    const rs = style.responses.filter((r) => r.candidateId === c.id)
      .sort((a, b) => (order.get(a.exampleId) ?? Infinity) - (order.get(b.exampleId) ?? Infinity));
    const stats = style.byCandidate.get(c.id);
    if (stats) candidates.set(c.id, { candidateId: c.id, model: c.model, responses: rs, stats });
  }
  return { manifest, prompt, candidates, questions, order, verdicts: store.readVerdicts(runId) };
}

/** An example's block in an output document. */
export interface OutputBlock {
  exampleId: string;
  /** Offset of the block's heading line. */
  start: number;
  /** Offset of the answer text; finding offsets are relative to it. */
  answerStart: number;
  answerEnd: number;
  response: ResponseStyle;
}

/**
 * The text of the read-only document of one candidate's outputs: a heading, then one block per example
 * (id, question, answer verbatim). At most `cap` examples, so 10k-output runs stay responsive.
 */
export function outputDocument(run: RunOutputs, candidateId: string, cap = 2000): { text: string; blocks: OutputBlock[]; total: number } {
  const c = run.candidates.get(candidateId);
  const parts: string[] = [];
  const blocks: OutputBlock[] = [];
  let length = 0;
  const push = (s: string): void => { parts.push(s); length += s.length; };
  const m = run.manifest;
  const total = c?.responses.length ?? 0;
  push(`# Outputs of ${candidateId}${c ? ` (${c.model})` : ''}\n`);
  push(`# run ${m.runId} · prompt ${m.prompt ? path.basename(m.prompt.path) : '?'} · test set ${m.testSet?.id ?? '?'} · ${total} outputs${total > cap ? `, showing the first ${cap}` : ''}\n`);
  for (const r of (c?.responses ?? []).slice(0, cap)) {
    const start = length;
    push(`\n## ${r.exampleId}${r.idk ? '  (IDK)' : ''}${r.findings.length ? `  · ${r.findings.length} style finding${r.findings.length > 1 ? 's' : ''}` : ''}\n`);
    const q = run.questions.get(r.exampleId);
    if (q !== undefined) push(`Q: ${q.replace(/\s*\n\s*/g, ' ')}\n`);
    push('A: ');
    const answerStart = length;
    push(r.answer);
    blocks.push({ exampleId: r.exampleId, start, answerStart, answerEnd: length, response: r });
    push('\n');
  }
  return { text: parts.join(''), blocks, total };
}

/** The verdicts of one output, by metric. */
export function verdictsOf(run: RunOutputs, candidateId: string, exampleId: string): VerdictRecord[] {
  const out: VerdictRecord[] = [];
  const seen = new Set<string>();
  for (const v of run.verdicts.values()) {
    if (v.candidateId === candidateId && v.exampleId === exampleId && !seen.has(v.metricId)) { seen.add(v.metricId); out.push(v); }
  }
  return out.sort((a, b) => a.metricId.localeCompare(b.metricId));
}
export { verdictKey };
