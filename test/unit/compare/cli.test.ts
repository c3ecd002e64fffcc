// `prompt-adapt compare` and `report` through the CLI's entry point: exit codes 0 / 2 / 1 and report files.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../../src/cli/main';
import { makeCompareFixture } from './fixture';
import { captureConsole } from '../helpers/console';

const quiet = captureConsole;

suite('cli compare and report', () => {
  const fast = ['--draws', '5000', '--seed', '2'];

  test('exit 0 with a selection: prints the table and writes the report in the format of --out', async () => {
    const f = makeCompareFixture({ n: 120 });
    const out = path.join(f.dir, 'out', 'report.html');
    const r = await quiet(() => main(['compare', '--project', f.project, ...fast, '--out', out]));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /good\s+(better|non-inferior)\s+PASS/, 'the verdict comes first (METHOD §7)');
    assert.match(r.out, /Selected: good/);
    assert.match(fs.readFileSync(out, 'utf8'), /^<!DOCTYPE html>/);
    const junit = await quiet(() => main(['compare', '--project', f.project, ...fast, '--format', 'junit']));
    assert.equal(junit.code, 0);
    assert.match(junit.out, /^<\?xml/);
  });

  test('exit 2 when no candidate passes or coverage is impossible', async () => {
    const f = makeCompareFixture({ n: 120, decision: ['  requiredRegions: [us-east-1, mars-1]'] });
    const r = await quiet(() => main(['compare', '--project', f.project, ...fast]));
    assert.equal(r.code, 2, r.err);
    assert.match(r.out, /region mars-1/);
    const strict = makeCompareFixture({ n: 120, decision: ['  maxLatencyRatio: 0.5'] });
    const s = await quiet(() => main(['compare', '--project', strict.project, ...fast]));
    assert.equal(s.code, 2);
    assert.match(s.out, /no candidate passes/);
    // report is not a gate.
    const rep = await quiet(() => main(['report', '--project', strict.project, ...fast, '--format', 'csv']));
    assert.equal(rep.code, 0);
    assert.match(rep.out, /^testSet,kind,systemId/);
  });

  test('exit 1 on errors: bad options, unknown test set, missing project, no runs', async () => {
    const f = makeCompareFixture({ n: 30 });
    for (const args of [
      ['--project', f.project, '--format', 'pdf'], ['--project', f.project, '--level', '2'], ['--project', f.project, '--draws', '0'],
      ['--project', f.project, '--bogus'], ['--project', f.project, '--test-set', 'nope'], ['--project', path.join(f.dir, 'missing.yml')],
    ]) {
      const r = await quiet(() => main(['compare', ...args]));
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.err, /prompt-adapt compare: /);
    }
    fs.rmSync(path.join(f.root, 'runs'), { recursive: true });
    assert.equal((await quiet(() => main(['compare', '--project', f.project]))).code, 1);
    assert.equal((await quiet(() => main(['report', '--project', f.project]))).code, 1);
  });
});
