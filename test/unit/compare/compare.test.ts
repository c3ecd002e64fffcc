import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { buildComparison } from '../../../src/core/compare';
import { UserError } from '../../../src/core/errors';
import type { ResponseRecord } from '../../../src/core/store/records';
import { outputHash } from '../../../src/core/runner/hash';
import { runDir, writeManifest } from '../../../src/core/store/runs';
import { makeCompareFixture } from './fixture';
import { cpuMsOf } from '../helpers/cpuTime';

const FAST = { draws: 20_000, seed: 3 };

function addRun(root: string, runId: string, createdAt: string, prompt: string, rows: ResponseRecord[]): void {
  writeManifest(root, { version: 1, runId, planKey: runId, status: 'complete', createdAt, updatedAt: '', prompt: { path: prompt }, testSet: { id: 't' },
    candidates: [], counts: { requested: 0, cached: 0, resumed: 0, errors: 0, skipped: 0 }, inputTokens: 0, outputTokens: 0, cost: 0, issues: [] });
  fs.writeFileSync(path.join(runDir(root, runId), 'responses.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

suite('buildComparison on a generated store', () => {
  test('finds the designed differences: IDK, latency and style failures, and the one good candidate selected', async () => {
    const f = makeCompareFixture({ variantSystems: { good: { correct: 0.9, idk: 0.05, latencyMs: 800, badStyle: 0 } } });
    const r = await buildComparison(f.project, FAST);
    assert.equal(r.testSets.length, 1);
    const ts = r.testSets[0]!;
    assert.equal(ts.n, 200);
    assert.equal(ts.metricId, 'f1');
    assert.deepEqual(ts.rows.map((x) => x.systemId), ['base', 'good', 'idky', 'slow', 'wordy']);
    const overall = Object.fromEntries(ts.decisions.map((d) => [d.systemId, d.overall]));
    assert.deepEqual(overall, { good: 'pass', idky: 'fail', slow: 'fail', wordy: 'fail' });
    const d = Object.fromEntries(ts.decisions.map((x) => [x.systemId, x]));
    assert.equal(d.idky!.idk.status, 'fail');
    assert.equal(d.slow!.latency.status, 'fail');
    assert.equal(d.wordy!.style.status, 'fail');
    const good = ts.rows.find((x) => x.systemId === 'good')!;
    assert.ok(good.difference!.lo > 0, 'good is better than the baseline');
    assert.ok(good.pHolm! < 0.05 && good.nonInferior);
    assert.equal(good.pairedN, 200);
    assert.ok(Math.abs(good.costPer1k! - 1000 * (500 * 0.5 + 50 * 2) / 1e6) < 1e-9);
    assert.ok(ts.rows.find((x) => x.systemId === 'wordy')!.styleRules['phrase:according-to']! > 0.2);
    // Calibration pools every labelled output; the judge was built with TPR 0.9, FPR 0.15.
    const c = ts.calibration!;
    assert.ok(c.tp + c.fn + c.fp + c.tn > 150);
    assert.ok(c.tpr.lo < 0.9 && 0.9 < c.tpr.hi + 0.03);
    assert.equal(c.unmatched, 0);
    assert.ok(c.plan && c.plan.message.length > 0);
    // The variant is compared with its parent prompt on the same model.
    assert.equal(ts.variants.length, 1);
    assert.equal(ts.variants[0]!.systemId, 'good · qa.v2.prompt.yml');
    assert.equal(ts.variants[0]!.parentPrompt, 'prompts/qa.prompt.yml');
    assert.equal(ts.variantDecisions![0]!.latency.status, 'pass');
    assert.deepEqual(r.selection?.best?.candidates, ['good']);
    assert.deepEqual(r.runs.sort(), ['R1', 'R2']);
  });

  test('the latest output wins across runs, an error never erases an answer, and a changed output loses its old label and verdict', async () => {
    const f = makeCompareFixture({ n: 90 });
    const before = (await buildComparison(f.project, FAST)).testSets[0]!;
    const good0 = before.rows.find((x) => x.systemId === 'good')!;
    const changed = '<response><answer>A new answer.</answer></response>';
    addRun(f.root, 'R9', '2026-02-01T00:00:00.000Z', 'prompts/qa.prompt.yml', [
      { exampleId: 'q0', candidateId: 'good', model: 'good-1', requestHash: 'x', output: changed, outputHash: outputHash(changed), latencyMs: 800, at: '' },
      { exampleId: 'q3', candidateId: 'good', model: 'good-1', requestHash: 'y', error: { kind: 'transient', message: 'later failure' }, at: '' },
    ]);
    const after = await buildComparison(f.project, FAST);
    const ts = after.testSets[0]!;
    const good = ts.rows.find((x) => x.systemId === 'good')!;
    assert.equal(good.n, good0.n, 'q3 keeps its earlier output');
    assert.equal(good.errors, 0);
    assert.equal(good.noVerdict, good0.noVerdict + 1, 'the new q0 output has no verdict yet');
    assert.equal(ts.calibration!.unmatched, 1, 'the label of the old q0 output no longer matches');
    assert.ok(after.runs.includes('R9'));
  });

  test('schema failures eliminate; ppi++ and human-only work from per-system labels', async () => {
    const f = makeCompareFixture({
      systems: { base: { correct: 0.7, idk: 0.1, latencyMs: 1000, badStyle: 0 }, brk: { correct: 0.8, idk: 0.1, latencyMs: 900, badStyle: 0, broken: 0.2 },
        ok: { correct: 0.8, idk: 0.1, latencyMs: 900, badStyle: 0 } },
      candidates: ['  - { id: base, endpoint: demo, model: base-1 }', '  - { id: brk, endpoint: demo, model: brk-1 }', '  - { id: ok, endpoint: demo, model: ok-1 }'],
      decision: [], labelsPerSystem: 60,
    });
    for (const estimator of ['ppi++', 'human-only', 'paper', 'naive'] as const) {
      const ts = (await buildComparison(f.project, { ...FAST, estimator })).testSets[0]!;
      assert.equal(ts.estimator, estimator);
      const brk = ts.decisions.find((x) => x.systemId === 'brk')!;
      assert.equal(brk.schema.status, 'fail', estimator);
      const ok = ts.rows.find((x) => x.systemId === 'ok')!;
      assert.ok(ok.difference, `${estimator} gives a difference`);
      assert.ok(ok.labels!.tp + ok.labels!.fn + ok.labels!.fp + ok.labels!.tn >= 30);
    }
  });

  test('an uninformative judge makes correctness unknown, so nothing is selected', async () => {
    const f = makeCompareFixture({ tpr: 0.5, fpr: 0.5, labelsPerSystem: 20 });
    const r = await buildComparison(f.project, FAST);
    const ts = r.testSets[0]!;
    assert.ok(ts.calibration!.uninformative);
    const good = ts.decisions.find((x) => x.systemId === 'good')!;
    assert.equal(good.correctness.status, 'unknown');
    assert.equal(r.selection?.best, undefined);
  });

  test('unusable requests are user errors; a test set without baseline runs is left out with a note', async () => {
    const f = makeCompareFixture({ n: 30 });
    await assert.rejects(buildComparison(f.project, { ...FAST, testSetId: 'nope' }), (e: Error) => e instanceof UserError && /no test set 'nope'/.test(e.message));
    const text = fs.readFileSync(f.project, 'utf8').replace("'  - { id: t,", "'  - { id: t,")
      .replace('testSets:\n', 'testSets:\n  - { id: other, path: data/t.jsonl, fields: { id: id } }\n');
    fs.writeFileSync(f.project, text);
    const r = await buildComparison(f.project, FAST);
    assert.deepEqual(r.testSets.map((x) => x.testSetId), ['t']);
    assert.match(r.notes![0]!.message, /'other' has no runs/);
    const only = await buildComparison(f.project, { ...FAST, testSetId: 'other' });
    assert.equal(only.testSets[0]!.notes[0]!.severity, 'error');
    assert.equal(only.selection?.best, undefined);
    fs.rmSync(path.join(f.root, 'runs'), { recursive: true });
    await assert.rejects(buildComparison(f.project, FAST), (e: Error) => e instanceof UserError && /no runs of the baseline prompt/.test(e.message));
  });

  test('10 000 examples × 5 candidates compare in linear time (a few seconds)', async function () {
    this.timeout(120_000); // a guard against a hang only: the bound below is on CPU time
    const f = makeCompareFixture({ n: 10_000, labelsPerSystem: 100 });
    // CPU time of this thread, not wall-clock: a loaded machine stretched the latter to 27 s (bench/compare.ts measures speed).
    const { value: r, ms } = await cpuMsOf(() => buildComparison(f.project, FAST));
    assert.equal(r.testSets[0]!.n, 10_000);
    assert.ok(ms < 20_000, `took ${ms.toFixed(0)} ms of CPU`);
  });
});
