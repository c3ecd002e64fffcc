// The extension-point tables (estimators, provider kinds, metric kinds) and every copy derived from them:
// the protocol's id lists, the JSON enums in package.json and the project schema, and the CLI usage texts.
import { strict as assert } from 'node:assert';
import { main } from '../../src/cli/main';
import { compareSystems, estimateOne, estimatorInfos, estimatorOf, ESTIMATORS } from '../../src/core/stats';
import { ESTIMATOR_IDS } from '../../src/protocol/comparison';
import { currentEnum, enumTargets, rewriteEnumText, sameEnum } from '../../scripts/syncEnums';
import { captureConsole } from './helpers/console';

suite('tables: estimators', () => {
  test('the table has exactly one row per protocol id, each row under its own id', () => {
    assert.deepEqual([...ESTIMATORS], [...ESTIMATOR_IDS]);
    for (const id of ESTIMATOR_IDS) assert.equal(estimatorOf(id).id, id);
    assert.deepEqual(estimatorInfos().map((e) => e.id), [...ESTIMATOR_IDS]);
    for (const e of estimatorInfos()) assert.ok(e.name && e.explanation.length > 20, `${e.id} has a name and an explanation`);
  });

  test('an unknown estimator is an error naming the valid ones', () => {
    const input = { confusion: { tp: 40, fn: 5, fp: 5, tn: 20 }, judged: 30, n: 50 };
    assert.throws(() => estimateOne('bayes' as never, input), (e: Error) => /unknown estimator 'bayes'/.test(e.message) && ESTIMATOR_IDS.every((id) => e.message.includes(id)));
    assert.throws(() => compareSystems('bayes' as never, { paired: { n11: 1, n10: 0, n01: 0, n00: 1 } }), /unknown estimator 'bayes'.*rogan-gladen/);
  });

  test('estimators that need each system\'s own labels say which labels are missing', () => {
    const perSystem = ESTIMATOR_IDS.filter((id) => estimatorOf(id).labels === 'per-system');
    assert.deepEqual(perSystem, ['ppi++', 'human-only']);
    // v2 (issue 12): no estimate, with the reason, instead of a thrown error.
    for (const id of perSystem) {
      const r = compareSystems(id, { confusion: { tp: 40, fn: 5, fp: 5, tn: 20 }, paired: { n11: 10, n10: 2, n01: 3, n00: 5 } });
      assert.equal(r.difference, undefined);
      assert.match(r.diagnostics.map((d) => d.message).join(' '), /labelled outputs of both systems/);
    }
  });

  test('compare and stats --help list every estimator with its explanation', async () => {
    for (const args of [['compare', '--help'], ['stats', '--help']]) {
      const r = await captureConsole(() => main(args));
      const text = r.out + r.err;
      for (const e of estimatorInfos()) assert.ok(text.includes(e.id) && text.includes(e.explanation), `${args[0]} --help lists ${e.id}`);
    }
  });

  test('compare --estimator refuses an unknown id and names the valid ones', async () => {
    const r = await captureConsole(() => main(['compare', '--estimator', 'bayes', '--project', 'nowhere.yml']));
    assert.equal(r.code, 1);
    assert.match(r.err, /--estimator must be one of auto, paper, rogan-gladen, ppi\+\+, human-only, naive, got 'bayes'/);
  });
});

suite('tables: JSON enums follow the tables (npm run sync:enums)', () => {
  for (const t of enumTargets()) {
    test(`${t.file} ${t.at.join('.')}`, () => {
      assert.ok(sameEnum(currentEnum(t), t.values), `${t.file}: ${t.at.join('.')}.enum is ${JSON.stringify(currentEnum(t))}, the table says ${JSON.stringify(t.values)}; run npm run sync:enums`);
    });
  }

  test('the rewriter keeps the file\'s formatting and touches only the named enum', () => {
    const single = '{ "a": { "enum": ["x", "y"], "b": 1 }, "c": { "enum": ["p"] } }';
    assert.equal(rewriteEnumText(single, ['x', 'y'], ['x', 'y', 'z']), '{ "a": { "enum": ["x", "y", "z"], "b": 1 }, "c": { "enum": ["p"] } }');
    const multi = '{\n  "kind": {\n    "enum": [\n      "openai",\n      "bedrock"\n    ]\n  }\n}';
    assert.equal(rewriteEnumText(multi, ['openai', 'bedrock'], ['openai', 'bedrock', 'azure']),
      '{\n  "kind": {\n    "enum": [\n      "openai",\n      "bedrock",\n      "azure"\n    ]\n  }\n}');
    assert.throws(() => rewriteEnumText('{"a": {"enum": ["x"]}, "b": {"enum": ["x"]}}', ['x'], ['y']), /found 2 enums/);
  });
});
