// One bench scenario in a process of its own: bundled by bench/run.ts with the shipped CLI's esbuild settings
// and run with plain `node` (no tsx), against a loopback server that runs in another process. Prints one JSON
// line (ScenarioResult) on stdout. Not meant to be run by hand: `npm run bench` does it.
//   node out/bench/scenario.js '{"name":"c64","concurrency":64,"n":1000,"url":"http://127.0.0.1:PORT/v1"}'
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProvider } from '../src/core/providers/registry';
import { planItems, planKey, type PlanCandidate } from '../src/core/runner/plan';
import { runPlan } from '../src/core/runner/runner';
import { forEachResponse } from '../src/core/store/runs';
import { Store } from '../src/core/store/store';

export interface ScenarioArgs { name: string; concurrency: number; n: number; url: string; transport?: 'node' | 'fetch' }

export interface ScenarioResult {
  name: string;
  /** Pairs in the plan and rows in responses.jsonl with an output. */
  expected: number;
  rows: number;
  errorRows: number;
  wallMs: number;
  /** Receive time (ms after the run started) of the 10th and 90th percentile row, first and last row. */
  t10: number; t90: number; first: number; last: number;
  /** CPU of this process during the run (user + system), µs; and over the whole process life. */
  runCpuUs: number; processCpuUs: number;
  /** VmHWM (peak resident set) of this process, and RSS just before the run, bytes. */
  peakRss: number; rssBefore: number;
  heapUsedAfter: number;
  /** Client-observed request latency (the rows' latencyMs), ms: median and 99th percentile. */
  latP50: number; latP99: number;
}

function vmHwm(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS * 1024;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]!) as ScenarioArgs;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-'));
  try {
    const candidates: PlanCandidate[] = ['model-a', 'model-b', 'model-c'].map((m) => ({ id: m, endpoint: 'bench', model: m, price: { inputPerMTok: 1, outputPerMTok: 4 } }));
    // Generated lazily, like examples streamed from a test-set file.
    function* examples() {
      for (let i = 0; i < a.n; i++) yield { id: `ex${i}`, line: i + 1, fields: { context: `Context paragraph ${i} `.repeat(20), question: `Question number ${i}?` } };
    }
    const endpoints = { bench: { kind: 'openai' as const, baseURL: a.url } };
    const provider = await createProvider('bench', endpoints.bench, { secrets: { getKey: async () => 'sk-bench' }, ...(a.transport === 'fetch' ? {} : { nodeHttpSockets: a.concurrency }) }); // SDK load is not part of the run
    const plan = {
      planKey: planKey(['bench', a.name]), candidates, total: a.n * candidates.length,
      items: planItems(examples(), candidates, (e) => ({ messages: [
        { role: 'system' as const, content: 'Answer from the context only.' },
        { role: 'user' as const, content: `Context: ${String(e.fields.context)}\nQuestion: ${String(e.fields.question)}` }] }), () => ({ temperature: 0, maxTokens: 100 })),
    };
    const expected = a.n * candidates.length;
    const times = new Float64Array(expected);
    let got = 0;
    const rssBefore = process.memoryUsage.rss();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runPlan(plan, {
      store: Store.openAt(root), endpoints, getProvider: async () => provider, concurrency: a.concurrency,
      onResponse: (x) => { if (x.output !== undefined && got < expected) times[got++] = performance.now() - t0; },
    });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const all = process.cpuUsage();
    const peakRss = vmHwm();
    const pairs = new Map<string, boolean>();
    const lat: number[] = [];
    await forEachResponse(root, r.runId, (x) => { pairs.set(`${x.exampleId}\0${x.candidateId}`, x.output !== undefined); if (x.latencyMs !== undefined) lat.push(x.latencyMs); });
    lat.sort((p, q) => p - q);
    let rows = 0, errorRows = 0;
    for (const ok of pairs.values()) if (ok) rows++; else errorRows++;
    const at = (q: number) => (got ? times[Math.min(got - 1, Math.floor(q * got))]! : 0);
    const result: ScenarioResult = {
      name: a.name, expected, rows, errorRows, wallMs, t10: at(0.1), t90: at(0.9), first: at(0), last: at(1),
      runCpuUs: cpu.user + cpu.system, processCpuUs: all.user + all.system, peakRss, rssBefore, heapUsedAfter: process.memoryUsage().heapUsed,
      latP50: lat[Math.floor(lat.length * 0.5)] ?? 0, latP99: lat[Math.floor(lat.length * 0.99)] ?? 0,
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => { console.error(err); process.exit(1); });
