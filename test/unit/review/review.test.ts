import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReviewData } from '../../../src/core/review/data';
import { csvCell, formatTables, mdCell } from '../../../src/core/review/exportView';
import { ReviewSession } from '../../../src/core/review/session';
import { Store } from '../../../src/core/store/store';
import type { ProjectFile } from '../../../src/core/project/types';
import type { ComparisonReport } from '../../../src/protocol/comparison';
import { parsePanelState, parseWebviewMessage, type ReviewOutput, type ReviewSystem } from '../../../src/protocol/messages';

const systems: ReviewSystem[] = [
  { systemId: 'a', candidateId: 'a', model: 'ma', prompt: 'p.prompt.yml', isBaseline: true },
  { systemId: 'b', candidateId: 'b', model: 'mb', prompt: 'p.prompt.yml', isBaseline: false },
];

/** n examples; system a judged correct on even ids, b on multiples of 3; b's IDK on 5s; a style finding on b's 7s. */
function model(n: number): ReviewData {
  const out = (sys: string, i: number, verdict: 0 | 1): ReviewOutput => ({ systemId: sys, candidateId: sys, model: `m${sys}`, outputHash: `${sys}-${i}`, text: `answer ${i}`,
    idk: sys === 'b' && i % 5 === 0, schemaValid: true, findings: sys === 'b' && i % 7 === 0 ? [{ start: 0, end: 6, ruleId: 'phrase:x', message: 'm' }] : [],
    verdicts: [{ metricId: 'judge', verdict }] });
  const examples = Array.from({ length: n }, (_, i) => ({ exampleId: `e${i}`, line: i + 1, question: `q${i}`, context: '', groundTruth: [`t${i}`] }));
  const outputs = new Map([
    ['a', new Map(examples.map((e, i) => [e.exampleId, out('a', i, i % 2 === 0 ? 1 : 0)]))],
    ['b', new Map(examples.map((e, i) => [e.exampleId, out('b', i, i % 3 === 0 ? 1 : 0)]))],
  ]);
  return new ReviewData({ testSetId: 'ts', examples, systems, outputs, primaryMetric: 'judge' });
}

