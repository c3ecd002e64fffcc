import { strict as assert } from 'node:assert';
import { StyleChecker } from '../../../src/core/style/check';
import { resolveStyle } from '../../../src/core/style/config';
import { styleRun } from '../../../src/core/style/run';
import type { ResponseRecord } from '../../../src/core/store/records';

suite('style/styleRun', () => {
  test('checks parsed answers, offsets into the answer, IDK and errors left out', () => {
    const row = (exampleId: string, candidateId: string, output?: string): ResponseRecord =>
      ({ exampleId, candidateId, model: 'x', requestHash: 'h', ...(output === undefined ? { error: { kind: 'transient', message: 'x' } } : { output }), at: '' });
    const res = styleRun([
      row('1', 'a', 'Sure. <response><answer>According to the text, Paris.</answer></response>'),
      row('2', 'a', '<response><answer>Paris.</answer></response>'),
      row('3', 'a', '<response><cannot_answer/></response>'),
      row('4', 'a'),
    ], { format: 'xml', answer: 'response.answer', idk: 'response.cannot_answer' }, new StyleChecker(resolveStyle()));
    assert.equal(res.responses.length, 3);
    const first = res.responses[0]!;
    assert.equal(first.answer.slice(first.findings[0]!.start, first.findings[0]!.end), 'According to');
    const s = res.byCandidate.get('a')!;
    assert.equal(s.n, 2);
    assert.equal(s.badStyle, 0.5);
    assert.equal(s.counts['phrase:according-to'], 1);
  });
});
