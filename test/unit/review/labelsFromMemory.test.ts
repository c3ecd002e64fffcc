import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { compareProject } from '../../../src/core/compare';
import { loadProjectFile } from '../../../src/core/project/parseProject';
import { ReviewSession } from '../../../src/core/review/session';
import { appendLabel } from '../../../src/core/store/labels';
import { Store } from '../../../src/core/store/store';
import type { CalibrationSummary } from '../../../src/protocol/comparison';
import { makeCompareFixture } from '../compare/fixture';

const FAST = { draws: 20_000, seed: 3 };
const pooled = (c: CalibrationSummary | undefined): number => (c ? c.tp + c.fn + c.fp + c.tn : 0);

suite('review session: labels update the comparison from memory', () => {
  test("a new label counts in the next comparison without reading the store; the watcher ignores the session's own write but not another's", async () => {
    const f = makeCompareFixture({ n: 90 });
    try {
      const { project } = await loadProjectFile(f.project);
      const session = new ReviewSession({ project, store: Store.openAt(f.root), reviewer: 'me',
        compare: (estimator, s) => compareProject(s.project, { estimator, ...FAST }, s.comparisonStore) });
      const before = (await session.comparison()).testSets[0]!.calibration;
      const queue = await session.labelQueue('t', 5);
      const data = await session.data('t');
      // An output that has a verdict and no label yet: a label on it enters the pooled calibration.
      const item = queue.items.find((i) => data.verdict(data.output(data.resolveKey(i.key)!.systemId, i.exampleId)) !== null)!;
      await session.label('t', item.key, 'correct');
      assert.equal(await session.labelsFileChanged('t'), false, "the session's own write is not read back");

      // Nothing of the store can be read any more: the comparison still sees the new label.
      const labelsFile = path.join(f.root, 'labels', 't.jsonl');
      const saved = fs.readFileSync(labelsFile);
      fs.renameSync(path.join(f.root, 'runs'), path.join(f.root, 'runs.moved'));
      fs.writeFileSync(labelsFile, '');
      const after = (await session.comparisonFromMemory()).testSets[0]!.calibration;
      assert.equal(pooled(after), pooled(before) + 1);
      fs.renameSync(path.join(f.root, 'runs.moved'), path.join(f.root, 'runs'));
      fs.writeFileSync(labelsFile, saved);

      // Another reviewer disagrees in the file (a git pull): the watcher's call reads it, the output becomes unsure.
      const t = data.resolveKey(item.key)!;
      appendLabel(f.root, 't', { outputHash: t.outputHash, exampleId: t.exampleId, candidateId: t.candidateId, label: 'incorrect', reviewer: 'other', at: '' });
      assert.equal(await session.labelsFileChanged('t'), true);
      const pulled = (await session.comparisonFromMemory()).testSets[0]!.calibration!;
      assert.equal(pooled(pulled), pooled(before));
      assert.equal(pulled.unsure, before!.unsure + 1);
    } finally { fs.rmSync(f.dir, { recursive: true, force: true }); }
  });
});
