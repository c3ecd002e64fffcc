import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseProjectFile } from '../../../src/core/project/parseProject';
import { parsePromptText } from '../../../src/core/prompt/load';
import { estimatePlan, outputRange } from '../../../src/core/runner/estimate';
import { buildProjectPlan } from '../../../src/core/runner/projectPlan';
import { runDir, writeManifest } from '../../../src/core/store/runs';

suite('cost estimate before a run (issue 13)', () => {
  test('output lengths come from the candidate\'s earlier outputs, else a stated assumption; both as a range under maxTokens', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-estimate-'));
    try {
      fs.mkdirSync(path.join(dir, 'data'));
      fs.writeFileSync(path.join(dir, 'data', 't.jsonl'), Array.from({ length: 100 }, (_, i) => JSON.stringify({ id: `${i}`, q: 'x'.repeat(400) })).join('\n') + '\n');
      const projectText = 'candidates:\n  - { id: seen, endpoint: e, model: m1, price: { inputPerMTok: 1, outputPerMTok: 10 } }\n'
        + '  - { id: fresh, endpoint: e, model: m2, price: { inputPerMTok: 1, outputPerMTok: 10 } }\ntestSets:\n  - { id: t, path: data/t.jsonl, fields: { id: id } }\n';
      const project = parseProjectFile(projectText, path.join(dir, 'prompt-adapt.yml')).project;
      const promptText = 'modelParameters: { maxTokens: 1000 }\nmessages:\n  - role: user\n    content: "{{q}}"\n';
      const prompt = parsePromptText(promptText, path.join(dir, 'p.prompt.yml')).prompt;
      // An earlier run: 'seen' replied with 40…80 output tokens (mean 60).
      const root = path.join(dir, '.prompt-adapt');
      writeManifest(root, { version: 1, runId: 'old', planKey: 'k', status: 'complete', createdAt: '', updatedAt: '', candidates: [{ id: 'seen', endpoint: 'e', model: 'm1' }],
        counts: { requested: 0, cached: 0, resumed: 0, errors: 0, skipped: 0 }, inputTokens: 0, outputTokens: 0, cost: 0, issues: [] });
      fs.writeFileSync(path.join(runDir(root, 'old'), 'responses.jsonl'), Array.from({ length: 41 }, (_, i) =>
        JSON.stringify({ exampleId: `${i}`, candidateId: 'seen', model: 'm1', requestHash: `h${i}`, output: 'a', outputTokens: 40 + i, at: '' })).join('\n') + '\n');

      const built = await buildProjectPlan({ project, prompt, promptText, testSetId: 't' });
      const e = await estimatePlan(built, prompt);
      const [seen, fresh] = e.candidates;
      assert.deepEqual(seen!.outputPerReply, { low: 60, high: 70 });
      assert.equal(seen!.seen, 41);
      assert.deepEqual(fresh!.outputPerReply, { low: 30, high: 300 });
      assert.equal(fresh!.seen, 0);
      assert.deepEqual(e.outputTokens, { low: 100 * (60 + 30), high: 100 * (70 + 300) });
      assert.ok(e.outputTokens.high < 2 * 100 * 1000 / 2, 'far below assuming maxTokens for every reply');
      assert.ok(e.cost!.low < e.cost!.high);
      assert.equal(e.basis, 'output lengths: seen from 41 earlier outputs; fresh: assumed 30–300 tokens per reply (no earlier outputs)');
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  test('the range is capped by maxTokens', () => {
    assert.deepEqual(outputRange([], 100), { low: 30, high: 100 });
    assert.deepEqual(outputRange(Array(20).fill(500), 256), { low: 256, high: 256 });
  });
});
