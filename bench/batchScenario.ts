// The client side of the batch benchmark, in a process of its own (bundled by bench/batch.ts like the CLI):
// a plan of N examples × 1 model in batch mode through the run use case, against the loopback batch server.
// Prints one JSON line with the phases' times and this process's peak RSS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planItems, planKey } from '../src/core/runner/plan';
import { RunSession } from '../src/core/run/runSession';
import { Store } from '../src/core/store/store';

export interface BatchScenarioResult { n: number; rows: number; submitMs: number; ingestMs: number; totalMs: number; peakRss: number; jobs: number }

function vmHwm(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

async function main(): Promise<void> {
  const { n, url } = JSON.parse(process.argv[2]!) as { n: number; url: string };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-batch-'));
  const store = Store.openInFolder(dir);
  const examples = (function* () { for (let i = 0; i < n; i++) yield { id: `e${i}`, line: i + 1, fields: { question: `question number ${i} about the refund policy of order ${i * 7}` } }; })();
  const cand = { id: 'gpt', endpoint: 'oab', model: 'gpt-bench', mode: 'batch' as const, price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } };
  const plan = {
    planKey: planKey(['bench-batch', n]), candidates: [cand], total: n,
    items: planItems(examples, [cand], (e) => ({ messages: [{ role: 'system' as const, content: 'Answer from the sources only. Reply as <response><answer>…</answer></response>.' }, { role: 'user' as const, content: String(e.fields.question) }] })),
  };
  const t0 = performance.now();
  let submitted = 0;
  let submitMs = 0;
  let ingestStart = 0;
  const session = new RunSession({
    endpoints: { oab: { kind: 'openai', baseURL: url, batch: true } }, providerDeps: { secrets: { getKey: async () => 'sk-bench-0000' } },
    batchPoll: { poll: { initialMs: 20, maxMs: 200 } },
    events: { batch: (e) => {
      if (e.type === 'submitted') { submitted++; submitMs = performance.now() - t0; }
      if (e.type === 'state' && e.job.state === 'completed' && !ingestStart) ingestStart = performance.now();
    } },
  });
  const r = await session.run(plan, { store });
  session.close();
  const totalMs = performance.now() - t0;
  let rows = 0;
  await store.forEachResponse(r.runId, (row) => { if (row.output !== undefined) rows++; });
  fs.rmSync(dir, { recursive: true, force: true });
  const out: BatchScenarioResult = { n, rows, submitMs, ingestMs: ingestStart ? totalMs - (ingestStart - t0) : 0, totalMs, peakRss: vmHwm(), jobs: submitted };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => { console.error(err); process.exit(1); });
