import { strict as assert } from 'node:assert';
import { schemaCompletions, valueKeyAt } from '../../../src/core/project/schemaCompletion';

/** Completions at the `|` in `text`. */
const at = (text: string): string[] => schemaCompletions(text.replace('|', ''), text.indexOf('|')).map((c) => c.label);

suite('prompt-adapt.yml completion from the schema', () => {
  test('top-level keys, without the ones already present', () => {
    const labels = at('candidates:\n  - id: a\n|');
    assert.ok(labels.includes('testSets') && labels.includes('decision') && labels.includes('baseline'), labels.join());
    assert.ok(!labels.includes('candidates'));
  });

  test('keys of a section and of a list item', () => {
    assert.ok(at('decision:\n  |').includes('nonInferiorityMargin'));
    const item = at('candidates:\n  - id: a\n    |');
    assert.ok(item.includes('endpoint') && item.includes('price') && !item.includes('id'), item.join());
    assert.ok(at('candidates:\n  - id: a\n    price:\n      |').includes('inputPerMTok'));
    assert.ok(at('candidates:\n- |').includes('model'), 'a list at its key\'s indentation');
  });

  test('enum values after a key', () => {
    assert.deepEqual(at('decision:\n  estimator: |').sort(), ['auto', 'naive', 'paper', 'ppi++', 'human-only', 'rogan-gladen'].sort());
    assert.ok(at('metrics:\n  - id: m\n    kind: |').includes('token-f1'));
    assert.deepEqual(at('style:\n  completeSentences: |'), ['true', 'false']);
  });

  test('nothing inside comments or under scalars; value keys for editor-supplied values', () => {
    assert.deepEqual(at('# |'), []);
    const text = 'candidates:\n  - id: a\n    endpoint: ';
    assert.equal(valueKeyAt(text, text.length), 'candidates.endpoint');
  });
});
