// The comparison a user sees right after a run or a judging pass (the panel refreshing, `prompt-adapt compare`) should
// read the run's summaries, not every line. So the end of judging builds both of a run's summaries, and the end of a
// run in the editor (`RunSession.run` given the project) the summary of its responses, with the very reads a
// comparison makes (`runOutputs`, `runVerdicts`): the bytes are those the comparison would have written. The files
// have only just changed, so the summaries record their sources' sha256 (see src/core/store/summary.ts), checked by
// the next read until the files have settled.
import * as path from 'node:path';
import type { ProjectFile } from '../project/types';
import { loadPromptFile } from '../prompt/load';
import type { PromptFile } from '../prompt/types';
import type { Store } from '../store/store';
import type { SummaryOf } from '../store/summary';
import { manifestPromptPath } from './gather';
import { hasRunSummary, OutputFactsReader, runOutputs, type SummaryUse } from './runSummary';
import { runVerdicts } from './verdictSummary';

/** A prompt file as the comparison reads it (undefined when it cannot be read: outputs are then read as plain text). */
export function comparedPrompt(projectDir: string, file: string): Promise<PromptFile | undefined> {
  return loadPromptFile(file, { root: projectDir }).then((x) => x.prompt, () => undefined);
}

/** The primary metric of a project's comparison (the one whose verdicts it reads). */
export const comparedMetric = (project: ProjectFile): string | undefined => project.decision.primaryMetric ?? project.metrics[0]?.id;

/**
 * Builds a run's summary of its responses or its verdicts as the next comparison of `project` would, unless a valid
 * one is there already. Runs the comparison never reads from a summary (no prompt, a style with regex rules, no
 * metric) are left alone. Never throws: a summary only saves time.
 */
export async function summariseRun(store: Store, project: ProjectFile, runId: string, of: SummaryOf, use?: SummaryUse): Promise<void> {
  try {
    if (of === 'verdicts') {
      const metricId = comparedMetric(project);
      if (metricId !== undefined) await runVerdicts(store, runId, metricId, () => undefined, use ?? newUse());
      return;
    }
    const m = await store.readManifest(runId);
    const promptPath = m && manifestPromptPath(path.dirname(project.path), m);
    if (!m || !promptPath || !m.testSet) return;
    const facts = OutputFactsReader.forPrompt(project, await comparedPrompt(path.dirname(project.path), promptPath));
    if (facts && !await hasRunSummary(store, m, facts)) await runOutputs(store, m, () => undefined, facts, use ?? newUse());
  } catch {
    // Nothing is lost: the next comparison reads the run in full and writes the summary itself.
  }
}

const newUse = (): SummaryUse => ({ read: 0, fullReads: 0, written: 0, verdictsRead: 0, verdictsWritten: 0 });
