import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../../src/cli/main';

/** Runs the CLI in-process and captures what it prints. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

const COUNTS = ['--tp', '45', '--fn', '5', '--fp', '6', '--tn', '14'];

suite('stats: CLI', () => {
  test('calibrate --json prints exactly the documented shape', async () => {
    const r = await run(['stats', 'calibrate', ...COUNTS, '--json']);
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j), ['tpr', 'fpr', 'pTprLeFpr', 'uninformative']);
    assert.deepEqual(Object.keys(j.tpr), ['mean', 'lo', 'hi']);
    assert.equal(j.tpr.lo.toFixed(4), '0.8048');
    assert.equal(j.uninformative, false);
  });

  test('estimate and compare --json (fractions)', async () => {
    const e = JSON.parse((await run(['stats', 'estimate', ...COUNTS, '--judged', '150', '--n', '200', '--estimator', 'paper', '--json'])).out);
    assert.deepEqual(Object.keys(e.estimate), ['point', 'mean', 'median', 'lo', 'hi']);
    assert.equal(e.estimate.point, e.estimate.mean, 'paper shows its mean');
    assert.equal(e.estimate.mean.toFixed(3), '0.591');
    assert.equal(e.judgedRate, 0.75);
    const c = JSON.parse((await run(['stats', 'compare', ...COUNTS, '--n11', '120', '--n10', '10', '--n01', '30', '--n00', '40', '--json', '--draws', '50000', '--seed', '3', '--estimator', 'rogan-gladen'])).out);
    assert.equal(c.estimator, 'rogan-gladen');
    assert.equal(c.verdict, 'better');
    assert.ok(Math.abs(c.difference.median - 0.176) < 0.005);
    assert.equal(c.difference.point, c.difference.median, 'rogan-gladen shows its median');
    assert.ok(c.pBetter > 0.99);
    assert.equal(c.crossCheck.estimate.toFixed(4), '0.1667');
  });

  test('ppi++ with per-system labels from counts', async () => {
    const r = await run(['stats', 'compare', '--estimator', 'ppi++', '--baseline-labels', '30,4,3,13', '--candidate-labels', '35,2,4,9',
      '--n11', '120', '--n10', '10', '--n01', '30', '--n00', '40', '--json']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.ok(j.difference.lo < j.difference.mean && j.difference.mean < j.difference.hi);
  });

  test('readable table without --json', async () => {
    const r = await run(['stats', 'compare', ...COUNTS, '--n11', '120', '--n10', '10', '--n01', '30', '--n00', '40', '--draws', '20000', '--estimator', 'rogan-gladen']);
    assert.equal(r.code, 0);
    assert.match(r.out.split('\n')[0]!, /^better: \+17\.\d pp \[\+8\.\d pp, \+31\.\d pp\]$/, 'the verdict comes first');
    assert.match(r.out, /rogan-gladen\s+0\.1\d\d\s+\[0\.0\d\d, 0\.3\d\d\]\s+0\.99\d/);
    assert.match(r.out, /delta method/);
  });

  test('errors go to stderr with exit code 1', async () => {
    for (const args of [['stats', 'calibrate', '--tp', '1'], ['stats', 'calibrate', ...COUNTS, '--level', '2'], ['stats', 'nope'],
      ['stats', 'compare', ...COUNTS, '--n11', '1', '--n10', '0', '--n01', '0', '--n00', '0', '--estimator', 'ppi++'], ['stats', 'calibrate', '--bogus']]) {
      const r = await run(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.out, '');
      assert.ok(r.err.length > 0);
    }
  });

  test('from label and verdict files, as a real process', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-stats-'));
    const verdicts: object[] = [];
    const labels: object[] = [];
    const at = '2025-01-01T00:00:00Z';
    for (let i = 0; i < 40; i++) {
      const a = i % 4 === 0 ? 0 : 1, b = i % 5 === 0 ? 0 : 1;
      verdicts.push({ exampleId: `e${i}`, candidateId: 'base', metricId: 'judge', verdict: a, outputHash: `a${i}`, at });
      verdicts.push({ exampleId: `e${i}`, candidateId: 'cand', metricId: 'judge', verdict: b, outputHash: `b${i}`, at });
      if (i % 2 === 0) {
        labels.push({ outputHash: `a${i}`, exampleId: `e${i}`, candidateId: 'base', label: i % 8 === 0 ? 'incorrect' : i === 2 ? 'unsure' : 'correct', at });
        labels.push({ outputHash: `b${i}`, exampleId: `e${i}`, candidateId: 'cand', label: i % 10 === 0 ? 'incorrect' : 'correct', at });
      }
    }
    verdicts.push({ exampleId: 'e99', candidateId: 'cand', metricId: 'judge', verdict: 1, at });
    writeFileSync(join(dir, 'v.jsonl'), verdicts.map((x) => JSON.stringify(x)).join('\n') + '\n');
    writeFileSync(join(dir, 'l.jsonl'), labels.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const p = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'stats', 'compare', '--labels', join(dir, 'l.jsonl'),
      '--verdicts', join(dir, 'v.jsonl'), '--baseline', 'base', '--candidate', 'cand', '--draws', '5000', '--json', '--estimator', 'rogan-gladen'], { encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    const j = JSON.parse(p.stdout);
    assert.deepEqual(j.paired, { n11: 24, n10: 6, n01: 8, n00: 2 });
    assert.equal(j.excluded.unsure, 1);
    assert.equal(j.excluded.missingPairs, 1);
    assert.equal(j.confusion.tp + j.confusion.fn + j.confusion.fp + j.confusion.tn, 39);
    assert.ok(j.diagnostics.some((d: { code: string }) => d.code === 'few-negatives'));
  });
});
