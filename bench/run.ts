// `npm run bench`: throughput, CPU and memory of the runner against the loopback OpenAI server (in its own
// process, so only the client's CPU is counted). 1000 examples × 3 models at 200 ms latency, concurrency
// 4 / 16 / 64, and at 64 against a server capped at 20 in flight (429 beyond).
//   node --import tsx bench/run.ts [--examples N] [--only c4,c16,c64,cap20] [--latency MS]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createProvider } from '../src/core/providers/registry';
import { planItems, planKey, type PlanCandidate } from '../src/core/runner/plan';
import { runPlan } from '../src/core/runner/runner';
import { readResponses } from '../src/core/runner/store';
import { spawnMockServer } from '../test/servers/child';

const { values } = parseArgs({ options: { examples: { type: 'string', default: '1000' }, only: { type: 'string' }, latency: { type: 'string', default: '200' } } });
const n = Number(values.examples);
const latencyMs = Number(values.latency);
const scenarios = [
  { name: 'c4', concurrency: 4 }, { name: 'c16', concurrency: 16 }, { name: 'c64', concurrency: 64 },
  { name: 'cap20', concurrency: 64, cap: 20 },
].filter((s) => !values.only || values.only.split(',').includes(s.name));

async function main(): Promise<void> {
  const server = await spawnMockServer('openai', { latencyMs });
  const candidates: PlanCandidate[] = ['model-a', 'model-b', 'model-c'].map((m) => ({ id: m, endpoint: 'bench', model: m, price: { inputPerMTok: 1, outputPerMTok: 4 } }));
  const examples = Array.from({ length: n }, (_, i) => ({ id: `ex${i}`, line: i + 1, fields: { context: `Context paragraph ${i} `.repeat(20), question: `Question number ${i}?` } }));
  console.log(`bench: ${n} examples × ${candidates.length} models, ${latencyMs} ms latency, node ${process.version}`);
  console.log('scenario  limit req/s  got req/s  % of limit  CPU ms/req  peak RSS MB  rows lost  429s');
  try {
    for (const s of scenarios) {
      await server.setBehavior({ latencyMs, ...(s.cap ? { maxInFlight: s.cap } : {}) });
      await server.resetStats();
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-'));
      const endpoints = { bench: { kind: 'openai' as const, baseURL: server.url } };
      const provider = createProvider('bench', endpoints.bench, { secrets: { getKey: async () => 'sk-bench' } });
      const plan = {
        planKey: planKey(['bench', s.name]), candidates, total: n * candidates.length,
        items: planItems(examples, candidates, (e) => ({ messages: [
          { role: 'system' as const, content: 'Answer from the context only.' },
          { role: 'user' as const, content: `Context: ${String(e.fields.context)}\nQuestion: ${String(e.fields.question)}` }] }), () => ({ temperature: 0, maxTokens: 100 })),
      };
      await provider; // SDK load is not part of the steady state
      global.gc?.();
      const rss0 = process.memoryUsage.rss();
      let peakRss = rss0, peakHeap = 0;
      const sampler = setInterval(() => { const m = process.memoryUsage(); peakRss = Math.max(peakRss, m.rss); peakHeap = Math.max(peakHeap, m.heapUsed); }, 20);
      const cpu0 = process.cpuUsage();
      let firstAt = 0, lastAt = 0;
      const t0 = performance.now();
      const r = await runPlan(plan, { root, endpoints, getProvider: () => provider, concurrency: s.concurrency, retry: { maxRateLimitRetries: 1000 }, onResponse: () => { const t = performance.now() - t0; firstAt ||= t; lastAt = t; } });
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      clearInterval(sampler);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      const rows = (await readResponses(root, r.runId)).filter((x) => x.output !== undefined).length;
      const stats = await server.stats();
      const limit = (s.cap ?? s.concurrency) / (latencyMs / 1000);
      const got = rows / (wall / 1000);
      console.log([s.name.padEnd(8), limit.toFixed(0).padStart(11), got.toFixed(1).padStart(10), `${((100 * got) / limit).toFixed(1)}%`.padStart(11),
        ((cpu.user + cpu.system) / 1000 / rows).toFixed(3).padStart(11), (peakRss / 2 ** 20).toFixed(0).padStart(12),
        String(n * candidates.length - rows).padStart(10), String(stats.rateLimited).padStart(5),
        `  (first row ${firstAt.toFixed(0)} ms, last ${lastAt.toFixed(0)} ms, server max in flight ${stats.maxInFlightSeen}, rss before ${(rss0 / 2 ** 20).toFixed(0)} MB, peak heap ${(peakHeap / 2 ** 20).toFixed(0)} MB, now ${JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, x]) => [k, Math.round(x / 2 ** 20)])))})`].join(' '));
      fs.rmSync(root, { recursive: true, force: true });
    }
  } finally {
    await server.stop();
  }
}

void main();
