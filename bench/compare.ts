// `npm run bench` (last part): the comparison of 100k paired questions (baseline and one candidate, judged, with
// 200 human labels each) from a store on disk, in a fresh process: store open + comparison. Target: ≤ 2 s.
// Two figures: the first comparison of a run (it reads every response and verdict line and writes the run's
// summaries) and the next ones (they read the summaries; the labels are read in full every time).
//   node --import tsx bench/compare.ts [--questions N] [--repeat N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { SETTLE_MS } from '../src/core/store/summary';
import { DEFAULT_SYSTEMS, makeCompareFixture } from '../test/unit/compare/fixture';
import type { CompareScenarioResult } from './compareScenario';

const { values } = parseArgs({ options: { questions: { type: 'string', default: '100000' }, repeat: { type: 'string', default: '2' } } });
const n = Number(values.questions);
const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'out', 'bench', 'compareScenario.js');

async function main(): Promise<void> {
  await esbuild.build({
    entryPoints: [path.join(root, 'bench', 'compareScenario.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs',
    target: 'node22', minify: true, logLevel: 'warning', mainFields: ['module', 'main'],
  });
  const f = makeCompareFixture({
    n, labelsPerSystem: 200, systems: { base: DEFAULT_SYSTEMS.base!, good: DEFAULT_SYSTEMS.good! }, decision: [],
    candidates: [
      '  - { id: base, endpoint: demo, model: base-1, price: { inputPerMTok: 1, outputPerMTok: 4 } }',
      '  - { id: good, endpoint: demo, model: good-1, price: { inputPerMTok: 0.5, outputPerMTok: 2 } }',
    ],
  });
  try {
    // A run's files are older than this by the time anyone compares; a summary is written only for settled files.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 100));
    const runs = Array.from({ length: 1 + Number(values.repeat) }, () => scenario(f.project));
    const [first, ...next] = runs;
    const line = (out: CompareScenarioResult): string => `${(out.ms / 1000).toFixed(2)} s, ${(out.cpuMs / 1000).toFixed(2)} s CPU, peak RSS ${(out.peakRss / 1024 / 1024).toFixed(0)} MB`;
    console.log(`\ncomparison, ${n.toLocaleString('en')} paired questions (baseline + 1 candidate, judged, 200 labels each); store open + comparison`);
    const use = (u: CompareScenarioResult['summaries']): string => `responses: ${u.read} from summaries, ${u.fullReads} read in full, ${u.written} summaries written; verdicts: ${u.verdictsRead} from summaries, ${u.verdictsWritten} written`;
    console.log(`  first comparison (reads every line, writes the run's summaries): ${line(first!)}   (${use(first!.summaries)})`);
    for (const out of next) console.log(`  next comparison (reads the summaries):                           ${line(out)} (target ≤ 2 s)   (${use(out.summaries)})`);
    if (runs.some((out) => out.n !== n)) { console.error('  FAILED: not every question was compared'); process.exitCode = 1; }
    else if (next.some((out) => out.summaries.read !== 1 || out.summaries.verdictsRead !== 1)) { console.error('  FAILED: the next comparison did not read the run summaries'); process.exitCode = 1; }
    else if (next.some((out) => out.ms > 2000)) console.error('  NOT MET: over the 2 s target');
  } finally { fs.rmSync(f.dir, { recursive: true, force: true }); }
}

function scenario(project: string): CompareScenarioResult {
  const r = spawnSync(process.execPath, ['--max-semi-space-size=4', bundle, project], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`compare scenario exited with ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as CompareScenarioResult;
}

main().catch((err) => { console.error(err); process.exit(1); });
