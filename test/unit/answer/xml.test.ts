import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parseOutput } from '../../../src/core/answer/parse';
import { decodeEntities, parseXmlOutput, parseXmlPath, plainTree } from '../../../src/core/answer/xml';
import { cpuMsOfSync } from '../helpers/cpuTime';

const spec = { format: 'xml', answer: 'response.answer', idk: 'response.cannot_answer' } as const;
const parse = (s: string) => parseOutput(s, spec);

suite('output/xml', () => {
  test('reads the answer', () => {
    assert.deepEqual(parse('<response><answer>Paris</answer></response>'), { answer: 'Paris', idk: false, schemaValid: true });
  });
  test('tolerates prose and code fences around the element', () => {
    const r = parse('Sure! Here it is:\n```xml\n<response>\n  <answer> Paris </answer>\n</response>\n```\nHope that helps.');
    assert.equal(r.answer, 'Paris');
    assert.equal(r.schemaValid, true);
  });
  test('IDK as an empty element', () => {
    assert.deepEqual(parse('<response><cannot_answer/></response>'), { answer: '', idk: true, schemaValid: true });
  });
  test('IDK element with value false is not IDK', () => {
    const r = parse('<response><answer>x</answer><cannot_answer>false</cannot_answer></response>');
    assert.equal(r.idk, false);
  });
  test('IDK as an attribute, in both path spellings', () => {
    for (const idk of ['response.@idk', 'response@idk']) {
      const s = { format: 'xml', answer: 'response.answer', idk } as const;
      assert.equal(parseOutput('<response idk="true"></response>', s).idk, true);
      assert.equal(parseOutput('<response idk="false"><answer>a</answer></response>', s).idk, false);
      assert.equal(parseOutput('<response><answer>a</answer></response>', s).idk, false);
    }
    const onAnswer = { format: 'xml', answer: 'response.answer', idk: 'response.answer@idk' } as const;
    const r = parseOutput('<response><answer idk="yes">n/a</answer></response>', onAnswer);
    assert.deepEqual(r, { answer: 'n/a', idk: true, schemaValid: true });
  });
  test('IDK element outside the answer root', () => {
    const s = { format: 'xml', answer: 'answer', idk: 'cannot_answer' } as const;
    assert.deepEqual(parseOutput('Hmm. <cannot_answer/>', s), { answer: '', idk: true, schemaValid: true });
    assert.deepEqual(parseOutput('<answer>42</answer>', s), { answer: '42', idk: false, schemaValid: true });
  });
  test('entities and CDATA are decoded; nested markup stays as text', () => {
    assert.equal(parse('<response><answer>Fish &amp; chips &lt;3 &#233;&#x41;</answer></response>').answer, 'Fish & chips <3 éA');
    assert.equal(parse('<response><answer><![CDATA[a < b && c]]> &amp; d</answer></response>').answer, 'a < b && c & d');
    assert.equal(parse('<response><answer>It is <b>Paris</b>.</answer></response>').answer, 'It is <b>Paris</b>.');
  });
  test('unclosed root: not schema-valid, answer still recovered', () => {
    const r = parse('<response><answer>Paris</answer>');
    assert.equal(r.schemaValid, false);
    assert.match(r.reason!, /unclosed <response>/);
    assert.equal(r.answer, 'Paris');
  });
  test('unclosed answer: not schema-valid', () => {
    const r = parse('<response><answer>Paris</response>');
    assert.equal(r.schemaValid, false);
    assert.ok(r.reason);
  });
  test('several answers: first used, not schema-valid', () => {
    const a = parse('<response><answer>one</answer><answer>two</answer></response>');
    assert.equal(a.answer, 'one');
    assert.equal(a.schemaValid, false);
    assert.match(a.reason!, /several <answer>/);
    const b = parse('<response><answer>one</answer></response>\n<response><answer>two</answer></response>');
    assert.equal(b.answer, 'one');
    assert.match(b.reason!, /several <response>/);
  });
  test('nested element of the same name belongs to its parent', () => {
    const r = parse('<response><answer>a</answer><response>inner</response></response>');
    assert.equal(r.answer, 'a');
  });
  test('missing or empty answer', () => {
    assert.match(parse('<response></response>').reason!, /no <response.answer>/);
    assert.match(parse('<response><answer>  </answer></response>').reason!, /empty <response.answer>/);
    assert.match(parse('Paris is the capital.').reason!, /no <response> element/);
  });
  test('empty and missing outputs', () => {
    assert.deepEqual(parse(''), { answer: '', idk: false, schemaValid: false, reason: 'empty output' });
    assert.equal(parseOutput(undefined, spec).reason, 'no output');
  });
  test('reasoning blocks are ignored', () => {
    const r = parse('<think>maybe <response><answer>draft</answer></response></think><response><answer>final</answer></response>');
    assert.deepEqual(r, { answer: 'final', idk: false, schemaValid: true });
  });
  test('megabyte outputs are read quickly, and reasons stay short', function () {
    this.timeout(120_000); // a guard against a hang only: the bound below is on CPU time
    const big = `<response><answer>${'word &amp; '.repeat(100_000)}</answer></response>`;
    const { ms } = cpuMsOfSync(() => {
      assert.equal(parse(big).answer.length, 'word & '.repeat(100_000).trim().length);
      const lt = `<response>${'<'.repeat(1_000_000)}`;
      const r = parse(lt);
      assert.equal(r.schemaValid, false);
      assert.ok(r.reason!.length <= 200);
      const deep = `<response>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</response>`;
      assert.equal(parse(deep).schemaValid, false);
    });
    // CPU time, not wall-clock: a loaded machine stretches the latter (a quadratic parse of these would take hours).
    assert.ok(ms < 5000, `${ms.toFixed(0)} ms of CPU`);
  });
  test('paths', () => {
    assert.deepEqual(parseXmlPath('a.b.@c'), { elements: ['a', 'b'], attribute: 'c' });
    assert.deepEqual(parseXmlPath('a.b@c'), { elements: ['a', 'b'], attribute: 'c' });
    assert.deepEqual(parseXmlPath('a.b'), { elements: ['a', 'b'], attribute: undefined });
    assert.equal(decodeEntities('&bogus; &#0; &#xD800;'), '&bogus; &#0; &#xD800;');
  });
  test('property: never throws, always returns the shape', () => {
    const frag = fc.constantFrom('<response>', '</response>', '<answer>', '</answer>', '<cannot_answer/>', '<![CDATA[', ']]>',
      '&amp;', '&#x', '<', '>', '"', ' idk="1"', 'text', '\n', '<answer idk="true">', '<!--', '-->', '<?xml?>', '<!DOCTYPE x>');
    fc.assert(fc.property(fc.array(fc.oneof(frag, fc.string()), { maxLength: 30 }), (parts) => {
      const r = parseXmlOutput(parts.join(''), spec);
      assert.equal(typeof r.answer, 'string');
      assert.equal(typeof r.idk, 'boolean');
      assert.equal(typeof r.schemaValid, 'boolean');
      if (!r.schemaValid) assert.ok(r.reason && r.reason.length <= 200);
    }), { numRuns: 2000 });
  });

  test('the quick reader of plain outputs reads every output as the parser does', () => {
    // Outputs built from elements (some plain, some with what only the parser reads), text and prose, under
    // answer/IDK paths of several shapes: the result must not depend on which reader took the output.
    const names = ['response', 'answer', 'cannot_answer', 'r', 'a', 'x-y', 'x.y', 'ns:a', '_z', 'constructor', '__proto__'];
    const texts = ['Paris', ' no ', 'false', '0', '', ' ', '\n  ', 'a > b', 'x &amp; y', 'x & y', ']]>', 'a\r\nb', '\u00a0', '"q" \'s\'', 'Ünïcödé'];
    const element = fc.letrec<{ node: string }>((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true },
        fc.tuple(fc.constantFrom(...names), fc.constantFrom(...texts)).map(([n, t]) => `<${n}>${t}</${n}>`),
        fc.constantFrom(...names).map((n) => `<${n}/>`),
        fc.tuple(fc.constantFrom(...names), fc.array(tie('node'), { maxLength: 3 }), fc.constantFrom('', '\n', ' ', 'stray', '<!-- c -->', '<![CDATA[z]]>'))
          .map(([n, kids, sep]) => `<${n}>${kids.join(sep)}</${n}>`),
        fc.tuple(fc.constantFrom(...names), fc.constantFrom(' idk="true"', ' idk', ' x="1"'), fc.constantFrom(...texts)).map(([n, a, t]) => `<${n}${a}>${t}</${n}>`),
      ),
    })).node;
    const specs = [
      { answer: 'response.answer', idk: 'response.cannot_answer' }, { answer: 'answer' }, { answer: 'response.answer', idk: 'response@idk' },
      { answer: 'r.a', idk: 'cannot_answer' }, { answer: 'response.x-y.a' }, { answer: 'response.*' }, { answer: 'r.a', idk: 'r.constructor' },
    ];
    let plain = 0;
    fc.assert(fc.property(fc.constantFrom('', 'Sure: ', '```xml\n'), fc.array(element, { minLength: 1, maxLength: 2 }), fc.constantFrom('', '\n```', ' done </answer>'), fc.constantFrom(...specs),
      (before, els, after, s) => {
        const output = before + els.join('\n') + after;
        if (plainTree(els[0]!, parseXmlPath(s.answer).elements.join('.')) !== undefined) plain++;
        assert.deepEqual(parseXmlOutput(output, s), parseXmlOutput(output, s, { plainReader: false }), output);
      }), { numRuns: 4000, seed: 15 });
    assert.ok(plain > 400, `the quick reader took only ${plain} of 4000 outputs`);
  });
  test('the quick reader takes the usual outputs and leaves the rest to the parser', () => {
    assert.deepEqual(plainTree('<response><answer> Paris </answer><x><y/></x><y>1</y><y>2</y></response>', 'response.answer'),
      { response: { answer: ' Paris ', x: { y: '' }, y: ['1', '2'] } });
    for (const s of ['<response><answer>a &amp; b</answer></response>', '<response idk="1"></response>', '<response>t<answer>a</answer></response>',
      '<response><answer><b>a</b></answer></response>', '<response><!-- c --></response>', '<response><answer>a</answer></response> ',
      `<response>${'<a>'.repeat(40)}${'</a>'.repeat(40)}</response>`]) {
      assert.equal(plainTree(s, 'response.answer'), undefined, s);
    }
  });
});
