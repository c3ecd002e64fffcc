// `npm run bench` (last part): the comparison of 100k paired questions (baseline and one candidate, judged, with
// 200 human labels each) from a store on disk, in a fresh process: store open + comparison. Target: ≤ 2 s.
//   node --import tsx bench/compare.ts [--questions N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { DEFAULT_SYSTEMS, makeCompareFixture } from '../test/unit/compare/fixture';
import type { CompareScenarioResult } from './compareScenario';

const { values } = parseArgs({ options: { questions: { type: 'string', default: '100000' } } });
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
    const r = spawnSync(process.execPath, ['--max-semi-space-size=4', bundle, f.project], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`compare scenario exited with ${r.status}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as CompareScenarioResult;
    console.log(`\ncomparison, ${n.toLocaleString('en')} paired questions (baseline + 1 candidate, judged, 200 labels each)`);
    console.log(`  store open + comparison: ${(out.ms / 1000).toFixed(2)} s (target ≤ 2 s)   peak RSS ${(out.peakRss / 1024 / 1024).toFixed(0)} MB   questions ${out.n}, systems ${out.systems}`);
    if (out.n !== n) { console.error('  FAILED: not every question was compared'); process.exitCode = 1; }
    else if (out.ms > 2000) console.error('  NOT MET: over the 2 s target');
  } finally { fs.rmSync(f.dir, { recursive: true, force: true }); }
}

main().catch((err) => { console.error(err); process.exit(1); });
