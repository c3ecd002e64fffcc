// The review and the comparison read the same outputs: both pick them through src/core/compare/gather
// (runsByPrompt + latestOutputs), so a store with several runs cannot make them disagree.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { buildComparison } from '../../../src/core/compare';
import { loadProjectFile } from '../../../src/core/project/parseProject';
import type { ResponseRecord, VerdictRecord } from '../../../src/core/store/records';
import { loadReviewData } from '../../../src/core/review/load';
import { outputHash } from '../../../src/core/runner/hash';
import { runDir, writeManifest } from '../../../src/core/store/runs';
import { Store } from '../../../src/core/store/store';
import { makeCompareFixture } from '../compare/fixture';

/** A newer run of the baseline prompt for `good` and `base` that lacks example q0 and answers q1 differently. */
function addNewerRun(root: string, n: number): { q1Output: string } {
  const runId = 'R9';
  writeManifest(root, { version: 1, runId, planKey: runId, status: 'complete', createdAt: '2026-02-01T00:00:00.000Z', updatedAt: '', prompt: { path: 'prompts/qa.prompt.yml' },
    testSet: { id: 't' }, candidates: [{ id: 'good', endpoint: 'demo', model: 'good-1' }, { id: 'base', endpoint: 'demo', model: 'base-1' }],
    counts: { requested: 0, cached: 0, resumed: 0, errors: 0, skipped: 0 }, inputTokens: 0, outputTokens: 0, cost: 0, issues: [] });
  const responses: ResponseRecord[] = [];
  const verdicts: VerdictRecord[] = [];
  const q1Output = '<response><answer>newer right answer 1 from good.</answer></response>';
  for (const id of ['good', 'base']) {
    for (let i = 1; i < n; i++) {
      const output = id === 'good' && i === 1 ? q1Output : `<response><answer>newer answer ${i} from ${id}.</answer></response>`;
      const hash = outputHash(output);
      responses.push({ exampleId: `q${i}`, candidateId: id, model: `${id}-1`, requestHash: `r9-${id}${i}`, output, outputHash: hash, latencyMs: 500, inputTokens: 500, outputTokens: 50, at: '' });
      verdicts.push({ exampleId: `q${i}`, candidateId: id, metricId: 'f1', verdict: 1, outputHash: hash, at: '' });
    }
  }
  fs.writeFileSync(path.join(runDir(root, runId), 'responses.jsonl'), responses.map((x) => JSON.stringify(x)).join('\n') + '\n');
  fs.writeFileSync(path.join(runDir(root, runId), 'verdicts.jsonl'), verdicts.map((x) => JSON.stringify(x)).join('\n') + '\n');
  return { q1Output };
}

suite('review uses the comparison\'s run selection', () => {
  test('two runs, the older with an example the newer lacks: review and comparison both keep it and take the newer output elsewhere', async () => {
    const n = 30;
    const f = makeCompareFixture({ n });
    try {
      const olderQ0 = fs.readFileSync(path.join(runDir(f.root, 'R1'), 'responses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ResponseRecord)
        .find((r) => r.candidateId === 'good' && r.exampleId === 'q0')!;
      const { q1Output } = addNewerRun(f.root, n);
      const { project } = await loadProjectFile(f.project);

      const review = await loadReviewData({ project, store: Store.openAt(f.root), testSetId: 't' });
      assert.equal(review.baseline?.systemId, 'base');
      const q0 = review.output('good', 'q0');
      assert.ok(q0, 'the example only the older run has is still reviewed');
      assert.equal(q0.outputHash, olderQ0.outputHash, 'q0 comes from the older run');
      assert.deepEqual(q0.verdicts.map((v) => v.metricId), ['f1'], 'with the older run\'s verdict on that output');
      const q1 = review.output('good', 'q1')!;
      assert.equal(q1.outputHash, outputHash(q1Output), 'q1 comes from the newer run');
      assert.deepEqual(q1.verdicts.map((v) => v.verdict), [1], 'the verdict on the newer output, not the older one');
      assert.equal(review.page('all', 0, 100, 'good').rows.filter((r) => r.candidate).length, n, 'every example has good\'s output');

      // The comparison counts the same outputs: all n examples for good and base, paired on all of them.
      const report = await buildComparison(f.project, { draws: 2000, seed: 1 });
      const ts = report.testSets[0]!;
      const good = ts.rows.find((r) => r.systemId === 'good')!;
      assert.equal(good.n, n);
      assert.equal(good.pairedN, n);
      assert.deepEqual([...report.runs].sort(), ['R1', 'R9']);
      for (const r of ts.rows) {
        const reviewed = review.page('all', 0, 100, r.systemId).rows.filter((x) => (r.isBaseline ? x.baseline : x.candidate)?.text !== undefined && !(r.isBaseline ? x.baseline : x.candidate)?.error).length;
        assert.equal(reviewed, r.n, `${r.systemId}: review and comparison see the same outputs`);
      }
    } finally { fs.rmSync(f.dir, { recursive: true, force: true }); }
  });
});
