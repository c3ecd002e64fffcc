import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../src/cli/commands/style';
import { captureConsole } from '../helpers/console';

const capture = captureConsole;

suite('cli style', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-style-'));
  const file = path.join(dir, 'r.jsonl');
  fs.writeFileSync(file, [
    { id: 'a1', model: 'm1', output: 'According to the sources, it is Paris.' },
    { id: 'a2', model: 'm1', output: 'It is Paris.' },
    { id: 'b1', model: 'm2', output: '## Answer\nParis is the one' },
  ].map((o) => JSON.stringify(o)).join('\n') + '\nnot json\n');

  test('--json prints exactly the per-model object', async () => {
    const r = await capture(() => main(['--responses', file, '--json']));
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['m1', 'm2']);
    assert.deepEqual(j.m1, { n: 2, badStyle: 0.5, rules: { 'phrase:according-to': 0.5, 'phrase:the-sources': 0.5, 'phrase:the-knowledge': 0, 'phrase:the-information-provided': 0, markdown: 0 }, medianWords: 5 });
    assert.equal(j.m2.rules.markdown, 1);
    assert.match(r.err, /r\.jsonl:4: not JSON/);
  });
  test('table and findings as id:start-end rule', async () => {
    const r = await capture(() => main(['--responses', file]));
    assert.match(r.out, /^model\s+n\s+bad style\s+median words/);
    assert.match(r.out, /\na1:0-12 phrase:according-to\na1:13-24 phrase:the-sources\nb1:0-2 markdown$/);
  });
  test('--project takes the style section', async () => {
    const project = path.join(dir, 'prompt-adapt.yml');
    fs.writeFileSync(project, 'candidates: []\ntestSets: []\nmetrics: []\nstyle:\n  phrases: ["paris"]\n  completeSentences: true\n');
    const r = await capture(() => main(['--responses', file, '--project', project, '--json']));
    const j = JSON.parse(r.out);
    assert.equal(j.m1.rules['phrase:paris'], 1);
    assert.equal(j.m2.rules['complete-sentences'], 1);
  });
  test('usage errors', async () => {
    assert.equal((await capture(() => main([]))).code, 1);
    await assert.rejects(main(['--bogus']), /Unknown option/);
  });
});
