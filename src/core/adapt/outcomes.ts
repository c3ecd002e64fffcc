// What a prompt did on the target candidate, example by example, read from the store the way the comparison
// reads it (latest output per example, the primary metric's verdict on exactly that output, human labels by
// output hash, style findings on the answer). The split, the optimisation-part objectives and the failure
// sample for `reflect` are all computed from these.
import * as path from 'node:path';
import { parseOutput } from '../answer/parse';
import { ComparisonStore, labelKey, runsByPrompt, type CombinedLabel } from '../compare/gather';
import type { ProjectFile, TestSetSpec } from '../project/types';
import type { PromptFile } from '../prompt/types';
import type { Store } from '../store/store';
import { StyleChecker } from '../style/check';
import { resolveStyle } from '../style/config';

/** One example's outcome for (prompt, candidate). */
export interface Outcome {
  exampleId: string;
  output: string;
  answer: string;
  idk: boolean;
  schemaValid: boolean;
  schemaReason?: string;
  verdict?: 0 | 1 | null;
  reasoning?: string;
  label?: CombinedLabel;
  /** Style rule ids with a finding on the (answered) output. */
  styleRules: string[];
}

/** Outcomes by candidate id, then example id (examples without an output are absent). */
export type OutcomesByCandidate = Map<string, Map<string, Outcome>>;

/** The outcomes of `prompt` on every candidate it ran on over one test set. */
export async function readOutcomes(store: Store, project: ProjectFile, prompt: PromptFile, spec: TestSetSpec): Promise<OutcomesByCandidate> {
  const dir = path.dirname(project.path);
  const runs = runsByPrompt(dir, spec.id, await store.listRuns()).get(path.resolve(prompt.path)) ?? [];
  const reader = new ComparisonStore(store);
  const byCandidate = (await reader.latestOutputs(prompt.path, runs)).byCandidate;
  const metricId = project.decision.primaryMetric ?? project.metrics[0]?.id;
  const verdicts = reader.verdictIndex(runs.map((m) => m.runId), metricId);
  const labels = await reader.labelIndex(spec.id);
  const checker = new StyleChecker(resolveStyle(project.style, prompt.adapt.style));
  const all: OutcomesByCandidate = new Map();
  for (const [candidateId, chosen] of byCandidate) {
    const out = new Map<string, Outcome>();
    all.set(candidateId, out);
    for (const c of chosen.values()) {
    const { r } = c;
    if (r.error || typeof r.output !== 'string') continue;
    const parsed = parseOutput(r.output, prompt.adapt.output);
    const v = verdicts.verdictFor(c);
    const styleRules = parsed.idk ? [] : [...new Set(checker.check(parsed.answer).map((f) => f.ruleId))];
    out.set(r.exampleId, {
      exampleId: r.exampleId, output: r.output, answer: parsed.answer, idk: parsed.idk, schemaValid: parsed.schemaValid,
      ...(parsed.reason ? { schemaReason: parsed.reason } : {}), verdict: v?.verdict, ...(v?.reasoning ? { reasoning: v.reasoning } : {}),
      ...(r.outputHash && labels.has(labelKey(r.outputHash, r.exampleId)) ? { label: labels.get(labelKey(r.outputHash, r.exampleId)) } : {}),
      styleRules,
    });
    }
  }
  return all;
}

/** Share of outcomes (among `ids` that have one) with each style rule's finding, over answered outputs. */
export function styleRates(outcomes: ReadonlyMap<string, Outcome>, ids: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  let answered = 0;
  for (const id of ids) {
    const o = outcomes.get(id);
    if (!o || o.idk) continue;
    answered++;
    for (const r of o.styleRules) counts[r] = (counts[r] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n / Math.max(1, answered)]));
}
