import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import {
  countRows, fieldNames, forbiddenKeyKind, forbiddenValueKind, loadProjectFile, parseProjectFile, projectVariableSources,
  readExamples, rowHash, sampleExamples, testSetSource, validateTestSet, type Example,
} from '../../../src/core/project';
import { main as validate } from '../../../src/cli/commands/validate';

const GOOD = path.join(__dirname, '../../fixtures/good');
const BAD = path.join(__dirname, '../../fixtures/bad');

async function all(p: string, fields = {}): Promise<Example[]> {
  const out: Example[] = [];
  for await (const e of readExamples({ path: path.join(GOOD, p), fields })) out.push(e);
  return out;
}

suite('project file', () => {
  test('the complete example has no problems and links its files', async () => {
    const parsed = await loadProjectFile(path.join(GOOD, 'prompt-adapt.yml'));
    assert.deepEqual(parsed.problems, []);
    const p = parsed.project;
    assert.deepEqual(p.candidates.map((c) => c.id), ['haiku-3', 'nova-2-lite', 'qwen3-32b']);
    assert.equal(p.testSets.length, 3);
    assert.equal(p.metrics.length, 4);
    assert.equal(p.decision.estimator, 'rogan-gladen');
    assert.deepEqual(parsed.links.map((l) => [l.kind, path.relative(GOOD, l.target), l.range.start.line]), [
      ['prompt', 'prompts/qa.prompt.yml', 1], ['testSet', 'data/qa.jsonl', 8], ['testSet', 'data/qa.csv', 9], ['testSet', 'data/qa.json', 10]]);
  });

  test('variable sources come from the test sets\' first rows and mappings', async () => {
    const parsed = await loadProjectFile(path.join(GOOD, 'prompt-adapt.yml'));
    const s = await projectVariableSources(parsed.project);
    assert.deepEqual(s.fields, ['qid', 'context', 'question', 'answer']);
    assert.deepEqual(s.mapped, ['id', 'context', 'question', 'groundTruth']);
  });

  test('endpoint-ids-only classification', () => {
    for (const k of ['url', 'baseURL', 'base_url', 'apiKey', 'api-key', 'token', 'secret', 'headers', 'command', 'awsSecretAccessKey', 'password']) assert.ok(forbiddenKeyKind(k), k);
    for (const k of ['endpoint', 'model', 'maxTokens', 'id', 'path', 'inputPerMTok', 'regions']) assert.equal(forbiddenKeyKind(k), undefined, k);
    assert.equal(forbiddenValueKind('https://x.example/v1'), 'url');
    assert.equal(forbiddenValueKind('sk-abcdefghijklmnopqrstuvwx'), 'secret');
    assert.equal(forbiddenValueKind('anthropic.claude-3-haiku-20240307-v1:0'), undefined);
  });

  test('field-mapping keys are variable names and may be called anything', () => {
    const r = parseProjectFile('testSets:\n  - { id: t, path: t.jsonl, fields: { token: tok, key: k } }\n', '/w/prompt-adapt.yml');
    assert.deepEqual(r.problems, []);
  });
});

