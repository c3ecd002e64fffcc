import { strict as assert } from 'node:assert';
import { appendListItemInPlace as appendYamlListItem, appendToSystemMessage, changedPart, setValueInPlace } from '../../../src/core/yamlInPlace';
import { makeVariantText } from '../../../src/core/prompt/variant';
import { parsePromptText } from '../../../src/core/prompt/load';

const prompt = `# our support prompt
name: Support
messages:
  - role: system
    content: |
      Answer from the article only.
      Be brief.
  - role: user
    content: "Q: {{question}}"   # the question
`;

suite('prompt edits for style quick fixes', () => {
  test('adds an instruction on its own line at the end of a block system message, keeping comments', () => {
    const out = appendToSystemMessage(prompt, 'Never use the phrase "according to".');
    assert.match(out, /# our support prompt/);
    assert.match(out, /# the question/);
    const system = parsePromptText(out, '/w/p.prompt.yml').prompt.messages[0]!;
    assert.equal(system.content, 'Answer from the article only.\nBe brief.\nNever use the phrase "according to".\n');
  });

  test('appends after a space in a quoted system message', () => {
    const out = appendToSystemMessage('messages:\n  - role: system\n    content: "Be brief."\n  - role: user\n    content: hi\n', 'No markdown.');
    assert.equal(parsePromptText(out, '/w/p.prompt.yml').prompt.messages[0]!.content, 'Be brief. No markdown.');
  });

  test('inserts a system message when there is none', () => {
    const out = appendToSystemMessage('messages:\n  - role: user\n    content: hi\n', 'No markdown.');
    const messages = parsePromptText(out, '/w/p.prompt.yml').prompt.messages;
    assert.deepEqual(messages.map((m) => [m.role, m.content]), [['system', 'No markdown.'], ['user', 'hi']]);
  });

  test('turning a rule off appends to adapt.style.disabledRules once, creating the path', () => {
    const once = appendYamlListItem(prompt, ['adapt', 'style', 'disabledRules'], 'phrase:according-to');
    const twice = appendYamlListItem(once, ['adapt', 'style', 'disabledRules'], 'phrase:according-to');
    assert.equal(once, twice);
    assert.deepEqual(parsePromptText(once, '/w/p.prompt.yml').prompt.adapt.style?.disabledRules, ['phrase:according-to']);
    const more = appendYamlListItem(once, ['adapt', 'style', 'disabledRules'], 'markdown');
    assert.deepEqual(parsePromptText(more, '/w/p.prompt.yml').prompt.adapt.style?.disabledRules, ['phrase:according-to', 'markdown']);
  });
});

suite('in-place prompt edits change only what they must', () => {
  // A user message written as a double-quoted string over several lines: re-serialising the document reflowed it.
  const wrapped = `name: Support   # shown in the tree
messages:
  - role: system
    content: |
      Answer from the article only.
  - role: user
    content: "Article:\\n{{context}}\\n\\n
      Question: {{question}}"
adapt: { output: { format: xml, answer: response.answer } }
`;
  const linesOf = (t: string): string[] => t.split('\n');

  test('the instruction is one new line; every other line stays byte-identical', () => {
    const out = appendToSystemMessage(wrapped, 'Be brief.');
    const added = linesOf(out).filter((l) => !linesOf(wrapped).includes(l));
    assert.deepEqual(added, ['      Be brief.']);
    assert.equal(out.replace('\n      Be brief.', ''), wrapped);
  });

  test('turning a rule off and naming a variant touch only their own text', () => {
    const off = appendYamlListItem(wrapped, ['adapt', 'style', 'disabledRules'], 'markdown');
    assert.equal(off, wrapped.replace('answer: response.answer } }', 'answer: response.answer }, style: { disabledRules: [markdown] } }'));
    const variant = makeVariantText(wrapped, 'qa.prompt.yml', 'v2');
    const message = wrapped.slice(wrapped.indexOf('messages:'), wrapped.indexOf('adapt:'));
    assert.ok(variant.includes(message), `the messages are kept byte for byte:\n${variant}`);
    assert.match(variant, /^name: Support \(v2\) {3}# shown in the tree$/m);
  });

  test('a rule id with a colon is written plain and reads back as the same id; odd values are quoted', () => {
    const out = appendYamlListItem(prompt, ['adapt', 'style', 'disabledRules'], 'phrase:according-to');
    assert.match(out, /disabledRules:\n {6}- phrase:according-to\n/);
    for (const v of ['yes', 'a: b', 'x #y', '[1]', ' lead', 'null', 'it\'s "q"']) {
      assert.deepEqual(parsePromptText(setValueInPlace(prompt, ['name'], v), '/w/p.prompt.yml').prompt.name, v, v);
    }
  });

  test('invalid YAML is refused, not rewritten', () => {
    assert.throws(() => appendToSystemMessage('messages: [', 'x'), /not valid YAML/);
  });

  test('changedPart is the span between the common start and end', () => {
    assert.deepEqual(changedPart('abcXdef', 'abcYYdef'), { start: 3, end: 4, text: 'YY' });
    assert.equal(changedPart('same', 'same'), undefined);
  });
});
