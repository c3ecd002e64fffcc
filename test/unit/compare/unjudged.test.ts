import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { buildComparison } from '../../../src/core/compare';
import { makeCompareFixture } from './fixture';

// Issue 13: a prompt variant that was run but not judged showed "+0.0 pp [+0.0, +0.0]" against its parent while its
// estimate differed: with no verdict on its answered outputs, only the IDK questions (which need none) were paired.
suite('comparison of an unjudged run', () => {
  test('a variant with no verdict on its answered outputs gets no difference, no estimate and a note saying to judge it', async () => {
    const f = makeCompareFixture({ variantSystems: { good: { correct: 0.9, idk: 0.05, latencyMs: 800, badStyle: 0 } } });
    fs.writeFileSync(path.join(f.root, 'runs', 'R2', 'verdicts.jsonl'), '');
    const ts = (await buildComparison(f.project, { estimator: 'rogan-gladen' })).testSets[0]!;
    const v = ts.variants[0]!;
    assert.equal(v.difference, undefined, 'no difference from the IDK questions alone');
    assert.equal(v.estimate, undefined);
    assert.ok(v.notes.some((n) => n.code === 'not-judged' && n.severity === 'error' && /judge that run first/.test(n.message)), JSON.stringify(v.notes));
    assert.equal(ts.variantDecisions![0]!.correctness.status, 'unknown');
  });

  test('a run judged in part is compared on its judged outputs, with a warning that counts the rest', async () => {
    const f = makeCompareFixture({ variantSystems: { good: { correct: 0.9, idk: 0.05, latencyMs: 800, badStyle: 0 } } });
    const file = path.join(f.root, 'runs', 'R2', 'verdicts.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    fs.writeFileSync(file, lines.slice(0, 150).join('\n') + '\n');
    const v = (await buildComparison(f.project, { estimator: 'rogan-gladen' })).testSets[0]!.variants[0]!;
    assert.ok(v.difference, 'still compared');
    const note = v.notes.find((n) => n.code === 'partly-judged');
    assert.ok(note && /of \d+ answered outputs of good on prompts\/qa\.v2\.prompt\.yml have no f1 verdict/.test(note.message), JSON.stringify(v.notes));
  });
});
