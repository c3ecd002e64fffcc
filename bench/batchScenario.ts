// The client side of the batch benchmark, in a process of its own (bundled by bench/batch.ts like the CLI):
// a plan of N examples × 1 model in batch mode through the run use case as the CLI runs it, against the loopback batch
// server; then, timed on its own, the step that ends a run in the editor (the summary its next comparison reads;
// src/core/compare/runEnd.ts). Prints one JSON line with the phases' times and this process's peak RSS before and after that step.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { summariseRun } from '../src/core/compare/runEnd';
import { loadProjectFile } from '../src/core/project/parseProject';
import { planItems, planKey } from '../src/core/runner/plan';
import { RunSession } from '../src/core/run/runSession';
import { Store } from '../src/core/store/store';

export interface BatchScenarioResult {
  n: number; rows: number; submitMs: number; ingestMs: number; totalMs: number; peakRss: number; jobs: number;
  /** The editor's end-of-run step (the summary for the comparison), not in `totalMs`; whether it wrote the summary; peak RSS after it. */
  runEndMs: number; summarised: boolean; peakRssWithRunEnd: number;
}

function vmHwm(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

async function main(): Promise<void> {
  const { n, url } = JSON.parse(process.argv[2]!) as { n: number; url: string };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-batch-'));
  fs.writeFileSync(path.join(dir, 'qa.prompt.yml'), 'name: QA\nmessages:\n  - role: user\n    content: "{{question}}"\n');
  fs.writeFileSync(path.join(dir, 'questions.jsonl'), '');
  fs.writeFileSync(path.join(dir, 'prompt-adapt.yml'), ['candidates:', '  - { id: gpt, endpoint: oab, model: gpt-bench }',
    'testSets:', '  - { id: bench, path: questions.jsonl, fields: { id: id, question: question } }', 'baseline: { prompt: qa.prompt.yml, candidate: gpt }', ''].join('\n'));
  const { project } = await loadProjectFile(path.join(dir, 'prompt-adapt.yml'));
  const store = Store.openForProject(project);
  const examples = (function* () { for (let i = 0; i < n; i++) yield { id: `e${i}`, line: i + 1, fields: { question: `question number ${i} about the refund policy of order ${i * 7}` } }; })();
  const cand = { id: 'gpt', endpoint: 'oab', model: 'gpt-bench', mode: 'batch' as const, price: { inputPerMTok: 0.15, outputPerMTok: 0.6 } };
  const plan = {
    planKey: planKey(['bench-batch', n]), candidates: [cand], total: n, prompt: { path: 'qa.prompt.yml' }, testSet: { id: 'bench' },
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
  const ended = performance.now();
  const totalMs = ended - t0;
  const peakRss = vmHwm();
  // What `session.run(plan, { store, project })` (the editor's run) does when the run ends, timed on its own.
  await summariseRun(store, project, r.runId, 'responses');
  const runEndMs = performance.now() - ended;
  const summarised = fs.existsSync(path.join(store.runDir(r.runId), 'compare-summary.json'));
  let rows = 0;
  await store.forEachResponse(r.runId, (row) => { if (row.output !== undefined) rows++; });
  fs.rmSync(dir, { recursive: true, force: true });
  const out: BatchScenarioResult = { n, rows, submitMs, ingestMs: ingestStart ? ended - ingestStart : 0, totalMs, peakRss, jobs: submitted, runEndMs, summarised, peakRssWithRunEnd: vmHwm() };
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err) => { console.error(err); process.exit(1); });
