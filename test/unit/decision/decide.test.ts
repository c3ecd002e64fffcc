import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { cheapestCover, EXACT_LIMIT, type CoverItem } from '../../../src/core/decision/setCover';
import { correctnessCell, decideRow, DEFAULT_THRESHOLDS, idkCell, latencyCell, resolveThresholds, schemaCell, selectCandidates, styleCell } from '../../../src/core/decision';
import type { ComparisonReport, SystemRow, TestSetComparison } from '../../../src/protocol/comparison';

const T = DEFAULT_THRESHOLDS;

function row(over: Partial<SystemRow> = {}): SystemRow {
  return { systemId: 'c', candidateId: 'c', model: 'm', prompt: 'p', isBaseline: false, n: 100, idkRate: 0.1, schemaFailureRate: 0, badStyleRate: 0,
    styleRules: {}, inputTokens: 0, outputTokens: 0, errors: 0, noVerdict: 0, notes: [], medianLatencyMs: 1000,
    difference: { mean: 0.05, median: 0.05, lo: 0.01, hi: 0.09 }, idkDifference: { mean: 0, median: 0, lo: -0.05, hi: 0.05 }, nonInferior: true, ...over };
}

suite('decision cells', () => {
  test('thresholds come from the project with defaults and a margin override', () => {
    assert.deepEqual(resolveThresholds({}), DEFAULT_THRESHOLDS);
    const t = resolveThresholds({ maxIdkIncrease: 0.1, nonInferiorityMargin: 0.05 }, { margin: 0 });
    assert.equal(t.maxIdkIncrease, 0.1);
    assert.equal(t.margin, 0);
  });

  test('schema: the observed rate against the threshold, boundary included; unknown without outputs', () => {
    assert.equal(schemaCell(row({ schemaFailureRate: 0.02 }), T).status, 'pass');
    assert.equal(schemaCell(row({ schemaFailureRate: 0.021 }), T).status, 'fail');
    assert.equal(schemaCell(row({ n: 0 }), T).status, 'unknown');
  });

  test('IDK: pass within the tolerance, fail on a significant excess, unknown when the excess is noise', () => {
    const iv = (mean: number, lo: number, hi: number) => ({ mean, median: mean, lo, hi });
    assert.equal(idkCell(row({ idkDifference: iv(0.02, -0.03, 0.07) }), T).status, 'pass');
    assert.equal(idkCell(row({ idkDifference: iv(0.08, 0.02, 0.14) }), T).status, 'fail');
    assert.equal(idkCell(row({ idkDifference: iv(0.05, -0.01, 0.11) }), T).status, 'unknown');
    assert.equal(idkCell(row({ idkDifference: undefined }), T).status, 'unknown');
  });

  test('latency: median ratio against the baseline', () => {
    const base = row({ medianLatencyMs: 1000 });
    assert.equal(latencyCell(row({ medianLatencyMs: 1250 }), base, T).status, 'pass');
    const slow = latencyCell(row({ medianLatencyMs: 1300 }), base, T);
    assert.equal(slow.status, 'fail');
    assert.equal(slow.value, 1.3);
    // One statistic everywhere (issue 16 §6): the decision names the median, as the project schema does.
    assert.match(slow.detail, /^median 1300 ms vs 1000 ms = ×1\.30 > ×1\.25$/);
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../schemas/project.schema.json'), 'utf8')) as unknown;
    const said = JSON.stringify(schema).match(/"maxLatencyRatio":\{[^}]*"description":"([^"]*)"/)![1]!;
    assert.match(said, /median latency/);
    assert.doesNotMatch(said, /p95|percentile/);
    assert.equal(latencyCell(row({ medianLatencyMs: undefined }), base, T).status, 'unknown');
    assert.equal(latencyCell(row(), undefined, T).status, 'unknown');
  });

  test('correctness: the Holm-adjusted non-inferiority flag decides; an error note makes it unknown', () => {
    assert.equal(correctnessCell(row(), T).status, 'pass');
    assert.equal(correctnessCell(row({ nonInferior: false }), T).status, 'fail');
    // Without the flag (a report from elsewhere), the interval rule alone applies.
    assert.equal(correctnessCell(row({ nonInferior: undefined, difference: { mean: 0, median: 0, lo: -0.019, hi: 0.02 } }), T).status, 'pass');
    assert.equal(correctnessCell(row({ nonInferior: undefined, difference: { mean: 0, median: 0, lo: -0.03, hi: 0.02 } }), T).status, 'fail');
    const err = correctnessCell(row({ notes: [{ code: 'uninformative-judge', severity: 'error', message: 'judge is no better than chance' }] }), T);
    assert.equal(err.status, 'unknown');
    assert.match(err.detail, /no better than chance/);
    assert.equal(correctnessCell(row({ difference: undefined }), T).status, 'unknown');
  });

  test('style and overall: any fail fails, else any unknown is unknown', () => {
    assert.equal(styleCell(row({ badStyleRate: 0.05, styleRules: { 'phrase:according-to': 0.05 } }), T).status, 'fail');
    assert.equal(decideRow(row(), row({ isBaseline: true }), T).overall, 'pass');
    assert.equal(decideRow(row({ medianLatencyMs: undefined }), row(), T).overall, 'unknown');
    assert.equal(decideRow(row({ medianLatencyMs: undefined, badStyleRate: 0.5 }), row(), T).overall, 'fail');
  });
});

