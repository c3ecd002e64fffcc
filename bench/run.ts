// `npm run bench`: throughput, CPU and memory of the runner against the loopback OpenAI server.
// 1000 examples × 3 models at 200 ms latency, concurrency 4 / 16 / 64; at 64 against a server capped at 20 in
// flight (429 beyond, without and with `retry-after: 1` / `retry-after-ms: 1000` as OpenAI and Azure send); and at
// 16 against a token bucket of 5 requests/s (50 examples × 3: 429s with exact retry-after-ms and x-ratelimit-*
// headers). Rate-limited rows must never be lost: "rows lost" is a failure in every scenario.
//
// Honest and isolated: the scenario code (bench/scenario.ts) is bundled with esbuild using the shipped CLI's
// settings and every scenario runs in a fresh `node` process (no tsx, no state or heap carried over from the
// previous scenario); the server runs in a process of its own, so CPU and RSS are the client's alone.
//   npm run bench -- [--examples N] [--only c4,c16,c64,cap20,cap20-ra,bucket5] [--latency MS] [--repeat K]
//                    [--transport node|fetch] (the CLI's node:http transport, default, or the editor's global fetch)
//                    [--profile DIR] (node --cpu-prof into DIR) [--node-flags "--flag …"] (extra flags for the client)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { spawnMockServer } from '../test/servers/child';
import type { ScenarioArgs, ScenarioResult } from './scenario';
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore -- a plain .mjs module shared with esbuild.mjs
import { cliLauncher } from '../scripts/cliLauncher.mjs';

const { values } = parseArgs({
  options: {
    examples: { type: 'string', default: '1000' }, only: { type: 'string' }, latency: { type: 'string', default: '200' },
    repeat: { type: 'string', default: '1' }, profile: { type: 'string' }, 'node-flags': { type: 'string', default: '--max-semi-space-size=4' },   // as dist/cli.js's shebang
    transport: { type: 'string', default: 'node' },
  },
});
const n = Number(values.examples);
const latencyMs = Number(values.latency);
const repeat = Math.max(1, Number(values.repeat));
interface Scenario { name: string; concurrency: number; cap?: number; capRetryAfterS?: number; requestsPerSecond?: number; examples?: number }
const scenarios: Scenario[] = [
  { name: 'c4', concurrency: 4 }, { name: 'c16', concurrency: 16 }, { name: 'c64', concurrency: 64 },
  { name: 'cap20', concurrency: 64, cap: 20 }, { name: 'cap20-ra', concurrency: 64, cap: 20, capRetryAfterS: 1 },
  { name: 'bucket5', concurrency: 16, requestsPerSecond: 5, examples: 50 },
].filter((s) => !values.only || values.only.split(',').includes(s.name));

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'out', 'bench', 'scenario.js');

const cliBundle = path.join(root, 'out', 'bench', 'cliMain.js');
const cliLauncherFile = path.join(root, 'out', 'bench', 'cli.js');

/** Bundles the scenario, and the CLI with its launcher, like `esbuild.mjs --production` bundles dist/cli.js. */
async function build(): Promise<void> {
  const settings: esbuild.BuildOptions = {
    bundle: true, platform: 'node', format: 'cjs', target: 'node22', minify: true, sourcemap: 'linked', sourcesContent: false,
    mainFields: ['module', 'main'], logLevel: 'warning', logOverride: { 'import-is-undefined': 'error' },
  };
  await esbuild.build({ ...settings, entryPoints: [path.join(root, 'bench', 'scenario.ts')], outfile: bundle, keepNames: true });
  await esbuild.build({ ...settings, entryPoints: [path.join(root, 'src', 'cli', 'main.ts')], outfile: cliBundle });
  fs.writeFileSync(cliLauncherFile, (cliLauncher as (main: string) => string)('./cliMain.js'));
}

/**
 * CLI start-up: `prompt-adapt run --help` from process start to exit, median of 7, with the compile cache warm (as
 * from the second start on) and off (the very first start). Wall time and CPU (user + system) of the process.
 */
function startUp(): string {
  const measure = (env: NodeJS.ProcessEnv) => {
    const runs: { wall: number; cpu: number }[] = [];
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, '--max-semi-space-size=4', cliLauncherFile, 'run', '--help'], { env, encoding: 'utf8' });
      const wall = performance.now() - t0;
      const [u, s] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
      if (i > 0) runs.push({ wall, cpu: (u! + s!) * 1000 });   // the first run fills the cache
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    return `${(median(runs.map((r) => r.wall)) / 1000).toFixed(2)} s wall, ${median(runs.map((r) => r.cpu)).toFixed(0)} ms CPU`;
  };
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-cache-'));
  try {
    return `CLI start-up (run --help, minified bundle, median of 7): ${measure({ ...process.env, NODE_COMPILE_CACHE: cache })} with the compile cache; `
      + `${measure({ ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' })} without (first start)`;
  } finally { fs.rmSync(cache, { recursive: true, force: true }); }
}

