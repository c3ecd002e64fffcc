import { strict as assert } from 'node:assert';
import { familyOf, guidanceFor, ALL_FAMILIES } from '../../../src/core/adapt/guidance';
import { readRewriterReply, retryRequest, rewriteRequest } from '../../../src/core/adapt/rewriterProtocol';

const messages = [{ role: 'system', content: 'Answer from {{context}}. Reply as <r><a>…</a></r>.' }, { role: 'user', content: 'Q: {{question}}' }];

suite('adapt: rewriter protocol and guidance', () => {
  test('families are recognised from model ids, unknown ids get the general pack', () => {
    assert.equal(familyOf('gpt-4.1-mini'), 'openai-gpt');
    assert.equal(familyOf('anthropic.claude-3-haiku-20240307-v1:0'), 'anthropic-claude');
    assert.equal(familyOf('us.amazon.nova-2-lite-v1:0'), 'amazon-nova');
    assert.equal(familyOf('meta.llama3-70b-instruct-v1:0'), 'meta-llama');
    assert.equal(familyOf('mistral-large-2407'), 'mistral');
    assert.equal(familyOf('Qwen/Qwen3-32B'), 'qwen');
    assert.equal(familyOf('gemini-2.5-flash'), 'google-gemini');
    assert.equal(familyOf('sim-verbose'), 'general');
    assert.equal(ALL_FAMILIES.length, 8);
  });

  test('every pack has unique rule ids and ends with the general rules', () => {
    for (const model of ['gpt-4o', 'claude-3', 'nova', 'llama', 'mistral', 'qwen', 'gemini', 'other']) {
      const ids = guidanceFor(model).rules.map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, model);
      assert.ok(ids.includes('general.grounding'), model);
    }
  });

  test('a guide request lists the rules; a reflect request lists the failures; both show every message', () => {
    const g = rewriteRequest({ messages, targetModel: 'us.amazon.nova-2-lite-v1:0', guidance: guidanceFor('nova') });
    assert.match(g[1]!.content, /<rule id="nova.emphasis">/);
    assert.match(g[1]!.content, /<message index="2" role="user">\nQ: \{\{question\}\}\n<\/message>/);
    const r = rewriteRequest({ messages, targetModel: 'x', failures: [{ kind: 'style', question: 'Why?', output: '<r><a>According to the sources, yes.</a></r>', feedback: "Style findings: 'according to'." }] });
    assert.match(r[1]!.content, /<failure n="1" kind="style">\n<question>Why\?<\/question>/);
    assert.doesNotMatch(r[1]!.content, /<guidance/);
  });

  test('a well-formed reply is read: contents, rationale, rules', () => {
    const reply = 'Sure.\n<rationale>Put the rule first.</rationale>\n<rules_applied>nova.emphasis, general.grounding</rules_applied>\n'
      + '<message index="1">\nANSWER only from {{context}}. Reply as <r><a>…</a></r>.\n</message>\n<message index="2">Q: {{question}}</message>';
    const r = readRewriterReply(reply, 2);
    assert.ok(r.ok);
    assert.deepEqual(r.contents, ['ANSWER only from {{context}}. Reply as <r><a>…</a></r>.', 'Q: {{question}}']);
    assert.equal(r.rationale, 'Put the rule first.');
    assert.deepEqual(r.rules, ['nova.emphasis', 'general.grounding']);
    const none = readRewriterReply(reply.replace('nova.emphasis, general.grounding', 'none'), 2);
    assert.ok(none.ok && none.rules.length === 0);
  });

  test('garbage, a missing message and an empty message are unreadable, with the reason', () => {
    const g = readRewriterReply('I would be happy to help! Here is a better prompt: be concise.', 2);
    assert.ok(!g.ok && /message index="1"/.test(g.why));
    const missing = readRewriterReply('<message index="1">x</message>', 2);
    assert.ok(!missing.ok && /index="2"/.test(missing.why));
    const empty = readRewriterReply('<message index="1"> </message><message index="2">y</message>', 2);
    assert.ok(!empty.ok && /message 1 is empty/.test(empty.why));
  });

  test('the retry shows the unreadable reply and says what was wrong', () => {
    const first = rewriteRequest({ messages, targetModel: 'x', guidance: guidanceFor('x') });
    const retry = retryRequest(first, 'garbage', 'there is no complete <message index="1"> block');
    assert.equal(retry.length, 4);
    assert.deepEqual(retry[2], { role: 'assistant', content: 'garbage' });
    assert.match(retry[3]!.content, /could not be read: there is no complete <message index="1"> block/);
  });
});
