// `npm run bench` (second part): provider batch mode at scale. 100k requests × 1 model through the OpenAI batch
// path against the loopback Files + Batches server (its own process): client time and peak RSS to prepare and
// upload, and to ingest the results into the store. Targets: ≤ 60 s and ≤ 300 MB for 100k.
//   node --import tsx bench/batch.ts [--requests N]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import type { BatchScenarioResult } from './batchScenario';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '100000' } } });
const n = Number(values.requests);
const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'out', 'bench', 'batchScenario.js');

async function main(): Promise<void> {
  await esbuild.build({
    entryPoints: [path.join(root, 'bench', 'batchScenario.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs',
    target: 'node22', minify: true, logLevel: 'warning', mainFields: ['module', 'main'],
  });
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/servers/batchMain.ts'), '{}'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { url, control } = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: server.stdout! }).once('line', resolve))) as { url: string; control: string };
  try {
    const client = spawn(process.execPath, ['--max-semi-space-size=4', bundle, JSON.stringify({ n, url })], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    client.stdout!.setEncoding('utf8').on('data', (s: string) => { out += s; });
    const code = await new Promise((r) => client.once('exit', r));
    if (code !== 0) throw new Error(`batch scenario exited with ${code}`);
    const r = JSON.parse(out.trim().split('\n').pop()!) as BatchScenarioResult;
    const stats = await (await fetch(control)).json() as { processed: number; processedByKey: number; batchesCreated: number };
    const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
    console.log(`\nbatch mode, ${n.toLocaleString('en')} requests × 1 model (OpenAI Batch API on loopback)`);
    console.log(`  prepare + upload: ${(r.submitMs / 1000).toFixed(1)} s   ingest: ${(r.ingestMs / 1000).toFixed(1)} s   total: ${(r.totalMs / 1000).toFixed(1)} s (target ≤ 60 s)`);
    console.log(`  peak RSS ${mb(r.peakRss)} MB (target ≤ 300 MB)   rows stored ${r.rows}   jobs ${r.jobs}   requests paid ${stats.processed}, at most ${stats.processedByKey}× each`);
    if (r.rows !== n || stats.processedByKey !== 1) { console.error('  FAILED: rows lost or a request paid twice'); process.exitCode = 1; }
    console.log(`  then, in the same process, the end of an editor's run (the summary for the next comparison): ${(r.runEndMs / 1000).toFixed(1)} s, peak RSS ${mb(r.peakRssWithRunEnd)} MB`);
    if (!r.summarised) { console.error('  FAILED: the end of the run wrote no summary for the comparison'); process.exitCode = 1; }
  } finally { server.kill('SIGTERM'); }
}

main().catch((err) => { console.error(err); process.exit(1); });
