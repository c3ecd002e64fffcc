import { strict as assert } from 'node:assert';
import { parseOutput } from '../../../src/core/answer/parse';
import type { OutputSpec } from '../../../src/core/prompt/types';

suite('output/text', () => {
  test('answer is the trimmed text', () => {
    assert.deepEqual(parseOutput('  Paris.\n', { format: 'text' }), { answer: 'Paris.', idk: false, schemaValid: true });
  });
  test('default IDK phrases, case and apostrophe insensitive, word-bounded', () => {
    assert.equal(parseOutput('Sorry, I DON’T KNOW.', { format: 'text' }).idk, true);
    assert.equal(parseOutput('The text does not contain the answer.', undefined).idk, true);
    assert.equal(parseOutput('Xi don\'t knowledge', { format: 'text' }).idk, false);
  });
  test('custom phrases replace the defaults', () => {
    const s: OutputSpec = { format: 'text', idkPhrases: ['no idea'] };
    assert.equal(parseOutput('No   idea!', s).idk, true);
    assert.equal(parseOutput("I don't know", s).idk, false);
  });
  test('empty output is a schema failure; reasoning stripped', () => {
    assert.equal(parseOutput('   ', { format: 'text' }).schemaValid, false);
    assert.equal(parseOutput('<think>long thoughts</think>\nParis', { format: 'text' }).answer, 'Paris');
    assert.equal(parseOutput('<think>never finished', { format: 'text' }).schemaValid, false);
  });
});
