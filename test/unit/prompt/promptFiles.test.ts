import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LineIndex } from '../../../src/core/problems';
import {
  checkVariables, completionContext, detectPromptFormat, loadPromptFile, makeVariantText, parsePromptText, parsePromptYml,
  renderExample, renderMessages, variableAt, variantFileName, checkVariantName, MissingVariableError, type ParsedPrompt,
} from '../../../src/core/prompt';
import { groundTruthVariables, suggestVariable } from '../../../src/core/prompt/editorSupport';

const GOOD = path.join(__dirname, '../../fixtures/good/prompts');

/** The source text a variable's range covers. */
function textAt(text: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const li = new LineIndex(text);
  return text.slice(li.offset(r.start), li.offset(r.end));
}

function allVariables(parsed: ParsedPrompt, text: string): string[] {
  return parsed.prompt.messages.flatMap((m) => m.variables.map((v) => textAt(text, v.range)));
}

suite('prompt.yml', () => {
  const file = path.join(GOOD, 'qa.prompt.yml');
  const text = readFileSync(file, 'utf8');
  const parsed = parsePromptYml(text, file);

  test('reads every GitHub Models key and ours, without problems', () => {
    assert.deepEqual(parsed.problems, []);
    const p = parsed.prompt;
    assert.equal(p.name, 'Support QA');
    assert.equal(p.model, 'openai/gpt-4o-mini');
    assert.deepEqual(p.modelParameters, { temperature: 0, maxTokens: 400, topP: 0.9 });
    assert.equal(p.messages.length, 2);
    assert.deepEqual(p.testData, [{ context: 'Paris is in France.', question: 'Where is Paris?' }]);
    assert.equal(p.evaluators?.length, 1);
    assert.deepEqual(p.adapt.output, { format: 'xml', answer: 'response.answer', idk: 'response.cannot_answer' });
    assert.deepEqual(p.adapt.style, { maxWords: 120 });
  });

  test('keeps block-scalar content exactly', () => {
    assert.equal(parsed.prompt.messages[0]!.content,
      'Answer strictly from the sources. Reply as <response><answer>…</answer></response>,\nor <response><cannot_answer/></response> when the sources do not contain the answer.\n');
  });

  test('places variables of a double-quoted string with escapes at their file range', () => {
    assert.deepEqual(allVariables(parsed, text), ['{{context}}', '{{ question }}']);
    const v = parsed.prompt.messages[1]!.variables[0]!;
    assert.equal(parsed.prompt.messages[1]!.content.slice(v.contentStart, v.contentEnd), '{{context}}');
  });

  test('variableAt and completionContext', () => {
    const v = parsed.prompt.messages[1]!.variables[1]!;
    assert.equal(variableAt(parsed, { line: v.range.start.line, character: v.range.start.character + 3 })?.variable.name, 'question');
    assert.equal(variableAt(parsed, { line: 0, character: 0 }), undefined);
    const t = 'content: "Hi {{ que';
    const c = completionContext(t, { line: 0, character: t.length });
    assert.deepEqual(c, { prefix: 'que', replace: { start: { line: 0, character: 16 }, end: { line: 0, character: 19 } }, needsClose: true });
    assert.equal(completionContext('a {{x}} b', { line: 0, character: 8 }), undefined);
    assert.equal(completionContext('{{name}}', { line: 0, character: 2 })?.needsClose, false);
  });

  test('variant helpers keep comments and set adapt.variantOf', () => {
    const out = makeVariantText(text, 'qa.prompt.yml');
    assert.match(out, /# Support QA: the baseline prompt\./);
    assert.match(out, /# snake_case is accepted and normalised/);
    const again = parsePromptYml(out, path.join(GOOD, 'qa.v2.prompt.yml'));
    assert.equal(again.prompt.adapt.variantOf, 'qa.prompt.yml');
    assert.deepEqual(again.prompt.messages.map((m) => m.content), parsed.prompt.messages.map((m) => m.content));
    assert.deepEqual(again.prompt.adapt.output, parsed.prompt.adapt.output);
    assert.equal(again.links[0]?.target, file);
    assert.match(makeVariantText('messages:\n  - role: user\n    content: hi\n', 'p.prompt.yml'), /adapt:\n {2}variantOf: p\.prompt\.yml\n/);
    assert.equal(variantFileName('/w/prompts/qa.prompt.yml', 'concise'), '/w/prompts/qa.concise.prompt.yml');
    assert.throws(() => variantFileName('/w/qa.prompt.yml', 'a.b'), /cannot contain "\."/);
    assert.throws(() => variantFileName('/w/qa.prompt.yml', '../x'), /Invalid variant name/);
    assert.equal(checkVariantName('v2'), undefined);
    assert.throws(() => makeVariantText('a: [', 'p.prompt.yml'), /not valid YAML/);
  });

  test('a named variant gets a name of its own and drops the header that describes its parent', () => {
    const text = readFileSync(file, 'utf8');
    const out = makeVariantText(text, 'qa.prompt.yml', 'concise');
    assert.doesNotMatch(out, /the baseline prompt/, 'the parent\'s header comment is gone');
    assert.match(out, /^# Variant 'concise' of qa\.prompt\.yml \(Support QA\)\.\n/);
    const again = parsePromptYml(out, path.join(GOOD, 'qa.concise.prompt.yml'));
    assert.equal(again.prompt.name, 'Support QA (concise)');
    assert.equal(again.prompt.adapt.variantOf, 'qa.prompt.yml');
    assert.match(out, /# snake_case is accepted and normalised/, 'comments inside the file are kept');
    assert.deepEqual(again.prompt.messages.map((m) => m.content), parsed.prompt.messages.map((m) => m.content));
  });

  test('a variant links to its parent', async () => {
    const v = await loadPromptFile(path.join(GOOD, 'qa.concise.prompt.yml'));
    assert.deepEqual(v.problems, []);
    assert.equal(v.links[0]?.target, file);
    assert.equal(v.prompt.messages[0]!.content, 'Answer in one sentence, strictly from the sources.');
    assert.deepEqual(allVariables(v, readFileSync(path.join(GOOD, 'qa.concise.prompt.yml'), 'utf8')), ['{{context}}', '{{question}}']);
  });
});

suite('render', () => {
  const parsed = parsePromptYml(readFileSync(path.join(GOOD, 'qa.prompt.yml'), 'utf8'), 'qa.prompt.yml');

  test('fills variables and keeps whitespace exactly', () => {
    const r = renderMessages(parsed.prompt.messages, { context: '  two\n\nlines  ', question: 'Why?' });
    assert.equal(r.messages[1]!.content, 'Sources:\n  two\n\nlines  \n\nQuestion: Why?');
    assert.deepEqual(r.missing, []);
  });

  test('names missing variables and lists unused mapped fields', () => {
    const r = renderMessages(parsed.prompt.messages, { context: 'c' }, ['context', 'question', 'title', 'groundTruth']);
    assert.deepEqual(r.missing, ['question']);
    assert.deepEqual(r.unused, ['title']);
    assert.match(r.messages[1]!.content, /Question: \{\{ question \}\}$/);
    assert.throws(() => renderExample(parsed.prompt, { id: 'q1', line: 1, fields: { ctx: 'c' } }, { context: 'ctx' }),
      (e: unknown) => e instanceof MissingVariableError && /Example 'q1' has no value for '\{\{question\}\}'/.test(e.message));
  });

  test('maps fields to variables and formats non-strings', () => {
    const r = renderExample(parsed.prompt, { id: 'x', line: 1, fields: { c: { a: 1 }, q: 42 } }, { context: 'c', question: 'q' });
    assert.equal(r.messages[1]!.content, 'Sources:\n{"a":1}\n\nQuestion: 42');
  });

  test('checkVariables: unknown variables and unused mapped fields', () => {
    const problems = checkVariables(parsed, { fields: ['context', 'q'], mapped: ['context', 'extra', 'groundTruth'], label: "test set 'qa'" });
    // `question` is provided by the prompt's own testData, so only the unused mapping is reported.
    assert.deepEqual(problems.map((p) => p.code), ['unused-field']);
    const noTestData = { ...parsed, prompt: { ...parsed.prompt, testData: undefined } };
    assert.deepEqual(checkVariables(noTestData, { fields: ['context'] }).map((p) => `${p.code}:${p.range.start.line}`), ['unknown-variable:14']);
    assert.deepEqual(checkVariables(noTestData, {}), []);
  });

  test('the expected answer used as a variable is a warning at each use; a typo gets a suggestion', () => {
    const noTestData = { ...parsed, prompt: { ...parsed.prompt, testData: undefined } };
    const groundTruth = groundTruthVariables({ context: 'ctx', question: 'question', groundTruth: 'answer' });
    assert.deepEqual(groundTruth, ['groundTruth', 'answer']);
    const leaking = parsePromptText('messages:\n  - role: user\n    content: "{{question}} (expected: {{answer}}, {{ groundTruth }})"\n', '/w/leak.prompt.yml');
    const warnings = checkVariables(leaking, { fields: ['question', 'answer'], mapped: ['question', 'groundTruth'], groundTruth }).filter((p) => p.code === 'ground-truth-variable');
    assert.deepEqual(warnings.map((w) => [w.severity, w.range.start.character]), [['warning', 38], ['warning', 50]]);
    assert.match(warnings[0]!.message, /expected answer/);
    assert.equal(suggestVariable(noTestData.prompt, { fields: ['context', 'question'] }, 'questoin'), 'question');
    assert.equal(suggestVariable(noTestData.prompt, { fields: ['context', 'question'] }, 'zzz'), undefined);
  });
});

suite('imported formats', () => {
  const load = (f: string): { parsed: ParsedPrompt; text: string } => {
    const text = readFileSync(path.join(GOOD, f), 'utf8');
    return { parsed: parsePromptText(text, path.join(GOOD, f)), text };
  };

  test('.prompty: front matter and role sections', () => {
    const { parsed, text } = load('qa.prompty');
    assert.deepEqual(parsed.problems, []);
    assert.equal(parsed.prompt.format, 'prompty');
    assert.equal(parsed.prompt.model, 'gpt-4o-mini');
    assert.deepEqual(parsed.prompt.modelParameters, { maxTokens: 300, temperature: 0.2 });
    assert.deepEqual(parsed.prompt.messages.map((m) => [m.role, m.content]), [
      ['system', 'Answer from the sources only.'], ['user', 'Sources: {{context}}\nQuestion: {{question}}']]);
    assert.deepEqual(allVariables(parsed, text), ['{{context}}', '{{question}}']);
    assert.equal(parsed.prompt.testData?.length, 1);
  });

  test('Dotprompt .prompt: recognised by content, role markers, config names', () => {
    const { parsed, text } = load('qa.prompt');
    assert.equal(detectPromptFormat('x.prompt', text), 'dotprompt');
    assert.equal(detectPromptFormat('x.prompt', 'Just {{text}}'), 'template');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.prompt.modelParameters, { temperature: 0.1, maxTokens: 256, stop: ['END'] });
    assert.deepEqual(parsed.prompt.messages.map((m) => m.role), ['system', 'user']);
    assert.deepEqual(allVariables(parsed, text), ['{{context}}', '{{question}}']);
  });

  test('.md template: one user message, text exactly as written', () => {
    const { parsed, text } = load('qa.md');
    assert.equal(parsed.prompt.messages.length, 1);
    assert.equal(parsed.prompt.messages[0]!.content, text);
    assert.deepEqual(allVariables(parsed, text), ['{{context}}', '{{question}}']);
    assert.equal(detectPromptFormat('notes.prompt.md', text), 'template');
  });
});
