import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { checkRewrite, formatTokens } from '../../../src/core/adapt/guards';
import { contentHash, variantPath, variantText } from '../../../src/core/adapt/variantFile';
import { parsePromptYml } from '../../../src/core/prompt/parsePromptYml';
import type { AdaptProvenance } from '../../../src/core/prompt/types';

const PARENT_PATH = path.resolve(__dirname, '../../../examples/support-qa/prompts/support.prompt.yml');
const parentText = fs.readFileSync(PARENT_PATH, 'utf8');
const parent = parsePromptYml(parentText, PARENT_PATH).prompt;
const [system, user] = parent.messages.map((m) => m.content) as [string, string];
const provenance: AdaptProvenance = { strategy: 'reflect', round: 2, parentHash: contentHash(parentText), splitSeed: 'seed-1', rewriter: 'demo:sim-rewriter',
  rationale: 'Tells the model not to open with a reference to the articles.', adaptation: 'a1' };
const target = variantPath(PARENT_PATH, 'reflect-2');
const write = (contents: (string | undefined)[]) => variantText(parentText, PARENT_PATH, contents, provenance);

suite('adapt: variant files and provenance', () => {
  test('a variant is name.<tag>.prompt.yml next to its parent', () => {
    assert.equal(target, path.join(path.dirname(PARENT_PATH), 'support.reflect-2.prompt.yml'));
  });

  test('the variant keeps everything but the edited message, and records variantOf and provenance', () => {
    const text = write([`${system}Never open an answer with "according to".\n`, undefined]);
    const v = parsePromptYml(text, target);
    assert.deepEqual(v.problems.filter((p) => p.severity === 'error'), []);
    assert.equal(v.prompt.adapt.variantOf, 'support.prompt.yml');
    assert.deepEqual(v.prompt.adapt.provenance, { strategy: 'reflect', round: 2, parentHash: contentHash(parentText), splitSeed: 'seed-1',
      adaptation: 'a1', rewriter: 'demo:sim-rewriter', rationale: 'Tells the model not to open with a reference to the articles.' });
    assert.deepEqual(v.prompt.adapt.output, parent.adapt.output);
    assert.deepEqual(v.prompt.modelParameters, parent.modelParameters);
    assert.deepEqual(v.prompt.testData, parent.testData);
    assert.match(v.prompt.messages[0]!.content, /Never open an answer with "according to"\.\n$/);
    assert.equal(v.prompt.messages[1]!.content, user);
    assert.match(text, /^# The support assistant's prompt/, 'comments are kept');
    assert.match(text, /content: \|/, 'edited content stays a block scalar');
  });

  test('writing the same variant twice gives the same bytes', () => {
    assert.equal(write([`${system}X.\n`, undefined]), write([`${system}X.\n`, undefined]));
  });
});

suite('adapt: guards on every rewrite', () => {
  const check = (contents: (string | undefined)[]) => checkRewrite(parent, write(contents), target);

  test('a rewrite that keeps variables, format and adapt block passes', () => {
    const r = check([`${system}Start with the answer itself.\n`, undefined]);
    assert.ok(r.ok, r.ok ? '' : r.reason);
  });

  test('dropping or adding a {{variable}} is rejected, naming it', () => {
    const r = check([undefined, user.replace('{{context}}', 'the articles')]);
    assert.ok(!r.ok && r.guard === 'variables' && /drops \{\{context\}\}/.test(r.reason), JSON.stringify(r));
    const r2 = check([`${system} Reply in {{language}}.`, undefined]);
    assert.ok(!r2.ok && r2.guard === 'variables' && /adds \{\{language\}\}/.test(r2.reason), JSON.stringify(r2));
  });

  test('losing the output-format contract is rejected', () => {
    const r = check([system.replace(/<response><cannot_answer\/><\/response>/, 'say you do not know'), undefined]);
    assert.ok(!r.ok && r.guard === 'output-format' && /<cannot_answer/.test(r.reason), JSON.stringify(r));
  });

  test('changing the adapt block (output spec) is rejected', () => {
    const text = write([`${system}More.\n`, undefined]).replace('idk: response.cannot_answer', 'idk: response.none');
    const r = checkRewrite(parent, text, target);
    assert.ok(!r.ok && r.guard === 'adapt-block', JSON.stringify(r));
  });

  test('a broken file, changed messages and an unchanged prompt are rejected', () => {
    const broken = checkRewrite(parent, `${write([`${system}More.\n`, undefined])}\nmessages: []\n`, target);
    assert.ok(!broken.ok && broken.guard === 'invalid-file', JSON.stringify(broken));
    const asUser = checkRewrite(parent, write([`${system}More.\n`, undefined]).replace('role: system', 'role: user'), target);
    assert.ok(!asUser.ok && asUser.guard === 'messages', JSON.stringify(asUser));
    const same = check([undefined, undefined]);
    assert.ok(!same.ok && same.guard === 'unchanged', JSON.stringify(same));
  });

  test('format tokens are those the parent states, by output format', () => {
    assert.deepEqual(formatTokens(parent.adapt.output, system), ['<response', '<answer', '<cannot_answer']);
    assert.deepEqual(formatTokens({ format: 'json', answer: 'reply.text', idk: 'reply.unknown' }, 'Reply as {"reply": {"text": ...}}'), ['"reply"', '"text"']);
    assert.deepEqual(formatTokens({ format: 'text', idkPhrases: ['I cannot tell'] }, 'If unsure, say "I cannot tell".'), ['I cannot tell']);
  });

  test('a hand-broken provenance is reported and ignored', () => {
    const p = parsePromptYml(`${parentText.replace('adapt:\n', 'adapt:\n  provenance: yes\n')}`, target);
    assert.equal(p.prompt.adapt.provenance, undefined);
    assert.ok(p.problems.some((x) => x.code === 'bad-provenance'));
  });
});
