import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseJsonOutput } from '../../../src/core/answer/json';
import { outputStats, parseOutput } from '../../../src/core/answer/parse';
import { cpuMsOfSync } from '../helpers/cpuTime';

const spec = { format: 'json', answer: 'answer', idk: 'cannot_answer' } as const;
const parse = (s: string) => parseOutput(s, spec);

suite('output/json', () => {
  test('bare object', () => {
    assert.deepEqual(parse('{"answer": "Paris"}'), { answer: 'Paris', idk: false, schemaValid: true });
  });
  test('code fence and prose', () => {
    assert.deepEqual(parse('Here you go:\n```json\n{"answer": "a {b} \\"c\\""}\n```\nBye {'), { answer: 'a {b} "c"', idk: false, schemaValid: true });
  });
  test('dotted path and IDK flag', () => {
    const s = { format: 'json', answer: 'response.answer', idk: 'response.idk' } as const;
    assert.deepEqual(parseOutput('{"response": {"answer": "", "idk": true}}', s), { answer: '', idk: true, schemaValid: true });
    assert.deepEqual(parseOutput('{"response": {"answer": 42, "idk": "false"}}', s), { answer: '42', idk: false, schemaValid: true });
  });
  test('several objects, wrong types, missing answer', () => {
    const r = parse('{"answer": "one"} and {"answer": "two"}');
    assert.equal(r.answer, 'one');
    assert.match(r.reason!, /several JSON objects/);
    assert.match(parse('{"answer": ["a"]}').reason!, /not text/);
    assert.match(parse('{"other": 1}').reason!, /no 'answer'/);
    assert.match(parse('no json here').reason!, /no JSON object/);
    assert.match(parse('{"answer": "unterminated').reason!, /no JSON object/);
    assert.equal(parse('').reason, 'empty output');
  });
  test('hostile: megabyte of braces', () => {
    const { ms } = cpuMsOfSync(() => {
      assert.equal(parse('{'.repeat(1_000_000)).schemaValid, false);
      assert.equal(parse('['.repeat(100_000) + ']'.repeat(100_000)).schemaValid, false);
    });
    assert.ok(ms < 5000, `${ms.toFixed(0)} ms of CPU (CPU time: a loaded machine stretches wall-clock time, not this)`);
  });
  test('property: never throws', () => {
    fc.assert(fc.property(fc.oneof(fc.json(), fc.string(), fc.array(fc.constantFrom('{', '}', '"', '\\', 'answer', ':', '[', ']', ',', '```')).map((a) => a.join(''))), (s) => {
      const r = parseJsonOutput(s, spec);
      assert.equal(typeof r.answer, 'string');
    }), { numRuns: 2000 });
  });
  test('outputStats', () => {
    const ok = parse('{"answer":"a"}');
    const idk = parse('{"answer":"","cannot_answer":true}');
    const bad = parse('nope');
    const s = outputStats([{ candidateId: 'm', parsed: ok }, { candidateId: 'm', parsed: idk }, { candidateId: 'm', parsed: bad },
      { candidateId: 'm', parsed: ok }, { candidateId: 'm' }, { candidateId: 'n', parsed: ok }]).get('m')!;
    assert.deepEqual(s, { n: 4, schemaFailures: 1, schemaFailureRate: 0.25, idk: 1, idkRate: 0.25, errors: 1 });
  });
});
