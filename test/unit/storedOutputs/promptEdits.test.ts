import { strict as assert } from 'node:assert';
import { appendToSystemMessage, appendYamlListItem } from '../../../src/core/yaml';
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
