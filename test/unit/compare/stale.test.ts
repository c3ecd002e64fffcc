import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { buildComparison } from '../../../src/core/compare';
import { promptDigest } from '../../../src/core/runner/runInputs';
import { readManifest, writeManifest } from '../../../src/core/store/runs';
import { makeCompareFixture } from './fixture';

const FAST = { draws: 5_000, seed: 3 };

suite('stale results in the comparison (issue 13)', () => {
  test('results whose prompt changed since their run are marked stale, with what changed and what "Run again" runs', async () => {
    const f = makeCompareFixture({ n: 60 });
    try {
      const promptFile = path.join(f.dir, 'prompts', 'qa.prompt.yml');
      const m = (await readManifest(f.root, 'R1'))!;
      writeManifest(f.root, { ...m, inputs: { prompt: promptDigest(fs.readFileSync(promptFile, 'utf8')) } });
      const fresh = (await buildComparison(f.project, FAST)).testSets[0]!;
      assert.equal(fresh.stale, undefined);
      assert.ok(!fresh.notes.some((n) => n.code === 'stale-results'));

      fs.appendFileSync(promptFile, '# a tweak\n');
      const ts = (await buildComparison(f.project, FAST)).testSets[0]!;
      assert.deepEqual(ts.stale, [{ prompt: 'prompts/qa.prompt.yml', changed: ['the prompt'], runIds: ['R1'], candidates: m.candidates.map((c) => c.id) }]);
      const note = ts.notes.find((n) => n.code === 'stale-results')!;
      assert.equal(note.severity, 'warning');
      assert.match(note.message, /^Stale: the results of prompts\/qa\.prompt\.yml come from run R1, and the prompt changed since/);

      // A later run of the current text supplies every output: nothing compared is stale any more.
      writeManifest(f.root, { ...m, runId: 'R1b', createdAt: '2026-03-01T00:00:00.000Z', inputs: { prompt: promptDigest(fs.readFileSync(promptFile, 'utf8')) } });
      fs.copyFileSync(path.join(f.root, 'runs', 'R1', 'responses.jsonl'), path.join(f.root, 'runs', 'R1b', 'responses.jsonl'));
      fs.copyFileSync(path.join(f.root, 'runs', 'R1', 'verdicts.jsonl'), path.join(f.root, 'runs', 'R1b', 'verdicts.jsonl'));
      assert.equal((await buildComparison(f.project, FAST)).testSets[0]!.stale, undefined);
    } finally { fs.rmSync(f.dir, { recursive: true, force: true }); }
  });
});