suite('review model', () => {
  test('filters: disagreements, failures, IDK, style, unlabelled (which follows labels)', () => {
    const d = model(30);
    const dis = d.index('disagreements');
    assert.ok(dis.every((i) => (i % 2 === 0) !== (i % 3 === 0)) && dis.length === 30 - [...Array(30).keys()].filter((i) => (i % 2 === 0) === (i % 3 === 0)).length);
    assert.deepEqual(d.index('failures'), [...Array(30).keys()].filter((i) => i % 3 !== 0));
    assert.deepEqual(d.index('idk'), [0, 5, 10, 15, 20, 25]);
    assert.deepEqual(d.index('style'), [0, 7, 14, 21, 28]);
    assert.equal(d.index('unlabelled').length, 30);
    d.setLabel('b-4', 'correct');
    assert.equal(d.index('unlabelled').length, 29);
    assert.equal(d.row(4).candidate?.label, 'correct');
    d.setLabel('b-4', undefined);
    assert.equal(d.index('unlabelled').length, 30);
  });

  test('paging: offset and limit over the filtered list, rows side by side', () => {
    const d = model(10_000);
    const p = d.page('all', 9_950, 100);
    assert.equal(p.total, 10_000);
    assert.equal(p.rows.length, 50);
    assert.equal(p.rows[0]!.exampleId, 'e9950');
    assert.equal(p.rows[0]!.baseline?.systemId, 'a');
    assert.equal(p.rows[0]!.candidate?.systemId, 'b');
    assert.equal(d.page('all', 20_000, 100).rows.length, 0);
    assert.equal(d.page('all', 0, 10, 'nope').systemId, 'b', 'an unknown system falls back to the default');
  });

  test("blind sample in the planner's order: the candidate's outputs first while the judge is unchecked on it, verdicts in proportion, opaque keys, skips labelled outputs", () => {
    const d = model(1000);
    const items = d.labelSample(100, 42);
    assert.equal(items.length, 100);
    // A key is a keyed digest: its shape says nothing, and another session keys the same output differently.
    assert.ok(items.every((i) => /^[A-Za-z0-9_-]{22}$/.test(i.key) && !('systemId' in i) && !('outputHash' in i)), 'keys and items reveal no system');
    const other = model(1000);
    other.labelSample(100, 42);
    assert.ok(items.every((i) => { const t = d.resolveKey(i.key)!; return other.resolveKey(i.key) === undefined && !i.key.includes(t.outputHash); }), 'a key cannot be resolved or read outside its session');
    assert.ok(items.every((i) => i.reason && !/baseline|candidate|correct|verdict [01]/.test(i.reason)), 'every item says why, without naming the system or the verdict');
    const targets = items.map((i) => d.resolveKey(i.key)!);
    const verdictOf = (t: { systemId: string; exampleId: string }): number | null | undefined => d.verdict(d.output(t.systemId, t.exampleId));
    assert.ok(targets.every((t) => !d.output(t.systemId, t.exampleId)!.idk), 'no IDK output is offered for labelling');
    // Nothing is labelled: the judge is unchecked on both; the candidate (b) comes first, 30 outputs, then the baseline (a).
    assert.deepEqual(targets.slice(0, 30).map((t) => t.systemId), Array(30).fill('b'));
    assert.deepEqual(targets.slice(30, 60).map((t) => t.systemId), Array(30).fill('a'));
    // b is judged correct on a third of its outputs: at every point of its run the verdicts stay in that proportion.
    for (const k of [3, 9, 15, 30]) assert.equal(targets.slice(0, k).filter((t) => verdictOf(t) === 1).length, k / 3, `b's first ${k}`);
    assert.equal(targets.slice(30, 60).filter((t) => verdictOf(t) === 1).length, 15, "a's run is half correct, as a's outputs are");
    assert.ok(items.slice(0, 60).every((i) => i.reason === items[0]!.reason) && items[60]!.reason !== items[0]!.reason, 'the reason changes with the phase');
    // Then in proportion over what is left (a 470/470; b without its 200 IDK outputs 257/513): 11/11/6/12 of the last 40.
    const rest = targets.slice(60);
    const count = (sys: string, v: 0 | 1): number => rest.filter((t) => t.systemId === sys && verdictOf(t) === v).length;
    assert.deepEqual([count('a', 1), count('a', 0), count('b', 1), count('b', 0)], [11, 11, 6, 12]);
    for (const t of targets) d.setLabel(t.outputHash, 'correct');
    const next = d.labelSample(2000, 1);
    assert.equal(next.length, 1700);
    assert.ok(next.every((i) => !targets.some((t) => t.exampleId === i.exampleId && d.resolveKey(i.key)!.systemId === t.systemId)));
    assert.ok(next.every((i) => i.reason === next[0]!.reason), 'with 30+ labels on each system nothing is untested: proportional from the start');
  });

  test('blind sample: a candidate already labelled enough is not put first; a system below 30 labels is', () => {
    const d = model(200);
    for (let i = 0; i < 40; i++) d.setLabel(`b-${i}`, 'correct');
    const targets = d.labelSample(20, 3).map((i) => d.resolveKey(i.key)!);
    assert.deepEqual(targets.map((t) => t.systemId), Array(20).fill('a'), 'the baseline (unchecked) comes first now');
  });
});

