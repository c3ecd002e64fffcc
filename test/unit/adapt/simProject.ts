// A copy of the bundled example in a temporary folder, its baseline prompt run and judged against the simulated
// model server on 127.0.0.1 through the real openai SDK: the starting point of the adaptation tests.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AdaptServices } from '../../../src/core/adapt/runParts';
import { judgeStoredRun } from '../../../src/core/metrics/judgeStoredRun';
import { loadProjectFile } from '../../../src/core/project/parseProject';
import type { ProjectFile } from '../../../src/core/project/types';
import { parsePromptYml } from '../../../src/core/prompt/parsePromptYml';
import type { EndpointsConfig } from '../../../src/core/providers/endpoints';
import type { ModelProvider } from '../../../src/core/providers/provider';
import { createProvider } from '../../../src/core/providers/registry';
import { buildProjectPlan } from '../../../src/core/runner/projectPlan';
import { runPlan } from '../../../src/core/runner/runner';
import { Store } from '../../../src/core/store/store';
import type { SimulatedServer } from '../../../scripts/demo/simulatedModelServer';

export const EXAMPLE = path.resolve(__dirname, '../../../examples/support-qa');

export interface SimProject {
  dir: string;
  file: string;
  endpoints: EndpointsConfig;
  getProvider(id: string): Promise<ModelProvider>;
  load(): Promise<ProjectFile>;
  /** Runs a prompt (on the candidates named, else on those it is run on by default) and judges the run; returns the candidates run. */
  runAndJudge(p: ProjectFile, promptFile: string, candidateIds?: string[]): Promise<string[]>;
}

/**
 * Copies the example (without runs, cache or adaptations). `edit` changes the project text; latency is never
 * judged (a loaded test machine says nothing about a prompt).
 */
export function simProject(server: SimulatedServer, edit: (yml: string) => string = (y) => y, maxConcurrency = 16): SimProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'adapt-test-'));
  fs.cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/\.prompt-adapt[\\/](runs|cache|adaptations)/u.test(src) });
  const file = path.join(dir, 'prompt-adapt.yml');
  fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8').replace(/maxLatencyRatio: [\d.]+/u, 'maxLatencyRatio: 1000')));
  const endpoints: EndpointsConfig = { demo: { kind: 'openai', baseURL: server.url, maxConcurrency } };
  const made = new Map<string, Promise<ModelProvider>>();
  const getProvider = (id: string): Promise<ModelProvider> => {
    if (!made.has(id)) made.set(id, createProvider(id, endpoints[id]!, { secrets: { getKey: async () => 'sim-key' } }));
    return made.get(id)!;
  };
  const load = async (): Promise<ProjectFile> => {
    const { project, problems } = await loadProjectFile(file);
    assert.deepEqual(problems.filter((x) => x.severity === 'error'), []);
    return project;
  };
  const runAndJudge = async (p: ProjectFile, promptFile: string, candidateIds?: string[]): Promise<string[]> => {
    const text = fs.readFileSync(promptFile, 'utf8');
    const built = await buildProjectPlan({ project: p, prompt: parsePromptYml(text, promptFile).prompt, promptText: text, testSetId: 'support', candidateIds });
    const store = Store.openForProject(p);
    const run = await runPlan(built.plan, { store, endpoints, getProvider });
    await judgeStoredRun({ project: p, store, runId: run.runId, endpoints, getProvider });
    return built.candidates.map((c) => c.id);
  };
  return { dir, file, endpoints, getProvider, load, runAndJudge };
}

/** Only sim-baseline and sim-verbose, under Rogan–Gladen (half the labels of two candidates are too few for auto's checks). */
export const twoCandidates = (yml: string): string => yml.replace(/\n {2}- \{ id: sim-(fast|cheap|loose|slow|tiny),[^}]*\}[^}]*\}/gu, '')
  .replace(/estimator: [\w+-]+/u, 'estimator: rogan-gladen');

/** The services an adaptation needs, for a project whose baseline prompt has been run and judged. */
export async function services(s: SimProject, log: (line: string) => void = () => undefined): Promise<AdaptServices & { promptPath: string }> {
  const project = await s.load();
  return { project, store: Store.openForProject(project), endpoints: s.endpoints, getProvider: s.getProvider, log, promptPath: path.join(s.dir, 'prompts/support.prompt.yml') };
}
