import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GridModel, gridOf, oneLine } from '../../../src/core/grid/grid';
import { promptPair } from '../../../src/core/grid/promptPair';
import { ReviewData } from '../../../src/core/review/data';
import type { GridFilter } from '../../../src/protocol/grid';
import { parsePanelState, parseWebviewMessage, type ReviewOutput, type ReviewSystem } from '../../../src/protocol/messages';

const systems: ReviewSystem[] = [
  { systemId: 'a', candidateId: 'a', model: 'ma', prompt: 'p.prompt.yml', isBaseline: true },
  { systemId: 'b', candidateId: 'b', model: 'mb', prompt: 'p.prompt.yml', isBaseline: false },
  { systemId: 'a · p.v.prompt.yml', candidateId: 'a', model: 'ma', prompt: 'p.v.prompt.yml', isBaseline: false },
];

/**
 * n examples. a: correct on even i. b: correct on multiples of 3, IDK on multiples of 5, a request error on 11s,
 * unparsed on 13s, a style finding on 7s. The variant: correct everywhere, no output on 4s, no verdict on 9s.
 */
function outputsOf(n: number): { examples: ReviewData['examples'][number][]; outputs: Map<string, Map<string, ReviewOutput>> } {
  const out = (sys: string, i: number, verdict: 0 | 1 | null, extra: Partial<ReviewOutput> = {}): ReviewOutput => ({ systemId: sys, candidateId: sys[0]!, model: 'm',
    outputHash: `${sys}-${i}`, text: `${sys} answer ${i}`, idk: false, schemaValid: true, findings: [], verdicts: verdict === null ? [] : [{ metricId: 'judge', verdict }], ...extra });
  const examples = Array.from({ length: n }, (_, i) => ({ exampleId: `e${i}`, line: i + 1, question: `Question number ${i}`, context: '', groundTruth: [] }));
  const b = (i: number): ReviewOutput => out('b', i, i % 3 === 0 ? 1 : 0, {
    idk: i % 5 === 0, ...(i % 11 === 0 ? { error: 'http: 500' } : {}), schemaValid: i % 13 !== 0,
    findings: i % 7 === 0 ? [{ start: 0, end: 1, ruleId: 'phrase:x', message: 'm' }] : [], ...(i === 8 ? { text: 'The PARCEL arrives Tuesday', raw: '<answer>The PARCEL arrives Tuesday</answer> zebra' } : {}) });
  const outputs = new Map([
    ['a', new Map(examples.map((e, i) => [e.exampleId, out('a', i, i % 2 === 0 ? 1 : 0)]))],
    ['b', new Map(examples.map((e, i) => [e.exampleId, b(i)]))],
    [systems[2]!.systemId, new Map(examples.flatMap((e, i) => (i % 4 === 0 ? [] : [[e.exampleId, out('v', i, i % 9 === 0 ? null : 1)] as const])))],
  ]);
  return { examples, outputs };
}

function model(n: number): ReviewData {
  return new ReviewData({ testSetId: 'ts', systems, primaryMetric: 'judge', ...outputsOf(n) });
}

const range = (n: number, keep: (i: number) => boolean): number[] => [...Array(n).keys()].filter(keep);

