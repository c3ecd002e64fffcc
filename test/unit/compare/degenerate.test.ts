// A degenerate calibration through the CLI (issue 16 §6): with a judge no better than chance, or worse (TPR ≤ FPR
// likely), the comparison once printed −1964 pp [−3677, −97]. Every difference `compare` and `report` print stays in
// [−100, +100] pp, whatever the estimator, and an uninformative judge gives no judge-based estimate, with its reason.
import { strict as assert } from 'node:assert';
import { main } from '../../../src/cli/main';
import { ESTIMATORS } from '../../../src/core/stats/estimators';
import { captureConsole } from '../helpers/console';
import { makeCompareFixture } from './fixture';

/** Every "… pp" figure in a text, as numbers (the decision table writes signs as − or +). */
const ppFigures = (text: string): number[] =>
  [...text.matchAll(/([−+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?) ?pp\b/g)].map((m) => Number(m[1]!.replace('−', '-')));

suite('a degenerate calibration through the CLI (issue 16 §6)', function () {
  this.timeout(120_000);
  const fixtures = {
    'near chance': makeCompareFixture({ n: 60, tpr: 0.55, fpr: 0.5, labelsPerSystem: 6 }),
    inverted: makeCompareFixture({ n: 60, tpr: 0.4, fpr: 0.6, labelsPerSystem: 10 }),
  };

  test('no difference outside [−100, +100] pp is printed, by any estimator, in the table or the reports', async () => {
    for (const [name, f] of Object.entries(fixtures)) {
      for (const estimator of ESTIMATORS) {
        const args = ['--project', f.project, '--draws', '2000', '--seed', '3', '--estimator', estimator];
        const table = await captureConsole(() => main(['compare', ...args]));
        const md = await captureConsole(() => main(['report', ...args, '--format', 'md']));
        assert.notEqual(table.code, 1, `${name}/${estimator}: ${table.err}`);
        const figures = [...ppFigures(table.out), ...ppFigures(md.out)];
        assert.ok(figures.length > 0, `${name}/${estimator}: the check sees the figures`);
        for (const x of figures) assert.ok(Number.isFinite(x) && x >= -100 && x <= 100, `${name}/${estimator}: ${x} pp in\n${table.out}`);
        assert.doesNotMatch(table.out + md.out, /NaN|Infinity/);
        const json = JSON.parse((await captureConsole(() => main(['report', ...args, '--format', 'json']))).out) as { testSets: { rows: { difference?: { lo: number; hi: number; mean: number } }[] }[] };
        for (const row of json.testSets[0]!.rows) {
          if (row.difference) assert.ok(row.difference.lo >= -1 && row.difference.hi <= 1 && Math.abs(row.difference.mean) <= 1, `${name}/${estimator}: ${JSON.stringify(row.difference)}`);
        }
      }
    }
  });

  test('an uninformative judge gives no judge-based estimate, and says why', async () => {
    const f = fixtures.inverted;
    const args = ['--project', f.project, '--draws', '2000', '--seed', '3', '--estimator', 'rogan-gladen'];
    const table = await captureConsole(() => main(['compare', ...args]));
    assert.match(table.out, /P\(TPR <= FPR\) = 0\.\d+: this metric's verdicts cannot reliably tell correct from incorrect outputs; do not base a decision on it/);
    assert.match(table.out, /DO NOT ACT/);
    assert.match(table.out, /No selection/);
    const json = JSON.parse((await captureConsole(() => main(['report', ...args, '--format', 'json']))).out) as
      { testSets: { rows: { isBaseline: boolean; estimate?: unknown; notes: { code: string }[] }[] }[] };
    const baseline = json.testSets[0]!.rows.find((r) => r.isBaseline)!;
    assert.equal(baseline.estimate, undefined, 'no corrected accuracy from a judge that cannot tell right from wrong');
    for (const row of json.testSets[0]!.rows) assert.ok(row.notes.some((n) => n.code === 'uninformative-judge'));
  });
});
