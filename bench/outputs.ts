// Benchmark: the editor's outputs path at 10k outputs (load + parse + style-check a run, build the output
// document, aggregate the prompt diagnostics). Prints figures; not a timed test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRunOutputs, outputDocument } from '../src/core/storedOutputs/runOutputs';
import { ruleLabel, styleSummaries } from '../src/core/storedOutputs/styleAdvice';
import { Store } from '../src/core/store/store';

const N = Number(process.env.N ?? 10_000);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-bench-outputs-'));
const dir = path.join(root, 'runs', 'r');
fs.mkdirSync(dir, { recursive: true });
const prompt = path.join(root, 'p.prompt.yml');
fs.writeFileSync(prompt, 'messages:\n  - role: user\n    content: "{{question}}"\nadapt:\n  output: { format: xml, answer: response.answer, idk: response.cannot_answer }\n');
const candidates = ['a', 'b'];
fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: 1, runId: 'r', planKey: 'k', status: 'complete', createdAt: 'x', updatedAt: 'x',
  prompt: { path: prompt }, testSet: { id: 't' }, candidates: candidates.map((id) => ({ id, endpoint: 'e', model: id })),
  counts: { requested: N, cached: 0, resumed: 0, errors: 0, skipped: 0 }, inputTokens: 0, outputTokens: 0, cost: 0, issues: [] }));
const phrases = ['According to the sources, ', 'Based on the article, ', '', 'The knowledge base says '];
const lines: string[] = [];
for (let i = 0; i < N; i++) {
  const answer = `${phrases[i % 4]}the refund for order ${i} is issued within ${i % 9 + 1} business days once the item arrives at the warehouse and is inspected by our team.`;
  lines.push(JSON.stringify({ exampleId: `ex-${i >> 1}`, candidateId: candidates[i % 2], model: candidates[i % 2], requestHash: String(i),
    output: i % 37 === 0 ? '<response><cannot_answer/></response>' : `<response><answer>${answer}</answer></response>`, at: 'x' }));
}
fs.writeFileSync(path.join(dir, 'responses.jsonl'), lines.join('\n') + '\n');

async function main(): Promise<void> {
const t0 = performance.now();
const run = (await loadRunOutputs(Store.openAt(root), 'r'))!;
const t1 = performance.now();
const doc = outputDocument(run, 'a');
const t2 = performance.now();
const summaries = styleSummaries(run, (id) => ruleLabel(id));
const t3 = performance.now();
console.log(`outputs: ${N} in 2 candidates`);
console.log(`load + parse + style-check:   ${(t1 - t0).toFixed(0)} ms (${((t1 - t0) * 1000 / N).toFixed(0)} µs per output)`);
console.log(`output document (cap 2000):   ${(t2 - t1).toFixed(0)} ms, ${(doc.text.length / 1024).toFixed(0)} KB, ${doc.blocks.length}/${doc.total} examples`);
console.log(`prompt diagnostics summaries: ${(t3 - t2).toFixed(1)} ms, ${summaries.length} summaries`);
console.log(`peak RSS:                     ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`);
fs.rmSync(root, { recursive: true, force: true });
}
void main();