suite('results grid (core)', () => {
  test('columns: baseline, candidates on the baseline prompt, then variants', () => {
    assert.deepEqual(new GridModel(model(3)).columns.map((c) => [c.systemId, c.kind]), [['a', 'baseline'], ['b', 'candidate'], ['a · p.v.prompt.yml', 'variant']]);
  });

  test('each cell: error, IDK (whatever the verdict), unparsed and incorrect fail, no verdict, no output', () => {
    const g = new GridModel(model(40));
    const cells = (i: number) => g.page({ filter: 'all' }, i, 1).rows[0]!.cells.map((c) => c.status);
    assert.deepEqual(cells(0), ['pass', 'error', 'missing'], 'a request error comes first');
    assert.deepEqual(cells(5), ['fail', 'idk', 'pass']);
    assert.deepEqual(cells(15), ['fail', 'idk', 'pass'], 'IDK although judged correct');
    assert.deepEqual(cells(1), ['fail', 'fail', 'pass']);
    assert.deepEqual(cells(3), ['fail', 'pass', 'pass']);
    assert.deepEqual(cells(9), ['fail', 'pass', 'unjudged']);
    assert.deepEqual(cells(22), ['pass', 'error', 'pass']);
    assert.deepEqual(cells(39), ['fail', 'fail', 'pass'], '39 = 3·13: judged correct but the answer did not parse');
    const r21 = g.page({ filter: 'all' }, 21, 1).rows[0]!;
    assert.equal(r21.cells[1]!.style, 1);
    assert.equal(r21.cells[1]!.text, 'b answer 21');
    assert.equal(g.page({ filter: 'all' }, 22, 1).rows[0]!.cells[1]!.text, 'http: 500', 'an error cell shows the error');
  });

  test('filters over every column: failures (style included, IDK not), IDK, candidate fails where the baseline passes', () => {
    const n = 200;
    const g = new GridModel(model(n));
    const bFails = (i: number) => i % 11 === 0 || (i % 5 !== 0 && (i % 13 === 0 || i % 3 !== 0 || i % 7 === 0));
    const aFails = (i: number) => i % 2 !== 0;
    assert.deepEqual(g.rows({ filter: 'failures' }), range(n, (i) => aFails(i) || bFails(i)));
    assert.deepEqual(g.rows({ filter: 'idk' }), range(n, (i) => i % 5 === 0 && i % 11 !== 0));
    // The variant never fails (correct or unjudged), so regressions are b's failures on a's passes.
    assert.deepEqual(g.rows({ filter: 'regressions' }), range(n, (i) => !aFails(i) && bFails(i)));
    assert.ok(g.rows({ filter: 'regressions' }).includes(14), 'a correct answer with a style finding fails on style');
    assert.deepEqual(g.rows({ filter: 'all' }), range(n, () => true));
  });

  test('a focus column restricts the filter to that column', () => {
    const g = new GridModel(model(60));
    assert.deepEqual(g.rows({ filter: 'failures', systemId: 'a' }), range(60, (i) => i % 2 !== 0));
    assert.deepEqual(g.rows({ filter: 'failures', systemId: 'a · p.v.prompt.yml' }), []);
    assert.deepEqual(g.rows({ filter: 'regressions', systemId: 'a' }), [], 'the baseline cannot fail where it passes');
    const page = g.page({ filter: 'failures', systemId: 'nobody' }, 0, 5);
    assert.equal(page.systemId, undefined, 'an unknown focus column means every column');
    assert.equal(page.total, g.rows({ filter: 'failures' }).length);
  });

  test('disagreements between the judge and the human label follow the labels', () => {
    const d = model(30);
    const g = gridOf(d);
    assert.deepEqual(g.rows({ filter: 'disagreements' }), []);
    d.setLabel('a-1', 'correct'); // judged incorrect
    d.setLabel('a-2', 'correct'); // judged correct: agrees
    d.setLabel('b-6', 'incorrect'); // judged correct
    d.setLabel('b-7', 'unsure');
    assert.deepEqual(g.rows({ filter: 'disagreements' }), [1, 6]);
    const cell = g.page({ filter: 'disagreements' }, 0, 1).rows[0]!.cells[0]!;
    assert.deepEqual([cell.label, cell.disagrees], ['correct', true]);
    d.setLabel('a-1', undefined);
    assert.deepEqual(g.rows({ filter: 'disagreements' }), [6]);
    assert.equal(gridOf(d), g, 'one grid per review model');
  });

  test('search: case-insensitive in the example id, the question and every output (raw included), combined with a filter', () => {
    const g = new GridModel(model(100));
    assert.deepEqual(g.rows({ filter: 'all', search: 'parcel' }), [8]);
    assert.deepEqual(g.rows({ filter: 'all', search: '  ZEBRA ' }), [8], 'the raw output is searched; the search is trimmed');
    assert.deepEqual(g.rows({ filter: 'all', search: 'question number 7' }), [7, ...range(100, (i) => i >= 70 && i < 80)]);
    const failures = new Set(g.rows({ filter: 'failures' }));
    assert.deepEqual(g.rows({ filter: 'failures', search: 'question number 7' }), g.rows({ filter: 'all', search: 'question number 7' }).filter((i) => failures.has(i)));
    assert.ok(g.rows({ filter: 'failures', search: 'question number 7' }).length < 11);
    assert.deepEqual(g.rows({ filter: 'all', search: 'e42' }), [42]);
    assert.deepEqual(g.rows({ filter: 'all', search: 'http: 500' }), range(100, (i) => i % 11 === 0));
    const page = g.page({ filter: 'failures', search: 'question number 7' }, 0, 100);
    const counts = Object.fromEntries((['all', 'failures', 'idk'] as GridFilter[]).map((f) => [f, g.rows({ filter: f, search: 'question number 7' }).length]));
    assert.deepEqual({ all: page.counts.all, failures: page.counts.failures, idk: page.counts.idk }, counts);
    assert.equal(page.search, 'question number 7');
  });

  test('10k rows: every output is read once to build the grid, once more for the first search, and a page reads only its rows', () => {
    const n = 10_000;
    const d = model(n);
    let reads = 0;
    const read = d.output.bind(d);
    d.output = (s, e) => { reads++; return read(s, e); };
    const t0 = performance.now();
    const g = new GridModel(d);
    assert.equal(reads, n * 3);
    for (const f of ['failures', 'disagreements', 'idk', 'regressions'] as GridFilter[]) g.rows({ filter: f });
    assert.equal(reads, n * 3, 'filters use the cells computed once');
    g.rows({ filter: 'all', search: 'answer 9999' });
    g.rows({ filter: 'failures', search: 'answer 99' });
    assert.equal(reads, n * 6, 'search text is gathered once');
    const page = g.page({ filter: 'all' }, 9_950, 100);
    assert.equal(reads, n * 6 + 50 * 3);
    assert.deepEqual([page.total, page.size, page.rows.length, page.rows[0]!.exampleId, page.rows[0]!.index], [n, n, 50, 'e9950', 9950]);
    console.log(`      grid of ${n} × 3 built, filtered four ways and searched twice in ${(performance.now() - t0).toFixed(0)} ms`);
  });

  test('cell and question text: one line, control characters as visible symbols, long text cut', () => {
    assert.equal(oneLine('a\n\n b\tc\r\n', 50), 'a b c');
    assert.equal(oneLine('red \u001b[31mALERT\u001b[0m\u0007 \u202eevil', 50), 'red \u241b[31mALERT\u241b[0m\u2407 \ufffdevil');
    assert.equal(oneLine('x'.repeat(500), 10), `${'x'.repeat(10)}…`);
    assert.equal(oneLine(`${'y '.repeat(400)}`, 10), `${'y '.repeat(5)}…`);
    assert.equal(oneLine('<script>alert(1)</script>', 50), '<script>alert(1)</script>', 'markup stays as characters: the webview renders text');
  });

  test('CSV of the filtered view: the rows the grid shows, a column group per system, formula-like and separator text quoted as the report does', () => {
    const d = model(30);
    const hostile = ['=HYPERLINK("http://x","y")', '+1+2', '-2+3', '@SUM(A1)', 'ok;=cmd()', 'a,b', 'line\nbreak "quoted"'];
    hostile.forEach((text, k) => { d.output('b', `e${k * 3 + 1}`)!.text = text; });
    const g = new GridModel(d);
    const query = { filter: 'regressions', search: 'question' } as const;
    const { text, rows } = g.csv(query);
    assert.equal(rows, g.rows(query).length);
    assert.ok(rows > 0 && rows < 30);
    const header = text.slice(0, text.indexOf('\r\n'));
    assert.equal(header, ['example', 'line', 'question', ...['a', 'b', 'a · p.v.prompt.yml'].flatMap((s) => ['result', 'style findings', 'label', 'answer'].map((c) => `${s}: ${c}`))].join(','));
    // Every shown row, in grid order, nothing else (a quoted line break keeps one record on two physical lines).
    assert.deepEqual(text.match(/^e\d+,/gm)!.map((x) => Number(x.slice(1, -1))), g.rows(query));
    assert.equal(g.csv({ filter: 'all' }).rows, 30);
    // Row 14: a passes; b is incorrect with a style finding; the variant answered. Row 0: b's request failed, the variant has no output.
    assert.match(text, /^e14,15,Question number 14,pass,0,,a answer 14,fail,1,,b answer 14,pass,0,,v answer 14\r$/m);
    assert.match(text, /^e0,1,Question number 0,pass,0,,a answer 0,error,1,,http: 500,missing,0,,\r$/m);
    // The hostile answers, through the report's csvField: quoted when they hold , ; " or a line break, an apostrophe before = + - @.
    const all = g.csv({ filter: 'all' }).text;
    const want = [`"'=HYPERLINK(""http://x"",""y"")"`, `'+1+2`, `'-2+3`, `'@SUM(A1)`, `"ok;=cmd()"`, `"a,b"`, `"line\nbreak ""quoted"""`];
    want.forEach((w, k) => assert.ok(all.includes(`,${w},`), `e${k * 3 + 1}: ${w}`));
    d.setLabel('b-3', 'incorrect');
    assert.match(g.csv({ filter: 'disagreements' }).text, /^e3,4,Question number 3,fail,0,,a answer 3,pass,0,incorrect,b answer 3,/m, 'labels are read when exported');
    assert.equal(g.csv({ filter: 'idk', systemId: 'a' }).text, `${header}\r\n`, 'no row: the header alone');
  });

  test('protocol: grid requests and state are checked', () => {
    assert.equal(parseWebviewMessage({ type: 'request', id: 3, method: 'exportGrid', params: { testSetId: 'ts', filter: 'failures', search: 's', systemId: 'b' } })?.type, 'request');
    assert.equal(parseWebviewMessage({ type: 'request', id: 3, method: 'exportGrid', params: { testSetId: 'ts', filter: 'failures', path: '/etc/passwd' } }), undefined);
    const ok = parseWebviewMessage({ type: 'request', id: 1, method: 'getGridPage', params: { testSetId: 'ts', filter: 'regressions', search: 'x', offset: 0, limit: 100 } });
    assert.equal(ok?.type, 'request');
    for (const params of [{ testSetId: 'ts', filter: 'nope', offset: 0, limit: 1 }, { testSetId: 'ts', filter: 'all', search: 'x'.repeat(201), offset: 0, limit: 1 },
      { testSetId: 'ts', filter: 'all', offset: 0, limit: 100_000 }, { testSetId: 'ts', filter: 'all', offset: 0, limit: 1, extra: 1 }]) {
      assert.equal(parseWebviewMessage({ type: 'request', id: 1, method: 'getGridPage', params }), undefined, JSON.stringify(params).slice(0, 80));
    }
    assert.equal(parseWebviewMessage({ type: 'request', id: 2, method: 'getPromptPair', params: { testSetId: 'ts', systemId: 'b' } })?.type, 'request');
    assert.deepEqual(parsePanelState({ view: 'grid', grid: { filter: 'idk', search: 's', row: 3, col: 1 } })?.grid, { filter: 'idk', search: 's', systemId: undefined, row: 3, col: 1 });
    assert.equal(parsePanelState({ view: 'grid', grid: { filter: 'idk', row: -1, col: 1 } })?.grid, undefined);
    assert.equal(parsePanelState({ view: 'review', review: { filter: 'all', index: 0, diff: true } })?.review?.diff, true);
  });
});

