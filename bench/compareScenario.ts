// The client side of the comparison benchmark, in a fresh process (bundled by bench/compare.ts like the CLI):
// `compare` opens the store of the project and compares baseline and candidate over every question, as `prompt-adapt
// compare` and the panel do; `run-end` and `judge-end` are the steps that end a run and its judging
// (src/core/compare/runEnd.ts): they build each run's summary of its responses, of its verdicts. Prints one JSON line: time, questions compared, peak RSS, what was done with summaries.
import fs from 'node:fs';
import { buildComparison } from '../src/core/compare';
import { ComparisonStore } from '../src/core/compare/gather';
import { summariseRun } from '../src/core/compare/runEnd';
import type { SummaryUse } from '../src/core/compare/runSummary';
import { loadProjectFile } from '../src/core/project/parseProject';
import { Store } from '../src/core/store/store';
import type { SummaryOf } from '../src/core/store/summary';

export interface CompareScenarioResult {
  ms: number; n: number; peakRss: number; systems: number;
  /** User + system CPU time of the process up to the end of the step (start-up included). */
  cpuMs: number;
  /** Runs read from their summaries, read in full, and summaries written (responses, verdicts). */
  summaries: SummaryUse;
}

async function compare(project: string): Promise<Pick<CompareScenarioResult, 'n' | 'systems' | 'summaries'>> {
  const store = new ComparisonStore(Store.openForProject(project));
  const report = await buildComparison(project, {}, store);
  return { n: report.testSets[0]?.n ?? 0, systems: report.testSets[0]?.rows.length ?? 0, summaries: store.summaries };
}

/** What the end of each run (`responses`) or of its judging (`verdicts`) does (RunSession.run, judgeStoredRun). */
async function runEnd(projectPath: string, of: SummaryOf): Promise<Pick<CompareScenarioResult, 'n' | 'systems' | 'summaries'>> {
  const { project } = await loadProjectFile(projectPath);
  const store = Store.openForProject(project);
  const summaries: SummaryUse = { read: 0, fullReads: 0, written: 0, verdictsRead: 0, verdictsWritten: 0 };
  for (const m of await store.listRuns()) await summariseRun(store, project, m.runId, of, summaries);
  return { n: 0, systems: 0, summaries };
}

async function main(): Promise<void> {
  const [project, step = 'compare'] = process.argv.slice(2) as [string, string?];
  const t0 = performance.now();
  const done = await (step === 'compare' ? compare(project) : runEnd(project, step === 'judge-end' ? 'verdicts' : 'responses'));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage();
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  const out: CompareScenarioResult = { ms, peakRss: m ? Number(m[1]) * 1024 : 0, cpuMs: (cpu.user + cpu.system) / 1000, ...done };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => { console.error(err); process.exit(1); });
