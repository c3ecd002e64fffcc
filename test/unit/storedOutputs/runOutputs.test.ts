import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRunOutputs, outputDocument, verdictsOf } from '../../../src/core/storedOutputs/runOutputs';
import { instructionFor, ruleLabel, styleSummaries } from '../../../src/core/storedOutputs/styleAdvice';
import { Store } from '../../../src/core/store/store';

suite('run outputs for the editor', () => {
  let root: string;
  const runId = 'r1';
  suiteSetup(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-outputs-'));
    const dir = path.join(root, 'runs', runId);
    fs.mkdirSync(dir, { recursive: true });
    const prompt = path.join(root, 'p.prompt.yml');
    fs.writeFileSync(prompt, 'messages:\n  - role: user\n    content: "{{question}}"\nadapt:\n  output: { format: xml, answer: r.a, idk: r.idk }\n');
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: 1, runId, planKey: 'k', status: 'complete', createdAt: 'x', updatedAt: 'x',
      prompt: { path: prompt }, testSet: { id: 't' }, candidates: [{ id: 'c', endpoint: 'e', model: 'm' }], counts: { requested: 3, cached: 0, resumed: 0, errors: 1, skipped: 0 }, inputTokens: 0, outputTokens: 0, cost: 0, issues: [] }));
    const rows = [
      { exampleId: 'e1', output: '<r><a>According to the docs, yes.\nSecond line.</a></r>' },
      { exampleId: 'e2', output: '<r><idk/></r>' },
      { exampleId: 'e3', error: { kind: 'transient', message: 'boom' } },
      { exampleId: 'e4', output: 'prose <r><a># Heading\nthe sources say no</a></r>' },
    ];
    fs.writeFileSync(path.join(dir, 'responses.jsonl'), rows.map((r) => JSON.stringify({ candidateId: 'c', model: 'm', requestHash: r.exampleId, at: 'x', ...r })).join('\n') + '\n');
    fs.writeFileSync(path.join(dir, 'verdicts.jsonl'), JSON.stringify({ exampleId: 'e1', candidateId: 'c', metricId: 'f1', verdict: 0, at: 'x' }) + '\n');
  });
  suiteTeardown(() => fs.rmSync(root, { recursive: true, force: true }));

  test('the document holds each answered output verbatim and findings map to the exact text', async () => {
    const run = (await loadRunOutputs(Store.openAt(root), runId))!;
    const doc = outputDocument(run, 'c');
    assert.equal(doc.total, 3, 'request errors have no output block');
    for (const b of doc.blocks) {
      assert.equal(doc.text.slice(b.answerStart, b.answerEnd), b.response.answer);
      for (const f of b.response.findings) assert.equal(doc.text.slice(b.answerStart + f.start, b.answerStart + f.end), b.response.answer.slice(f.start, f.end));
    }
    const e1 = doc.blocks.find((b) => b.exampleId === 'e1')!;
    const f = e1.response.findings.find((x) => x.ruleId === 'phrase:according-to')!;
    assert.equal(doc.text.slice(e1.answerStart + f.start, e1.answerStart + f.end), 'According to');
    assert.match(doc.text, /## e2 {2}\(IDK\)/);
    assert.deepEqual(verdictsOf(run, 'c', 'e1').map((v) => [v.metricId, v.verdict]), [['f1', 0]]);
  });

  test('the cap keeps documents small and says so', async () => {
    const run = (await loadRunOutputs(Store.openAt(root), runId))!;
    const doc = outputDocument(run, 'c', 1);
    assert.equal(doc.blocks.length, 1);
    assert.match(doc.text, /3 outputs, showing the first 1/);
  });

  test('summaries count outputs per rule with the rate, and name the phrase', async () => {
    const run = (await loadRunOutputs(Store.openAt(root), runId))!;
    const summaries = styleSummaries(run, (id) => ruleLabel(id));
    const according = summaries.find((s) => s.ruleId === 'phrase:according-to')!;
    assert.equal(according.message, "'according to' in 1/2 outputs of c (50.0%)");
    assert.deepEqual(according.examples, ['e1']);
    assert.ok(summaries.some((s) => s.ruleId === 'markdown' && s.examples[0] === 'e4'));
    assert.equal(instructionFor('phrase:the-sources', ruleLabel('phrase:the-sources')), 'Never use the phrase "the sources"; state the answer directly.');
  });
});
