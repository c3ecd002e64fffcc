import { strict as assert } from 'node:assert';
import { whatWouldResolve } from '../../../src/core/stats/planner';
import { emptyStates } from '../../../src/core/stats/stateTable';
import { counted } from '../../../src/protocol/legend';
import { renderReport } from '../../../src/core/report';
import { renderDecisionText } from '../../../src/core/report/markdown';
import type { ComparisonReport } from '../../../src/protocol/comparison';

suite('counts in words', () => {
  test('one is singular, everything else plural', () => {
    assert.equal(counted(1, 'more label'), '1 more label');
    assert.equal(counted(0, 'more label'), '0 more labels');
    assert.equal(counted(2, 'request'), '2 requests');
    assert.equal(counted(1, 'paired question'), '1 paired question');
  });

  test('what would resolve an inconclusive result never says "1 more labels"', () => {
    // ppi++ with an interval a hair wider than needed: one more label of each system settles it.
    const labels = { tp: 20, fn: 5, fp: 5, tn: 20 };
    const text = whatWouldResolve({ states: { ...emptyStates(), '11': 100, '10': 20, '01': 20, '00': 60 }, pooled: labels, baselineLabels: labels, candidateLabels: labels,
      difference: { point: 0.01, lo: 0.01 - 0.0301, hi: 0.01 + 0.0301 }, estimator: 'ppi++', margin: 0.02, level: 0.9 });
    assert.equal(text, "about 1 more label from each system's outputs, both verdicts (ppi++ needs labels of both)");
  });

  test('the CLI selection line names regions as the panel does (no "region:" prefix)', () => {
    const report = { project: 'p', generatedAt: 'now', runs: [], testSets: [],
      selection: { required: ['region:us-east-1', 'region:eu-central-1', 'modality:image'], runnersUp: [], best: { candidates: ['a', 'b'], cost: 0.5, covers: [],
        serving: [{ requirement: 'region:us-east-1', candidate: 'a', costPer1k: 0.2 }] } } } as unknown as ComparisonReport;
    const text = renderDecisionText(report);
    assert.match(text, /Selected: a \+ b \(\$0\.5000 per 1k requests\), covering us-east-1, eu-central-1, modality image/);
    assert.match(text, /^ {2}us-east-1: a, \$0\.2000 per 1000 requests$/m);
    assert.doesNotMatch(text, /region:/);
    for (const f of ['md', 'html'] as const) assert.doesNotMatch(renderReport(report, f), /region:/, f);
  });
});