function runScenario(args: ScenarioArgs): Promise<ScenarioResult> {
  const flags = values['node-flags']!.split(/\s+/).filter(Boolean);
  if (values.profile) flags.push('--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profile)}`, `--cpu-prof-name=${args.name}-${Date.now()}.cpuprofile`);
  const child = spawn(process.execPath, [...flags, bundle, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line) reject(new Error(`scenario ${args.name} exited with ${code}`)); else resolve(JSON.parse(line) as ScenarioResult);
    });
  });
}

const pct = (x: number) => `${x.toFixed(1)}%`;
const mb = (b: number) => (b / 2 ** 20).toFixed(0);

async function main(): Promise<void> {
  await build();
  console.log(startUp());
  const server = await spawnMockServer('openai', { latencyMs });
  console.log(`bench: ${n} examples × 3 models, ${latencyMs} ms latency, node ${process.version}, bundled client (${path.relative(root, bundle)}) in a fresh process per scenario`
    + `${values['node-flags'] ? ` with ${values['node-flags']}` : ''}, server in its own process, ${values.transport} transport`);
  console.log(`machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (wall-clock figures need idle CPUs; CPU ms/req is steadier)`);
  console.log('headline: "% of limit" = rows / wall time of the whole run (ramp-up and tail included) / (concurrency or cap ÷ latency);');
  console.log('          "steady" = rate between the 10th and 90th percentile row, for reference only. CPU and RSS: client process only.\n');
  const head = ['scenario', 'limit/s', 'got/s', '% of limit', 'steady', 'CPU ms/req', 'peak RSS MB', 'rows lost', 'double req', '429s', 'wall s', 'first row ms', 'srv max in flight', 'RSS before MB', 'CPU incl. start ms/req', 'lat p50/p99 ms', 'load avg'];
  const table: string[][] = [];
  const print = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(head[i]!.length) : c.padStart(head[i]!.length))).join('  '));
  print(head);
  try {
    for (const s of scenarios) {
      for (let k = 0; k < repeat; k++) {
        await server.setBehavior({
          latencyMs, ...(s.cap ? { maxInFlight: s.cap } : {}), ...(s.capRetryAfterS ? { capRetryAfterS: s.capRetryAfterS, capRetryAfterMs: s.capRetryAfterS * 1000 } : {}),
          ...(s.requestsPerSecond ? { requestsPerSecond: s.requestsPerSecond } : {}),
        });
        await server.resetStats();
        const examples = values.examples === '1000' && s.examples ? s.examples : n;
        const r = await runScenario({ name: s.name, concurrency: s.concurrency, n: examples, url: server.url, transport: values.transport as 'node' | 'fetch' });
        const stats = await server.stats();
        const limit = Math.min((s.cap ?? s.concurrency) / (latencyMs / 1000), s.requestsPerSecond ?? Infinity);
        const got = r.rows / (r.wallMs / 1000);
        const steady = r.t90 > r.t10 ? (0.8 * r.rows) / ((r.t90 - r.t10) / 1000) : got;
        const row = [s.name, limit.toFixed(0), got.toFixed(1), pct((100 * got) / limit), pct((100 * steady) / limit), (r.runCpuUs / 1000 / r.rows).toFixed(2),
          mb(r.peakRss), String(r.expected - r.rows), String(Math.max(0, stats.completions - r.rows)), String(stats.rateLimited), (r.wallMs / 1000).toFixed(2),
          r.first.toFixed(0), String(stats.maxInFlightSeen), mb(r.rssBefore), (r.processCpuUs / 1000 / r.rows).toFixed(2),
          `${r.latP50}/${r.latP99}`, os.loadavg()[0]!.toFixed(1)];
        table.push(row);
        print(row);
      }
    }
  } finally {
    await server.stop();
  }
  if (values.profile) console.log(`\nCPU profiles in ${path.resolve(values.profile)} (open in Chrome DevTools or VS Code).`);
  fs.mkdirSync(path.join(root, 'out', 'bench'), { recursive: true });
  fs.writeFileSync(path.join(root, 'out', 'bench', 'last.json'), JSON.stringify({ node: process.version, n, latencyMs, flags: values['node-flags'], head, table }, null, 2));
}

void main();