/** Brute force over every subset: the reference the exact search must match. */
function bruteForce(items: CoverItem[], required: string[]): { ids: string[]; cost: number } | undefined {
  let best: { ids: string[]; cost: number; unpriced: number; quality: number } | undefined;
  const sorted = [...items].sort((a, b) => (a.id < b.id ? -1 : 1));
  for (let mask = 1; mask < 1 << sorted.length; mask++) {
    const m = sorted.filter((_, i) => mask & (1 << i));
    if (!required.every((r) => m.some((x) => x.covers.includes(r)))) continue;
    const s = { ids: m.map((x) => x.id), cost: m.reduce((a, x) => a + (x.cost ?? 0), 0), unpriced: m.filter((x) => x.cost === undefined).length,
      quality: m.reduce((a, x) => a + (x.quality ?? 0), 0) };
    const better = !best || s.unpriced < best.unpriced || (s.unpriced === best.unpriced && (s.cost < best.cost - 1e-12
      || (Math.abs(s.cost - best.cost) <= 1e-12 && (s.ids.length < best.ids.length || (s.ids.length === best.ids.length
        && (s.quality > best.quality + 1e-12 || (Math.abs(s.quality - best.quality) <= 1e-12 && s.ids.join('\0') < best.ids.join('\0'))))))));
    if (better) best = s;
  }
  return best && { ids: best.ids, cost: best.cost };
}

suite('set cover', () => {
  const regions = ['us', 'eu', 'ap', 'sa'];

  test('picks the cheapest covering set and lists irredundant runners-up', () => {
    const items: CoverItem[] = [
      { id: 'a', covers: ['us', 'eu'], cost: 5 },
      { id: 'b', covers: ['ap'], cost: 1 },
      { id: 'c', covers: ['us', 'eu', 'ap'], cost: 7 },
      { id: 'd', covers: ['eu', 'ap'], cost: 2 },
      { id: 'e', covers: ['us'], cost: 3 },
    ];
    const r = cheapestCover(items, ['us', 'eu', 'ap']);
    assert.deepEqual(r.best?.ids, ['d', 'e']);
    assert.equal(r.best?.cost, 5);
    assert.deepEqual(r.runnersUp.map((x) => x.ids), [['a', 'b'], ['c'], ['a', 'd']]); // c ties a+d at 7 with fewer members
    // Never the winner plus a spare member.
    for (const s of r.runnersUp) assert.ok(!(s.ids.includes('d') && s.ids.includes('e')));
  });

  test('ties: equal cost prefers fewer members, then higher quality, then ids', () => {
    const r = cheapestCover([{ id: 'x', covers: ['us'], cost: 1 }, { id: 'y', covers: ['eu'], cost: 1 }, { id: 'z', covers: ['us', 'eu'], cost: 2 }], ['us', 'eu']);
    assert.deepEqual(r.best?.ids, ['z']);
    const q = cheapestCover([{ id: 'p', covers: ['us'], cost: 1, quality: 0.01 }, { id: 'q', covers: ['us'], cost: 1, quality: 0.05 }], ['us']);
    assert.deepEqual(q.best?.ids, ['q']);
    const ids = cheapestCover([{ id: 'n2', covers: ['us'], cost: 1 }, { id: 'n1', covers: ['us'], cost: 1 }], ['us']);
    assert.deepEqual(ids.best?.ids, ['n1']);
  });

  test('nothing required: the cheapest single candidate; unpriced ranks after priced', () => {
    const r = cheapestCover([{ id: 'free?', covers: [] }, { id: 'cheap', covers: [], cost: 0.5 }, { id: 'dear', covers: [], cost: 9 }], []);
    assert.deepEqual(r.best?.ids, ['cheap']);
    assert.deepEqual(r.runnersUp.map((x) => x.ids), [['dear'], ['free?']]);
    assert.deepEqual(r.runnersUp[1]!.unpriced, ['free?']);
  });

  test('infeasible coverage names what is missing', () => {
    const r = cheapestCover([{ id: 'a', covers: ['us'], cost: 1 }], ['us', 'eu', 'ap']);
    assert.equal(r.best, undefined);
    assert.deepEqual(r.uncovered, ['eu', 'ap']);
  });

  test('exact search equals brute force on random instances', () => {
    let s = 7;
    const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 300; trial++) {
      const k = 1 + Math.floor(rnd() * 9);
      const items: CoverItem[] = Array.from({ length: k }, (_, i) => ({
        id: `m${i}`, covers: regions.filter(() => rnd() < 0.4), cost: rnd() < 0.1 ? undefined : Math.round(rnd() * 10) / 2, quality: Math.round(rnd() * 4) / 100,
      }));
      const required = regions.filter(() => rnd() < 0.7);
      const got = cheapestCover(items, required);
      const want = bruteForce(items, required);
      assert.deepEqual(got.best?.ids, want?.ids, JSON.stringify({ items, required }));
      if (want) assert.equal(got.best!.cost, want.cost);
    }
  });

  test('beyond the exact limit a greedy cover is returned and marked inexact', () => {
    const items: CoverItem[] = Array.from({ length: EXACT_LIMIT + 5 }, (_, i) => ({ id: `m${String(i).padStart(2, '0')}`, covers: [regions[i % 4]!], cost: 1 + (i % 3) }));
    items.push({ id: 'all', covers: regions, cost: 3.5 });
    const r = cheapestCover(items, regions);
    assert.equal(r.exact, false);
    assert.ok(r.best);
    assert.ok(regions.every((g) => r.best!.covers.includes(g)));
    assert.deepEqual(r.best.ids, ['all']);
  });
});

