import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendLabel, labelsPath, readLabels } from '../../../src/core/store/labels';

suite('label store', () => {
  let root: string;
  setup(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-labels-')); });
  teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const at = '2026-11-23T00:00:00.000Z';

  test('appends labels and keeps the latest per output and reviewer; undo withdraws', async () => {
    appendLabel(root, 'qa', { outputHash: 'h1', exampleId: 'e1', candidateId: 'a', label: 'correct', reviewer: 'ann', at });
    appendLabel(root, 'qa', { outputHash: 'h2', exampleId: 'e2', candidateId: 'a', label: 'incorrect', reviewer: 'ann', at });
    appendLabel(root, 'qa', { outputHash: 'h1', exampleId: 'e1', candidateId: 'a', label: 'incorrect', reviewer: 'ann', at });
    appendLabel(root, 'qa', { outputHash: 'h1', exampleId: 'e1', candidateId: 'a', label: 'correct', reviewer: 'bob', at });
    appendLabel(root, 'qa', { outputHash: 'h2', exampleId: 'e2', candidateId: 'a', label: 'withdrawn', reviewer: 'ann', at });
    const labels = await readLabels(root, 'qa');
    assert.deepEqual(labels.map((l) => [l.outputHash, l.reviewer, l.label]).sort(), [['h1', 'ann', 'incorrect'], ['h1', 'bob', 'correct']]);
    assert.equal(fs.readFileSync(labelsPath(root, 'qa'), 'utf8').split('\n').filter(Boolean).length, 5, 'never rewritten in place');
  });

  test('a torn last line (crash mid-write) is skipped and the next label starts on its own line', async () => {
    appendLabel(root, 'qa', { outputHash: 'h1', exampleId: 'e1', candidateId: 'a', label: 'correct', at });
    fs.appendFileSync(labelsPath(root, 'qa'), '{"outputHash":"h9","lab');
    appendLabel(root, 'qa', { outputHash: 'h2', exampleId: 'e2', candidateId: 'a', label: 'unsure', at });
    const labels = await readLabels(root, 'qa');
    assert.deepEqual(labels.map((l) => l.outputHash).sort(), ['h1', 'h2']);
  });

  test('labels confirmed before a SIGKILL survive it', async () => {
    const script = `const { appendLabel } = require(${JSON.stringify(path.join(__dirname, '../../../src/core/store/labels.ts'))});
      for (let i = 0; i < 50; i++) appendLabel(${JSON.stringify(root)}, 'qa', { outputHash: 'h' + i, exampleId: 'e' + i, candidateId: 'a', label: 'correct', at: 'x' });
      process.stdout.write('done\\n'); process.kill(process.pid, 'SIGKILL');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    assert.equal(r.signal, 'SIGKILL');
    assert.match(r.stdout, /done/);
    assert.equal((await readLabels(root, 'qa')).length, 50);
  });

  test('rejects test-set ids that are not plain file names, and unknown labels', () => {
    assert.throws(() => labelsPath(root, '../escape'), /cannot name a labels file/);
    assert.throws(() => appendLabel(root, 'qa', { outputHash: 'h', exampleId: 'e', candidateId: 'a', label: 'maybe' as never, at }), /Unknown label/);
  });

  test('no labels file reads as no labels', async () => {
    assert.deepEqual(await readLabels(root, 'none'), []);
  });
});
