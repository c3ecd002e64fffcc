import { strict as assert } from 'node:assert';
import type { LabelRecord, VerdictRecord } from '../../../src/core/store/records';
import { confusionFromRecords, judgedFromRecords, pairedFromRecords } from '../../../src/core/stats';

const at = '2025-01-01T00:00:00Z';
const v = (exampleId: string, candidateId: string, verdict: 0 | 1 | null, outputHash?: string, metricId = 'judge'): VerdictRecord =>
  ({ exampleId, candidateId, metricId, verdict, outputHash, at });
const l = (outputHash: string, exampleId: string, candidateId: string, label: LabelRecord['label']): LabelRecord =>
  ({ outputHash, exampleId, candidateId, label, at });

suite('stats: counts from records', () => {
  const verdicts = [
    v('e1', 'A', 1, 'h1'), v('e2', 'A', 0, 'h2'), v('e3', 'A', 1, 'h3'), v('e4', 'A', null, 'h4'),
    v('e1', 'B', 1, 'h5'), v('e2', 'B', 1), v('e3', 'B', 0, 'h7'), v('e5', 'B', 1, 'h8'),
    v('e1', 'A', 0, 'h1', 'other'),
  ];
  const labels = [
    l('h1', 'e1', 'A', 'incorrect'), l('h1', 'e1', 'A', 'correct'), // a later label corrects an earlier one
    l('h2', 'e2', 'A', 'incorrect'), l('h3', 'e3', 'A', 'unsure'), l('h4', 'e4', 'A', 'correct'),
    l('h6', 'e2', 'B', 'correct'), // verdict has no hash: joined by (example, candidate)
    l('h7', 'e3', 'B', 'correct'), l('h9', 'e9', 'B', 'correct'),
  ];

  test('confusion: joins by hash or by (example, candidate); excludes and counts unsure, null, unmatched', () => {
    const j = confusionFromRecords(labels, verdicts, { metricId: 'judge' });
    assert.deepEqual(j.confusion, { tp: 2, fn: 1, fp: 0, tn: 1 });
    assert.equal(j.unsure, 1);
    assert.equal(j.noVerdict, 1);
    assert.equal(j.unmatchedLabels, 1);
    assert.deepEqual(confusionFromRecords(labels, verdicts, { metricId: 'judge', candidateIds: ['B'] }).confusion, { tp: 1, fn: 1, fp: 0, tn: 0 });
  });

  test('paired table and judged counts: missing pairs excluded and counted', () => {
    const p = pairedFromRecords(verdicts, 'A', 'B', 'judge');
    assert.deepEqual(p.paired, { n11: 1, n10: 1, n01: 1, n00: 0 });
    assert.equal(p.missingPairs, 2); // e4 (null verdict), e5 (only B)
    assert.deepEqual(judgedFromRecords(verdicts, 'A', 'judge'), { judged: 2, n: 3, noVerdict: 1 });
  });
});

suite('label joins by output and question', () => {
  const at = 'x';
  test('the same text on another question is another output; a label shared by two systems counts once', () => {
    const idk = 'hash-of-<cannot_answer/>';
    const labels = [{ outputHash: idk, exampleId: 'q1', candidateId: 'a', label: 'incorrect' as const, at }];
    const verdicts = [
      { exampleId: 'q1', candidateId: 'a', metricId: 'm', verdict: 0 as const, outputHash: idk, at },
      { exampleId: 'q1', candidateId: 'b', metricId: 'm', verdict: 0 as const, outputHash: idk, at },
      { exampleId: 'q2', candidateId: 'a', metricId: 'm', verdict: 0 as const, outputHash: idk, at },
      { exampleId: 'q3', candidateId: 'b', metricId: 'm', verdict: 0 as const, outputHash: idk, at },
    ];
    const join = confusionFromRecords(labels, verdicts);
    assert.deepEqual(join.confusion, { tp: 0, fn: 0, fp: 0, tn: 1 });
    assert.equal(join.unmatchedLabels, 0);
  });
});