suite('selection over test sets', () => {
  const decisionsFor = (pass: string[], fail: string[]) => [...pass.map((id) => ({ id, o: 'pass' as const })), ...fail.map((id) => ({ id, o: 'fail' as const }))]
    .map(({ id, o }) => {
      const cell = { status: o, detail: '' };
      return { systemId: id, schema: cell, idk: cell, latency: cell, correctness: cell, style: cell, overall: o };
    });
  const ts = (id: string, pass: string[], fail: string[]): TestSetComparison => ({
    testSetId: id, n: 10, baselineId: 'base', estimator: 'rogan-gladen', level: 0.9, margin: 0.02, variants: [], notes: [],
    rows: [...pass, ...fail].map((s) => row({ systemId: s, candidateId: s, costPer1k: s === 'a' ? 1 : 2 })), decisions: decisionsFor(pass, fail),
  });
  const project = {
    candidates: [
      { id: 'base', endpoint: 'e', model: 'm', regions: ['us', 'eu', 'ap'] },
      { id: 'a', endpoint: 'e', model: 'm', regions: ['us'] },
      { id: 'b', endpoint: 'e', model: 'm', regions: ['us', 'eu'] },
      { id: 'c', endpoint: 'e', model: 'm', regions: ['ap'], modalities: ['files'] },
    ],
    decision: { requiredRegions: ['us', 'eu'] },
  };
  const report = (sets: TestSetComparison[]): ComparisonReport => ({ project: 'p', generatedAt: '', testSets: sets, runs: [] });

  test('a candidate must pass on every test set; the baseline is never selected', () => {
    const s = selectCandidates(report([ts('t1', ['a', 'b', 'c'], []), ts('t2', ['b', 'c'], ['a'])]), project, 'base');
    assert.deepEqual(s.eligible, ['b', 'c']);
    assert.deepEqual(s.best?.candidates, ['b']);
  });

  test('the selection says which member serves each required region and what a thousand requests there cost', () => {
    const wide = { ...project, decision: { requiredRegions: ['us', 'eu', 'ap'] } };
    const s = selectCandidates(report([ts('t1', ['a', 'b', 'c'], [])]), wide, 'base');
    assert.deepEqual(s.best?.candidates, ['b', 'c']);
    // us is covered by b only within the set {b, c}; ap by c; each at its own cost per 1k requests.
    assert.deepEqual(s.best?.serving, [
      { requirement: 'region:us', candidate: 'b', costPer1k: 2 }, { requirement: 'region:eu', candidate: 'b', costPer1k: 2 }, { requirement: 'region:ap', candidate: 'c', costPer1k: 2 }]);
  });

  test('no passing candidate, or coverage that cannot be met, gives a reason and no selection', () => {
    const none = selectCandidates(report([ts('t1', [], ['a', 'b', 'c'])]), project, 'base');
    assert.equal(none.best, undefined);
    assert.match(none.reason!, /no candidate passes/);
    const uncovered = selectCandidates(report([ts('t1', ['a', 'c'], ['b'])]), { ...project, decision: { requiredRegions: ['us', 'eu'], requiredModalities: ['files'] } }, 'base');
    assert.equal(uncovered.best, undefined);
    assert.match(uncovered.reason!, /region eu/);
    assert.doesNotMatch(uncovered.reason!, /files/);
  });
});