suite('review session: labels on disk', () => {
  test('label appends a line keyed by output hash; undo appends withdrawn and returns the item', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-review-'));
    try {
      const project = { path: path.join(root, 'prompt-adapt.yml'), candidates: [], testSets: [{ id: 'ts', path: 'x.jsonl', fields: {} }], metrics: [], style: {}, decision: {} } as ProjectFile;
      const data = model(20);
      const session = new ReviewSession({ project, store: Store.openInFolder(root), reviewer: 'ana', now: () => new Date('2025-01-01T00:00:00Z'),
        compare: async () => ({ project: '', generatedAt: '', testSets: [], runs: [] }) });
      (session as unknown as { models: Map<string, Promise<ReviewData>> }).models.set('ts', Promise.resolve(data));
      (session as unknown as { checkedAt: number }).checkedAt = Date.now() + 1e9;
      const q = await session.labelQueue('ts', 3).catch(async () => ({ items: data.labelSample(3, 1), progress: await session.progress('ts') }));
      const p1 = await session.label('ts', q.items[0]!.key, 'correct', 'looks right');
      const p2 = await session.label('ts', q.items[1]!.key, 'incorrect');
      assert.deepEqual([p1.labelled, p2.labelled], [1, 2]);
      assert.equal(p2.target, 60, 'without a plan the target is 30 per class');
      await assert.rejects(session.label('ts', 'forged-key', 'correct'), /no longer in the review/);
      const undone = await session.undo('ts');
      assert.equal(undone.progress.labelled, 1);
      assert.equal(undone.item?.exampleId, q.items[1]!.exampleId);
      const lines = fs.readFileSync(path.join(root, '.prompt-adapt/labels/ts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const t0 = data.resolveKey(q.items[0]!.key)!;
      assert.deepEqual(lines[0], { outputHash: t0.outputHash, exampleId: t0.exampleId, candidateId: t0.candidateId, label: 'correct', reviewer: 'ana', note: 'looks right', at: '2025-01-01T00:00:00.000Z' });
      assert.deepEqual(lines.map((l) => l.label), ['correct', 'incorrect', 'withdrawn']);
      await assert.rejects(session.reviewPage('../etc', 'all', 0, 10), /No test set/);
    } finally { fs.rmSync(root, { recursive: true, force: true }); }
  });
});

suite('review session: label progress', () => {
  test("after a label, progress keeps the planner's target (the labels given since the plan count toward it)", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-review-'));
    try {
      const project = { path: path.join(root, 'prompt-adapt.yml'), candidates: [], testSets: [{ id: 'ts', path: 'x.jsonl', fields: {} }], metrics: [], style: {}, decision: {} } as ProjectFile;
      const data = model(20);
      const plan = { target: 0.03, floor: 0.01, labelsNeeded: 40, message: 'b: 40 more labels' };
      const report = { project: '', generatedAt: '', runs: [], testSets: [{ testSetId: 'ts', calibration: { plan } }] } as unknown as ComparisonReport;
      const session = new ReviewSession({ project, store: Store.openInFolder(root), reviewer: 'ana', compare: async () => report });
      (session as unknown as { models: Map<string, Promise<ReviewData>> }).models.set('ts', Promise.resolve(data));
      (session as unknown as { checkedAt: number }).checkedAt = Date.now() + 1e9;
      (session as unknown as { checkFresh: () => Promise<void> }).checkFresh = async () => undefined;
      await session.comparison();
      assert.equal((await session.progress('ts')).target, 40);
      const items = data.labelSample(3, 1);
      const p1 = await session.label('ts', items[0]!.key, 'correct');
      const p2 = await session.label('ts', items[1]!.key, 'incorrect');
      assert.deepEqual([p1.labelled, p1.target, p1.message], [1, 40, plan.message]);
      assert.deepEqual([p2.labelled, p2.target], [2, 40]);
      assert.equal(session.lastReport, undefined, 'the report is no longer current after a label');
      const undone = await session.undo('ts');
      assert.deepEqual([undone.progress.labelled, undone.progress.target], [1, 40]);
    } finally { fs.rmSync(root, { recursive: true, force: true }); }
  });
});

suite('export and protocol validation', () => {
  test('CSV cells are quoted and formula-safe; Markdown cells escape pipes, newlines and tags', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('=HYPERLINK("http://evil")'), `"'=HYPERLINK(""http://evil"")"`);
    assert.equal(csvCell('-1.5'), '-1.5');
    assert.equal(csvCell('+0.4'), '+0.4');
    assert.equal(mdCell('a|b\nc<script>'), 'a\\|b<br>c&lt;script>');
    assert.equal(formatTables([{ title: 't', header: ['x'], rows: [['1']] }], 'markdown'), '## t\n\n| x |\n| --- |\n| 1 |\n');
  });

  test('parseWebviewMessage accepts exactly the protocol and rejects everything else', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', version: 1 }), { type: 'ready', version: 1 });
    assert.ok(parseWebviewMessage({ type: 'request', id: 1, method: 'label', params: { testSetId: 'ts', key: 'k', label: 'unsure', note: 'n' } }));
    assert.ok(parseWebviewMessage({ type: 'request', id: 2, method: 'getComparison' }));
    const bad: unknown[] = [null, 1, 'ready', [], { type: 'ready' }, { type: 'ready', version: 1, x: 1 }, { type: 'request', id: 1, method: 'toString', params: {} },
      { type: 'request', id: 1, method: '__proto__', params: {} }, { type: 'request', id: -1, method: 'getComparison', params: {} },
      { type: 'request', id: 1, method: 'getComparison', params: { estimator: 'magic' } }, { type: 'request', id: 1, method: 'label', params: { testSetId: 'ts', key: 'k', label: 'correct', note: 'x'.repeat(5000) } },
      { type: 'request', id: 1, method: 'getReviewPage', params: { testSetId: 'ts', filter: 'all', offset: 0, limit: 100_000 } },
      { type: 'request', id: 1, method: 'copyText', params: { text: 1, what: 'x' } }, { type: 'request', id: 1, method: 'exportView', params: { view: 'x', format: 'csv' } },
      { type: 'request', id: 1, method: 'openInTestSet', params: { testSetId: 'ts', exampleId: 5 } }, { type: 'request', id: 1, method: 'label', params: [] }];
    for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m)?.slice(0, 80));
    assert.deepEqual(parsePanelState({ view: 'review', review: { filter: 'idk', index: 3 }, junk: 1 }), { view: 'review', testSetId: undefined, estimator: undefined, review: { filter: 'idk', systemId: undefined, index: 3 } });
    assert.equal(parsePanelState({ view: 'evil' }), undefined);
  });
});
