// The plan for "run this prompt on these candidates over this test set of the project": shared by the
// CLI's project form and the editor's Run command so both resume the same runs and hit the same cache.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { UserError } from '../errors';
import type { Problem } from '../problems';
import { countRows, readExamples, testSetSource, type TestSetSource } from '../project/testSet';
import type { Candidate, Example, FieldMapping, ProjectFile, TestSetSpec } from '../project/types';
import { exampleValues, mappedVariables, renderMessages } from '../prompt/render';
import type { PromptFile } from '../prompt/types';
import type { EndpointsConfig } from '../providers/endpoints';
import { candidateParameterProblems } from '../providers/registry';
import { Store } from '../store/store';
import { planItems, planKey, type PlanCandidate, type RunPlan } from './plan';
import { refuseOnErrors, renderBlockers } from './preflight';
import { runInputs } from './runInputs';

/** `file` relative to the project file's folder, with `/` separators (absolute when on another drive). */
export function projectRelative(project: Pick<ProjectFile, 'path'>, file: string): string {
  const rel = path.relative(path.dirname(project.path), path.resolve(file));
  return path.isAbsolute(rel) ? rel : rel.split(path.sep).join('/');
}

/** Renders an example; a missing variable makes a render error (recorded on the row, never sent). */
export function exampleRenderer(prompt: PromptFile, mapping: FieldMapping | undefined): (e: Example) => { messages: ReturnType<typeof renderMessages>['messages'] } | { error: string } {
  const mapped = mappedVariables(mapping);
  return (e) => {
    const r = renderMessages(prompt.messages, exampleValues(e.fields, mapping), mapped);
    return r.missing.length ? { error: `no value for ${r.missing.map((m) => `{{${m}}}`).join(', ')}` } : { messages: r.messages };
  };
}

/** The prompt file a candidate is paired with in the comparison (absolute): its own `prompt`, else the baseline prompt. */
export function candidatePromptPath(project: ProjectFile, c: Candidate): string | undefined {
  const own = c.prompt ?? project.baseline?.prompt;
  return own === undefined ? undefined : path.resolve(path.dirname(project.path), own);
}

/**
 * The candidates a prompt is run on when none are named: every candidate paired with that prompt, and every
 * candidate without a prompt of its own (running a new variant on them is how variants are compared). A
 * candidate adopted with another prompt is left out: its row uses only that prompt's outputs.
 */
export function candidatesForPrompt(project: ProjectFile, promptPath: string): Candidate[] {
  const target = path.resolve(promptPath);
  return project.candidates.filter((c) => c.prompt === undefined || candidatePromptPath(project, c) === target);
}

/** The test set and candidates a plan is for, resolved against the project, with clear errors. */
export function resolveSelection(project: ProjectFile, testSetId: string | undefined, candidateIds?: readonly string[], promptPath?: string): { spec: TestSetSpec; candidates: Candidate[] } {
  const have = (xs: { id: string }[]): string => xs.map((x) => x.id).join(', ') || 'none';
  if (!testSetId) throw new UserError(`Choose a test set (the project has: ${have(project.testSets)}).`);
  const spec = project.testSets.find((t) => t.id === testSetId);
  if (!spec) throw new UserError(`No test set '${testSetId}' in ${path.basename(project.path)} (it has: ${have(project.testSets)}).`);
  const candidates = candidateIds?.length ? candidateIds.map((id) => {
    const c = project.candidates.find((x) => x.id === id);
    if (!c) throw new UserError(`No candidate '${id}' in ${path.basename(project.path)} (it has: ${have(project.candidates)}).`);
    return c;
  }) : promptPath ? candidatesForPrompt(project, promptPath) : project.candidates;
  if (candidates.length === 0) {
    throw new UserError(project.candidates.length ? `Every candidate of ${path.basename(project.path)} is paired with another prompt: name the candidates to run this one on (--candidates).` : `${path.basename(project.path)} defines no candidates.`);
  }
  return { spec, candidates };
}

export interface ProjectPlan {
  plan: RunPlan;
  /** The project's store. */
  store: Store;
  source: TestSetSource;
  /** Rows in the test set (counted, bad rows included). */
  rows: number;
  candidates: Candidate[];
}

/**
 * Builds the plan prompt × candidates × test set. The plan key hashes the prompt's messages and parameters,
 * the test set and the candidates, so re-running an unchanged plan resumes its run.
 */
export async function buildProjectPlan(opts: {
  project: ProjectFile; prompt: PromptFile; promptText: string; testSetId: string | undefined; candidateIds?: readonly string[];
  onProblem?: (p: Problem) => void; signal?: AbortSignal;
  /** When given, a parameter a candidate's endpoint kind does not take refuses the plan before anything is sent. */
  endpoints?: EndpointsConfig;
}): Promise<ProjectPlan> {
  const { project, prompt } = opts;
  const { spec, candidates } = resolveSelection(project, opts.testSetId, opts.candidateIds, prompt.path);
  const refused = opts.endpoints ? candidateParameterProblems(candidates, prompt.modelParameters, opts.endpoints) : [];
  if (refused.length) throw new UserError(`Model parameters that cannot be sent:\n  ${refused.join('\n  ')}`);
  const source = testSetSource(project, spec);
  refuseOnErrors(await renderBlockers(prompt, spec, source));
  const rows = await countRows(source, opts.signal);
  const paramsFor = (c: PlanCandidate): Record<string, unknown> => ({ ...prompt.modelParameters, ...candidates.find((x) => x.id === c.id)?.params });
  const promptHash = createHash('sha256').update(opts.promptText).digest('hex').slice(0, 16);
  const plan: RunPlan = {
    planKey: planKey(['project', projectRelative(project, prompt.path), promptHash, spec.id, spec.fields, candidates.map((c) => [c.id, c.endpoint, c.model, c.params])]),
    // Paths relative to the project file, so a store still belongs to its prompts after the project is cloned or moved.
    candidates, total: rows * candidates.length, prompt: { path: projectRelative(project, prompt.path), name: prompt.name },
    testSet: { id: spec.id, path: projectRelative(project, source.path) },
    inputs: await runInputs({ promptText: opts.promptText, testSetFile: source.path, spec, candidates }),
    items: planItems(readExamples(source, { onProblem: opts.onProblem, signal: opts.signal }), candidates, exampleRenderer(prompt, spec.fields), paramsFor),
  };
  return { plan, store: Store.openForProject(project), source, rows, candidates };
}