suite('test sets', () => {
  test('JSONL: mapped ids, line numbers', async () => {
    const ex = await all('data/qa.jsonl', { id: 'qid' });
    assert.deepEqual(ex.map((e) => [e.id, e.line]), [['q1', 1], ['q2', 2], ['q3', 3]]);
  });

  test('CSV: BOM, CRLF, quoted newline and escaped quotes', async () => {
    const ex = await all('data/qa.csv');
    assert.deepEqual(ex.map((e) => e.line), [2, 4]);
    assert.deepEqual(ex[0]!.fields, { context: 'Paris is the capital\r\nof France.', question: 'What is the capital of France?', answer: 'Paris' });
    assert.equal(ex[1]!.fields.context, 'He said "no", twice.');
  });

  test('JSON array: brackets inside strings, line of each element', async () => {
    const ex = await all('data/qa.json');
    assert.deepEqual(ex.map((e) => e.line), [2, 3]);
    assert.equal(ex[1]!.fields.context, 'Brackets ] and braces } inside "strings" are fine.');
  });

  test('hash ids are stable across key order and unique', async () => {
    assert.equal(rowHash({ a: 1, b: { c: 2, d: 3 } }), rowHash({ b: { d: 3, c: 2 }, a: 1 }));
    assert.notEqual(rowHash({ a: 1 }), rowHash({ a: 2 }));
    const ex = await all('data/qa.json');
    assert.match(ex[0]!.id, /^[0-9a-f]{16}$/);
  });

  test('countRows, sampleExamples, fieldNames', async () => {
    for (const [f, n] of [['data/qa.jsonl', 3], ['data/qa.csv', 2], ['data/qa.json', 2]] as const) {
      assert.equal(await countRows({ path: path.join(GOOD, f) }), n, f);
    }
    const s = await sampleExamples({ path: path.join(GOOD, 'data/qa.jsonl') }, 2);
    assert.equal(s.examples.length, 2);
    assert.deepEqual(await fieldNames({ path: path.join(GOOD, 'data/qa.csv') }), ['context', 'question', 'answer']);
  });

  test('a mapped field missing from the rows is reported once', async () => {
    const { rows, problems } = await validateTestSet({ path: path.join(GOOD, 'data/qa.jsonl'), fields: { question: 'q' } });
    assert.equal(rows, 3);
    assert.deepEqual(problems.map((p) => [p.code, p.range.start.line]), [['missing-field', 0]]);
  });

  test('testSetSource resolves paths against the project file', () => {
    assert.equal(testSetSource({ path: '/w/prompt-adapt.yml' }, { id: 't', path: 'data/x.jsonl', fields: {} }).path, '/w/data/x.jsonl');
  });
});

suite('prompt-adapt validate', () => {
  async function run(cwd: string, args: string[]): Promise<{ code: number; out: string[] }> {
    const out: string[] = [];
    const log = console.log, err = console.error, dir = process.cwd();
    console.log = (s: string) => out.push(s);
    console.error = () => {};
    process.chdir(cwd);
    try { return { code: await validate(args), out }; } finally { console.log = log; console.error = err; process.chdir(dir); }
  }

  test('a good project validates with exit code 0', async () => {
    const r = await run(GOOD, []);
    assert.deepEqual(r, { code: 0, out: [] });
  });

  test('prints file:line:col: severity: message and exits 1 on errors', async () => {
    const r = await run(path.join(BAD, 'unknown-variable'), []);
    assert.equal(r.code, 1);
    assert.deepEqual(r.out.map((l) => l.replace(/^(\S+: (error|warning)): (.{0,30}).*$/, '$1: $3')), [
      "missing-parent.prompt.yml:5:14: error: The parent prompt 'nothere.pro",
      "qa.prompt.yml:1:1: warning: The mapped field 'question' of",
      "qa.prompt.yml:3:47: error: Unknown variable '{{questoin}}",
    ]);
  });

  test('named files of every kind', async () => {
    const r = await run(BAD, ['csv-field-count.csv', 'empty.prompt.yml', 'project', 'nope.txt']);
    assert.equal(r.code, 1);
    assert.ok(r.out.some((l) => l.startsWith('csv-field-count.csv:3:1: error: The record on line 3 has 3 fields')));
    assert.ok(r.out.some((l) => l.startsWith('empty.prompt.yml:1:1: error: The prompt file is empty')));
    assert.ok(r.out.some((l) => l.startsWith('nope.txt:1:1: error: No such file')));
    const r2 = await run(GOOD, ['--quiet', 'prompts/qa.prompt.yml', 'data/qa.csv']);
    assert.deepEqual(r2, { code: 0, out: [] });
  });

  test('--help', async () => {
    const r = await run(GOOD, ['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out[0]!, /usage: prompt-adapt validate/);
  });
});

