import { strict as assert } from 'node:assert';
import { StyleChecker } from '../../../src/core/style/check';
import { resolveStyle } from '../../../src/core/style/config';
import { styleRun, styleTextOf } from '../../../src/core/style/run';
import { parseOutput } from '../../../src/core/answer/parse';
import type { Chosen } from '../../../src/core/compare/gather';
import type { ProjectFile } from '../../../src/core/project/types';
import { parsePromptText } from '../../../src/core/prompt/load';
import { buildOutputs } from '../../../src/core/review/load';
import type { ReviewSystem } from '../../../src/protocol/messages';
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

suite('style reads the parsed answer only', () => {
  const spec = { format: 'xml', answer: 'response.answer', idk: 'response.cannot_answer' } as const;
  const sentences = new StyleChecker(resolveStyle({ completeSentences: true, noMarkdown: true, phrases: [] }));

  test('an IDK reply and the XML around an answer produce no sentence or markdown findings', () => {
    const row = (exampleId: string, output: string): ResponseRecord => ({ exampleId, candidateId: 'a', model: 'x', requestHash: exampleId, output, at: '' });
    const res = styleRun([
      row('idk', '<response><cannot_answer/></response>'),
      row('wrapped', '<response>\n  <answer>Refunds take five days.</answer>\n</response>'),
      row('bad', '<response><answer>refunds take five days</answer></response>'),
    ], spec, sentences);
    const by = Object.fromEntries(res.responses.map((r) => [r.exampleId, r.findings.map((f) => f.ruleId)]));
    assert.deepEqual(by, { idk: [], wrapped: [], bad: ['complete-sentences'] }, 'only the answer without a sentence is flagged');
    // The raw XML itself would be flagged: that is what the wrapper used to cost.
    assert.ok(sentences.check('<response><cannot_answer/></response>').length > 0);
  });

  test('styleTextOf: the answer, or nothing for an IDK reply or an output without an answer', () => {
    assert.equal(styleTextOf(parseOutput('<response><answer>Yes.</answer></response>', spec)), 'Yes.');
    assert.equal(styleTextOf(parseOutput('<response><cannot_answer/></response>', spec)), undefined);
    assert.equal(styleTextOf(parseOutput('<response></response>', spec)), undefined);
  });
});

suite('review outputs carry findings of the parsed answer only', () => {
  test('an IDK reply shown in the review has no style findings (it had 3 from its XML)', () => {
    const prompt = parsePromptText('messages:\n  - role: user\n    content: hi\nadapt:\n  output: { format: xml, answer: response.answer, idk: response.cannot_answer }\n', '/w/p.prompt.yml').prompt;
    const r = (exampleId: string, output: string): Chosen => ({ runId: 'r', r: { exampleId, candidateId: 'a', model: 'm', requestHash: exampleId, output, outputHash: exampleId, at: '' } });
    const system = { systemId: 'a', candidateId: 'a', model: 'm', promptPath: '/w/p.prompt.yml', isBaseline: false } as unknown as ReviewSystem;
    const outs = buildOutputs(system, [r('idk', '<response><cannot_answer/></response>'), r('ok', '<response><answer>according to the text, yes</answer></response>')],
      () => [], prompt, { style: { completeSentences: true } } as Pick<ProjectFile, 'style'>);
    assert.equal(outs.get('idk')!.idk, true);
    assert.deepEqual(outs.get('idk')!.findings, []);
    assert.deepEqual(outs.get('ok')!.findings.map((f) => f.ruleId).sort(), ['complete-sentences', 'phrase:according-to']);
  });
});
