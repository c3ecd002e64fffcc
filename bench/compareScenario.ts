// The client side of the comparison benchmark, in a fresh process (bundled by bench/compare.ts like the CLI):
// opens the store of the project and compares baseline and candidate over every question, as `prompt-adapt
// compare` and the panel do. Prints one JSON line: time, questions compared, peak RSS.
import fs from 'node:fs';
import { buildComparison } from '../src/core/compare';
import { ComparisonStore } from '../src/core/compare/gather';
import type { SummaryUse } from '../src/core/compare/runSummary';
import { Store } from '../src/core/store/store';

export interface CompareScenarioResult {
  ms: number; n: number; peakRss: number; systems: number;
  /** User + system CPU time of the process up to the end of the comparison (start-up included). */
  cpuMs: number;
  /** Runs read from their summaries, read in full, and summaries written (responses, verdicts). */
  summaries: SummaryUse;
}

async function main(): Promise<void> {
  const project = process.argv[2]!;
  const t0 = performance.now();
  const store = new ComparisonStore(Store.openForProject(project));
  const report = await buildComparison(project, {}, store);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage();
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  const out: CompareScenarioResult = { ms, n: report.testSets[0]?.n ?? 0, peakRss: m ? Number(m[1]) * 1024 : 0, systems: report.testSets[0]?.rows.length ?? 0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    summaries: store.summaries };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => { console.error(err); process.exit(1); });
