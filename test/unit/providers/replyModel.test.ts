import { strict as assert } from 'node:assert';
import { replyModelWarning } from '../../../src/core/providers/replyModel';

suite('reply model: is the model that answered the one asked for', () => {
  test('the same model under another spelling is no warning', () => {
    for (const [asked, replied] of [['gpt-4o-mini', 'gpt-4o-mini-2024-07-18'], ['GPT-4o', 'gpt-4o'], ['llama3', 'llama3:latest'], ['gpt-4o', 'openai/gpt-4o'], ['m', undefined], ['m', '']] as const) {
      assert.equal(replyModelWarning(asked, replied), undefined, `${asked} / ${replied}`);
    }
  });

  test('another model, or a model file, is a warning that says which', () => {
    assert.match(replyModelWarning('gpt-4o-mini', 'stories260K')!, /answered as model 'stories260K', not 'gpt-4o-mini'/);
    assert.match(replyModelWarning('gpt-4o-mini', 'gpt-4o')!, /answered as model 'gpt-4o'/);
    assert.match(replyModelWarning('stories', 'C:\\models\\stories260K.gguf')!, /names its model file/);
    assert.match(replyModelWarning('gpt-4o-mini', 'tiny-a.gguf')!, /names its model file 'tiny-a\.gguf'/);
  });
});
