// `npm run bench` (third part): item-level statistics at scale. `prompt-adapt stats compare --batch` on 10,000
// datasets of n = 300 paired questions at S = 10⁴ draws (issue 12: under 60 s, streamed in constant memory).
// The datasets are seeded and mixed like real use: labels on both systems (ppi++ with Rogan-Gladen beside it),
// pooled labels across the two (Rogan-Gladen), labels on one system only, and too few labels (no estimate), with
// IDK on either side. The CLI is bundled like dist/cli.js and runs in a fresh process; wall time and peak RSS.
//   node --import tsx bench/statsBatch.ts [--datasets N] [--n 300] [--draws 10000] [--profile DIR] (node --cpu-prof into DIR)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { Rng } from '../src/core/stats/random';

const { values } = parseArgs({ options: { datasets: { type: 'string', default: '10000' }, n: { type: 'string', default: '300' }, draws: { type: 'string', default: '10000' }, profile: { type: 'string' } } });
const datasets = Number(values.datasets);
const n = Number(values.n);
const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'out', 'bench', 'statsCli.js');

/** One system's outputs: IDK with probability `idk`, else correct with `acc`, judged by a judge with (0.9, 0.2). */
function outputs(rng: Rng, truth: Uint8Array, idk: number): { states: string; truth: Uint8Array } {
  let s = '';
  const correct = new Uint8Array(truth.length);
  for (let i = 0; i < truth.length; i++) {
    if (rng.uniform() < idk) { s += 'i'; continue; }
    correct[i] = truth[i]!;
    s += rng.uniform() < (truth[i] ? 0.9 : 0.2) ? '1' : '0';
  }
  return { states: s, truth: correct };
}

/** Labels on `count` random answered outputs of one system (the human label is the truth). */
function labels(rng: Rng, system: string, o: { states: string; truth: Uint8Array }, count: number): [string, number, number][] {
  const answered = [...o.states].flatMap((c, i) => (c === 'i' ? [] : [i]));
  const out: [string, number, number][] = [];
  for (let k = 0; k < count && answered.length > 0; k++) {
    const i = answered.splice(Math.floor(rng.uniform() * answered.length), 1)[0]!;
    out.push([system, i, o.truth[i]!]);
  }
  return out;
}

/** The input file: four label designs in turn, IDK on either side. */
function writeInput(file: string): void {
  const rng = new Rng(12);
  const fd = fs.openSync(file, 'w');
  const designs = [[60, 60], [100, 0], [0, 100], [70, 70]] as const;
  for (let d = 0; d < datasets; d++) {
    const truthA = new Uint8Array(n);
    const truthB = new Uint8Array(n);
    for (let i = 0; i < n; i++) { truthA[i] = rng.uniform() < 0.7 ? 1 : 0; truthB[i] = rng.uniform() < (truthA[i] ? 0.9 : 0.4) ? 1 : 0; }
    const a = outputs(rng, truthA, d % 3 === 1 ? 0.3 : 0.05);
    const b = outputs(rng, truthB, d % 3 === 2 ? 0.3 : 0.05);
    const [la, lb] = designs[d % designs.length]!;
    fs.writeSync(fd, `${JSON.stringify({ id: `d${d}`, baseline: a.states, candidate: b.states, labels: [...labels(rng, 'baseline', a, la), ...labels(rng, 'candidate', b, lb)] })}\n`);
  }
  fs.closeSync(fd);
}

async function main(): Promise<void> {
  await esbuild.build({
    entryPoints: [path.join(root, 'src', 'cli', 'main.ts')], outfile: cli, bundle: true, platform: 'node', format: 'cjs', target: 'node22', minify: !values.profile,
    mainFields: ['module', 'main'], logLevel: 'warning',
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-stats-'));
  const file = path.join(dir, 'datasets.jsonl');
  try {
    writeInput(file);
    const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
    const t0 = performance.now();
    const profile = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profile)}`] : [];
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', process.execPath, '--max-semi-space-size=4', ...profile, cli, 'stats', 'compare', '--batch', file, '--draws', String(values.draws), '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    const verdicts = new Map<string, number>();
    let tail = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      const parts = (tail + s).split('\n');
      tail = parts.pop()!;
      for (const p of parts) { lines++; const v = (JSON.parse(p) as { verdict: string }).verdict; verdicts.set(v, (verdicts.get(v) ?? 0) + 1); }
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
    const code = await new Promise((r) => child.once('exit', r));
    const wall = (performance.now() - t0) / 1000;
    const [rssKb, user, sys] = err.trim().split('\n').pop()!.split(' ').map(Number);
    console.log(`\nstats compare --batch: ${datasets.toLocaleString('en')} datasets of n = ${n} at S = ${Number(values.draws).toLocaleString('en')} draws (load average before: ${load})`);
    console.log(`  ${wall.toFixed(1)} s wall (target < 60 s), ${(user! + sys!).toFixed(1)} s CPU, peak RSS ${(rssKb! / 1024).toFixed(0)} MB, ${lines} results: `
      + [...verdicts].map(([v, k]) => `${v} ${k}`).join(', '));
    if (code !== 0 || lines !== datasets) { console.error(`  FAILED: exit ${String(code)}, ${lines} of ${datasets} results\n${err}`); process.exitCode = 1; }
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

main().catch((err) => { console.error(err); process.exit(1); });
