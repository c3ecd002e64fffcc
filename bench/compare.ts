// `npm run bench` (last part): the comparison of 100k paired questions (baseline and one candidate, judged, with
// 200 human labels each) from a store on disk, in a fresh process: store open + comparison. Target: ≤ 2 s.
// In the order a user meets them: the end of the run and of its judging (it builds the run's summaries: part of the
// run's cost), the comparison right after (it reads them, checking the files' sha256 as they have only just changed),
// the next comparisons; and, as an extra line, a first comparison with no summaries (it reads every line).
//   node --import tsx bench/compare.ts [--questions N] [--repeat N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
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
    // Each file as the run (responses) and then its judging (verdicts) leave it, just written, and the step that ends each.
    const runs = fs.readdirSync(path.join(f.root, 'runs')).map((id) => path.join(f.root, 'runs', id));
    const sources = runs.flatMap((dir) => [path.join(dir, 'responses.jsonl'), path.join(dir, 'verdicts.jsonl')]);
    const ends = (['run-end', 'judge-end'] as const).map((step) => {
      for (const dir of runs) { const file = path.join(dir, step === 'run-end' ? 'responses.jsonl' : 'verdicts.jsonl'); fs.writeFileSync(file, fs.readFileSync(file)); }
      return scenario(f.project, step);
    });
    const checked = hashChecked(sources);
    const right = scenario(f.project);
    const next = Array.from({ length: Number(values.repeat) }, () => scenario(f.project));
    for (const file of sources) for (const summary of ['compare-summary.json', 'verdict-summary.json']) fs.rmSync(path.join(path.dirname(file), summary), { force: true });
    const first = scenario(f.project);

    const line = (out: CompareScenarioResult): string => `${(out.ms / 1000).toFixed(2)} s, ${(out.cpuMs / 1000).toFixed(2)} s CPU, peak RSS ${(out.peakRss / 1024 / 1024).toFixed(0)} MB`;
    const use = (u: CompareScenarioResult['summaries']): string => `responses: ${u.read} from summaries, ${u.fullReads} read in full, ${u.written} summaries written; verdicts: ${u.verdictsRead} from summaries, ${u.verdictsWritten} written`;
    console.log(`\ncomparison, ${n.toLocaleString('en')} paired questions (baseline + 1 candidate, judged, 200 labels each); store open + comparison`);
    console.log(`  end of the run (builds its responses' summary; part of the run's cost):       ${line(ends[0]!)}   (${use(ends[0]!.summaries)})`);
    console.log(`  end of the judging (builds its verdicts' summary; part of the judging's cost): ${line(ends[1]!)}   (${use(ends[1]!.summaries)})`);
    console.log(`  comparison right after the run (reads the summaries):                           ${line(right)} (target ≤ 2 s)   (${use(right.summaries)})`);
    console.log(`    ${checked ? 'the summaries were made before the files settled: this comparison checked the files\' sha256' : 'NOTE: the files had settled before the run\'s end step read them (a loaded machine): no sha256 was checked'}`);
    for (const out of next) console.log(`  next comparison (reads the summaries):                                         ${line(out)} (target ≤ 2 s)   (${use(out.summaries)})`);
    console.log(`  first comparison with no summaries (reads every line, writes the summaries):  ${line(first)}   (${use(first.summaries)})`);
    const afterRun = [right, ...next];
    if ([...afterRun, first].some((out) => out.n !== n)) { console.error('  FAILED: not every question was compared'); process.exitCode = 1; }
    else if (afterRun.some((out) => out.summaries.read !== 1 || out.summaries.verdictsRead !== 1)) { console.error('  FAILED: a comparison after the run did not read the run\'s summaries'); process.exitCode = 1; }
    else if (afterRun.some((out) => out.ms > 2000)) console.error('  NOT MET: over the 2 s target');
  } finally { fs.rmSync(f.dir, { recursive: true, force: true }); }
}

/** Whether every summary the run's end wrote records its source's sha256 (made before the files settled). */
function hashChecked(sources: readonly string[]): boolean {
  return sources.every((file) => {
    const summary = path.join(path.dirname(file), file.endsWith('responses.jsonl') ? 'compare-summary.json' : 'verdict-summary.json');
    try { return typeof (JSON.parse(fs.readFileSync(summary, 'utf8').split('\n', 1)[0]!) as { sourceSha256?: unknown }).sourceSha256 === 'string'; } catch { return false; }
  });
}

function scenario(project: string, step: 'compare' | 'run-end' | 'judge-end' = 'compare'): CompareScenarioResult {
  const r = spawnSync(process.execPath, ['--max-semi-space-size=4', bundle, project, step], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`compare scenario exited with ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as CompareScenarioResult;
}

main().catch((err) => { console.error(err); process.exit(1); });
