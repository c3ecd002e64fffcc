// Judging a stored run with the project's metrics: what `prompt-adapt judge` and the editor's Run command
// both do after the responses are in. Judge calls go through the runner (cache, resume, rate limits).
import * as path from 'node:path';
import { summariseRun } from '../compare/runEnd';
import { UserError } from '../errors';
import type { Problem } from '../problems';
import { readExamples, testSetSource } from '../project/testSet';
import type { MetricSpec, ProjectFile } from '../project/types';
import { loadPromptFile } from '../prompt/load';
import type { OutputSpec } from '../prompt/types';
import type { EndpointsConfig } from '../providers/endpoints';
import type { ModelProvider } from '../providers/provider';
import type { RunProgress } from '../runner/runner';
import { formatStoreProblem, type StoreProblem } from '../store/problems';
import type { ResponseRecord } from '../store/records';
import type { RunManifest } from '../store/runs';
import type { Store } from '../store/store';
import { exampleFields, judgeRun, type ExampleFields, type JudgeRunSummary } from './evaluate';
import { runnerJudgeBackend } from './runnerBackend';

export interface JudgeStoredRunOptions {
  project: ProjectFile;
  store: Store;
  runId: string;
  endpoints: EndpointsConfig;
  getProvider(endpointId: string): Promise<ModelProvider>;
  /** Metric ids to run (default: all of the project's). */
  metricIds?: readonly string[];
  rejudge?: boolean;
  concurrency?: number;
  /** Provider batch services for judges in batch or auto mode. */
  batch?: import('../runner/batchPhase').BatchRunOptions;
  signal?: AbortSignal;
  onProblem?(p: Problem): void;
  onProgress?(batch: string, p: RunProgress): void;
  /** Told once when the run's prompt has no output spec (outputs are then read as plain text). */
  onNote?(message: string): void;
  /** Told about each unreadable or edited line of the run's responses (those are not judged, or judged anew). */
  onStoreProblem?(p: StoreProblem): void;
}

/** The metrics to run, or a UserError naming an unknown id or a judge endpoint that is not defined. */
export function selectMetrics(project: ProjectFile, endpoints: EndpointsConfig, metricIds?: readonly string[]): MetricSpec[] {
  const have = project.metrics.map((x) => x.id).join(', ') || 'none';
  const metrics = metricIds?.length ? metricIds.map((id) => {
    const m = project.metrics.find((x) => x.id === id);
    if (!m) throw new UserError(`No metric '${id}' in ${path.basename(project.path)} (it has: ${have}).`);
    return m;
  }) : project.metrics;
  if (metrics.length === 0) throw new UserError(`${path.basename(project.path)} defines no metrics.`);
  for (const m of metrics) {
    if (m.kind !== 'judge') continue;
    for (const j of Array.isArray(m.judge) ? m.judge : [m.judge]) {
      if (!endpoints[j.endpoint]) throw new UserError(`Metric '${m.id}' judges with endpoint '${j.endpoint}', which is not defined.`, 'Define it with the other endpoints (user settings, or the CLI endpoints file).');
    }
  }
  return metrics;
}

/** Runs the metrics over a stored run; resumable (verdicts on unchanged outputs are kept unless `rejudge`). */
export async function judgeStoredRun(opts: JudgeStoredRunOptions): Promise<JudgeRunSummary> {
  const { project, store, runId } = opts;
  const manifest = await store.readManifest(runId);
  if (!manifest) throw new UserError(`No run '${runId}' in ${store.root}.`);
  const metrics = selectMetrics(project, opts.endpoints, opts.metricIds);
  let outputSpec: OutputSpec | undefined;
  if (manifest.prompt?.path) {
    const promptPath = path.resolve(path.dirname(project.path), manifest.prompt.path);
    outputSpec = (await loadPromptFile(promptPath, { root: path.dirname(project.path) }).catch(() => undefined))?.prompt.adapt.output;
    if (!outputSpec) opts.onNote?.(`no adapt.output in ${manifest.prompt.path}; outputs are read as plain text`);
  }
  const spec = project.testSets.find((t) => t.id === manifest.testSet?.id);
  if (!spec) throw new UserError(`The run's test set '${manifest.testSet?.id ?? '?'}' is not in ${path.basename(project.path)}.`);
  const examples = new Map<string, ExampleFields>();
  for await (const ex of readExamples(testSetSource(project, spec), { onProblem: opts.onProblem, signal: opts.signal })) {
    examples.set(ex.id, exampleFields(ex, spec.fields));
  }
  const backend = runnerJudgeBackend({ store, runId, endpoints: opts.endpoints, getProvider: opts.getProvider, concurrency: opts.concurrency, batch: opts.batch, onProgress: opts.onProgress });
  const summary = await judgeRun({ store, runId, responses: await readJudgedResponses(store, manifest, opts.onStoreProblem), examples, outputSpec, metrics, backend, rejudge: opts.rejudge, signal: opts.signal });
  // The comparison that follows reads the run from its summaries instead of every line.
  if (!opts.signal?.aborted) for (const of of ['responses', 'verdicts'] as const) await summariseRun(store, project, runId, of);
  return summary;
}

/** The run's responses (the last line per pair); a responses file that cannot be read at all is an error naming it. */
async function readJudgedResponses(store: Store, manifest: RunManifest, onProblem?: (p: StoreProblem) => void): Promise<ResponseRecord[]> {
  const byPair = new Map<string, ResponseRecord>();
  const fatal: StoreProblem[] = [];
  await store.forEachResponseChecked(manifest, (r) => { byPair.set(`${r.exampleId}\0${r.candidateId}`, r); }, (p) => {
    if (p.kind === 'not-a-file' || p.kind === 'too-large' || p.kind === 'unreadable-file') fatal.push(p); else onProblem?.(p);
  });
  if (fatal.length) throw new UserError(`Cannot judge run ${manifest.runId}: ${formatStoreProblem(fatal[0]!, store.folder)}.`);
  return [...byPair.values()];
}