suite('prompt pair (variant beside its parent)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-pair-'));
  const prompt = (system: string, extra = ''): string => `name: qa\nmessages:\n  - role: system\n    content: ${system}\n  - role: user\n    content: "Q: {{question}}"\n${extra}`;
  fs.mkdirSync(path.join(dir, 'prompts'));
  fs.writeFileSync(path.join(dir, 'prompts/qa.prompt.yml'), prompt('Answer briefly.'));
  fs.writeFileSync(path.join(dir, 'prompts/qa.v.prompt.yml'), prompt('Answer briefly and politely.', 'adapt:\n  variantOf: qa.prompt.yml\n'));
  const project = { path: path.join(dir, 'prompt-adapt.yml') };
  const sys = (p: string): ReviewSystem => ({ systemId: p, candidateId: 'a', model: 'm', prompt: p, isBaseline: false });
  suiteTeardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("a variant comes with its parent's messages (from adapt.variantOf)", async () => {
    const pair = await promptPair(project, sys('prompts/qa.v.prompt.yml'));
    assert.equal(pair.parentPrompt, 'prompts/qa.prompt.yml');
    assert.equal(pair.text, 'system:\nAnswer briefly and politely.\n\nuser:\nQ: {{question}}');
    assert.equal(pair.parentText, 'system:\nAnswer briefly.\n\nuser:\nQ: {{question}}');
  });

  test('the parent the comparison names wins; a prompt that is no variant comes alone; a missing parent is a clear error', async () => {
    const pair = await promptPair(project, sys('prompts/qa.prompt.yml'));
    assert.equal(pair.parentPrompt, undefined);
    assert.equal((await promptPair(project, sys('prompts/qa.prompt.yml'), 'prompts/qa.v.prompt.yml')).parentText?.includes('politely'), true);
    await assert.rejects(promptPair(project, sys('prompts/qa.v.prompt.yml'), 'prompts/gone.prompt.yml'), /Cannot read prompts\/gone\.prompt\.yml, the parent of prompts\/qa\.v\.prompt\.yml/);
    await assert.rejects(promptPair(project, sys('../outside.prompt.yml')));
  });
});
