import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { exactMatch, exactMatchMetric, normalizeAnswer, tokenF1, tokenF1Metric } from '../../../src/core/metrics/lexical';
import type { MetricInput } from '../../../src/core/metrics/types';

const input = (answer: string, groundTruths: string[], idk = false): MetricInput =>
  ({ exampleId: 'e', candidateId: 'c', groundTruths, parsed: { answer, idk, schemaValid: true } });

suite('metrics/lexical', () => {
  test('SQuAD normalisation', () => {
    assert.equal(normalizeAnswer('The  Eiffel-Tower, in PARIS!'), 'eiffel tower in paris');
    assert.equal(normalizeAnswer('an apple a day'), 'apple day');
  });
  test('exact match and token F1', () => {
    assert.equal(exactMatch('The Paris.', 'paris'), 1);
    assert.equal(tokenF1('Paris France', 'Paris'), 2 / 3);
    assert.equal(tokenF1('', ''), 1);
    assert.equal(tokenF1('a', 'x'), 0);
    assert.equal(tokenF1('the cat the cat', 'cat'), 2 / 3);
  });
  test('several ground truths: the best one counts; threshold', () => {
    assert.deepEqual(tokenF1Metric(input('Paris France', ['Lyon', 'Paris']), 0.5), { verdict: 1, score: 2 / 3 });
    assert.deepEqual(tokenF1Metric(input('Paris France', ['Lyon', 'Paris']), 0.7), { verdict: 0, score: 2 / 3 });
    assert.deepEqual(exactMatchMetric(input('lyon.', ['Paris', 'Lyon'])), { verdict: 1, score: 1 });
  });
  test('IDK is 0 with reason idk; no ground truth is null; empty answer is 0', () => {
    assert.deepEqual(tokenF1Metric(input('', ['x'], true), 0.5), { verdict: 0, reason: 'idk' });
    assert.deepEqual(exactMatchMetric(input('x', [])), { verdict: null, reason: 'no ground truth' });
    assert.equal(exactMatchMetric(input('  ', ['x'])).verdict, 0);
  });
  test('property: F1 in [0,1], symmetric, 1 on itself', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
      const f = tokenF1(a, b);
      assert.ok(f >= 0 && f <= 1);
      assert.ok(Math.abs(f - tokenF1(b, a)) < 1e-12);
      assert.equal(tokenF1(a, a), 1);
    }));
  });
});
