// Every file under test/fixtures/bad/ is reported with the right message at the right place.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Problem } from '../../../src/core/problems';
import { checkVariables, loadPromptFile } from '../../../src/core/prompt';
import { loadProjectFile, parseProjectFile, projectVariableSources, testSetFormatOf, validateTestSet } from '../../../src/core/project';

const BAD = path.join(__dirname, '../../fixtures/bad');

/** fixture, problem code, 1-based line and column (as the CLI prints them), a pattern the message must match. */
const CASES: [string, string, number, number, RegExp][] = [
  // prompt files: YAML syntax
  ['broken-indent.prompt.yml', 'yaml-bad-indent', 5, 4, /List items must start at the same column/],
  ['unclosed-quote.prompt.yml', 'yaml-missing-char', 5, 1, /quoted string is never closed/],
  ['tab-indent.prompt.yml', 'yaml-tab-as-indent', 3, 1, /tab is used for indentation/],
  ['duplicate-key.prompt.yml', 'yaml-duplicate-key', 2, 1, /appears twice/],
  ['root-is-list.prompt.yml', 'wrong-type', 1, 1, /must be a mapping .* but this file is a list/],
  ['empty.prompt.yml', 'empty-file', 1, 1, /prompt file is empty/],
  // prompt files: structure and types
  ['unknown-role.prompt.yml', 'unknown-role', 3, 11, /Unknown role 'usr' in message 1.*Did you mean 'user'\?/],
  ['developer-role.prompt.yml', 'unknown-role', 2, 11, /Unknown role 'developer'.*Use 'system' for developer instructions/],
  ['missing-messages.prompt.yml', 'missing-messages', 1, 1, /no 'messages' list/],
  ['messages-not-list.prompt.yml', 'wrong-type', 2, 11, /'messages' must be a list .* not a string/],
  ['empty-messages.prompt.yml', 'missing-messages', 2, 11, /'messages' is empty/],
  ['content-number.prompt.yml', 'wrong-type', 3, 14, /content of message 1 must be text, not a number\. Put it in quotes/],
  ['content-mapping.prompt.yml', 'wrong-type', 4, 7, /content of message 1 must be text, not a mapping/],
  ['missing-role.prompt.yml', 'missing-role', 2, 5, /Message 1 has no 'role'/],
  ['missing-content.prompt.yml', 'missing-content', 2, 5, /Message 1 has no 'content'/],
  ['empty-content.prompt.yml', 'missing-content', 3, 5, /content of message 1 is empty/],
  ['model-number.prompt.yml', 'wrong-type', 1, 8, /'model' must be a string, not a number/],
  ['temperature-string.prompt.yml', 'wrong-type', 2, 16, /'temperature' must be a number, not a string/],
  ['temperature-range.prompt.yml', 'out-of-range', 2, 16, /'temperature' must be between 0 and 2, not 5/],
  ['max-tokens-float.prompt.yml', 'wrong-type', 1, 32, /'max_tokens' must be a whole number, not 10\.5/],
  ['duplicate-parameter.prompt.yml', 'duplicate-parameter', 3, 3, /'maxTokens' sets the same parameter as 'max_tokens'/],
  ['unknown-top-key.prompt.yml', 'unknown-key', 2, 1, /Unknown key 'mesages'\. Did you mean 'messages'\?/],
  ['unclosed-placeholder.prompt.yml', 'unclosed-placeholder', 4, 16, /'\{\{' is never closed/],
  ['bad-variable-name.prompt.yml', 'bad-variable-name', 3, 22, /'\{\{1st\}\}' is not a variable/],
  ['variant-of-number.prompt.yml', 'wrong-type', 5, 14, /'variantOf' must be the path of the parent prompt/],
  ['bad-output-format.prompt.yml', 'unknown-format', 5, 21, /Unknown output format 'yaml'/],
  ['output-missing-answer.prompt.yml', 'missing-key', 6, 13, /xml output spec needs 'answer'/],
  // prompt files: endpoint ids only
  ['url-in-adapt.prompt.yml', 'url-in-workspace', 5, 3, /'baseURL' .* is a URL\. Workspace files name endpoint ids only.*user settings/],
  ['apikey-in-adapt.prompt.yml', 'secret-in-workspace', 6, 3, /'apiKey' .* looks like a credential/],
  // imported formats
  ['prompty-unclosed.prompty', 'unclosed-front-matter', 1, 1, /front matter .* never closed/],
  ['dotprompt-bad-role.prompt', 'unknown-role', 4, 1, /Unknown role 'robot'/],
  ['empty.md', 'empty-file', 1, 1, /template is empty/],
  // project files
  ['project/url-endpoint.yml', 'url-in-workspace', 3, 15, /candidates\[0\]\.endpoint' in prompt-adapt\.yml is a URL.*promptAdapt\.endpoints/],
  ['project/api-key.yml', 'secret-in-workspace', 5, 5, /'candidates\[0\]\.apiKey' .* looks like a credential/],
  ['project/headers.yml', 'header-in-workspace', 3, 1, /'headers' .* sets request headers/],
  ['project/command.yml', 'command-in-workspace', 2, 50, /names a command to run.*never runs commands/],
  ['project/missing-model.yml', 'missing-key', 2, 5, /candidates\[0\] is missing the required key 'model'/],
  ['project/typo-key.yml', 'schema', 2, 16, /Unknown key 'endpont' in candidates\[0\]\. Did you mean 'endpoint'\?/],
  ['project/bad-estimator.yml', 'schema', 2, 14, /decision\.estimator must be one of .*'rogan-gladen'/],
  ['project/level-range.yml', 'schema', 2, 10, /decision\.level must be less than 1, not 90/],
  ['project/duplicate-id.yml', 'duplicate-id', 3, 11, /Duplicate candidate id 'gpt' \(first used on line 2\)/],
  ['project/unknown-baseline.yml', 'unknown-reference', 1, 24, /names the candidate 'haiku'.*Did you mean 'haiku-3'\?/],
  ['project/candidates-not-list.yml', 'schema', 1, 13, /candidates must be a list, not the string 'gpt-4\.1'/],
  ['project/empty.yml', 'empty-file', 1, 1, /prompt-adapt\.yml is empty/],
  ['project/broken.yml', 'yaml-bad-indent', 3, 1, /'\{ … \}' mapping is never closed/],
  ['project/unknown-format.yml', 'unknown-format', 2, 20, /Cannot tell the format of 'data\/set\.xlsx'/],
  // test sets
  ['csv-unbalanced-quote.csv', 'bad-test-set', 3, 1, /quoted field in the record starting on line 3 is never closed/],
  ['csv-field-count.csv', 'bad-row', 3, 1, /record on line 3 has 3 fields but the header has 2/],
  ['csv-header-only.csv', 'empty-test-set', 1, 1, /has a header but no rows/],
  ['jsonl-bad-line-middle.jsonl', 'bad-row', 3, 18, /Line 3 is not valid JSON .*skipped/],
  ['jsonl-not-object.jsonl', 'bad-row', 2, 1, /Line 2 is a string, not an object/],
  ['jsonl-is-array.jsonl', 'bad-test-set', 1, 1, /looks like a JSON array, not JSON Lines/],
  ['jsonl-not-json.jsonl', 'bad-test-set', 1, 1, /does not look like JSON Lines/],
  ['empty.jsonl', 'empty-test-set', 1, 1, /is empty \(0 bytes\)/],
  ['json-object.json', 'bad-test-set', 1, 1, /single JSON object; a JSON test set must be an array/],
  ['json-bad-element.json', 'bad-row', 3, 1, /Element 2 \(line 3\) is not valid JSON/],
  ['json-unclosed.json', 'bad-test-set', 3, 1, /element starting on line 3 is never closed/],
  // test sets: not UTF-8 text, NUL characters, keys written twice
  ['jsonl-latin1.jsonl', 'not-utf8', 2, 19, /Line 2, column 19 is not UTF-8 text \(byte 0xE9\)\. Save the file as UTF-8/],
  ['csv-latin1.csv', 'not-utf8', 3, 5, /Line 3, column 5 is not UTF-8 text \(byte 0xEF\)/],
  ['json-latin1.json', 'not-utf8', 3, 21, /not UTF-8 text \(byte 0xE0\)/],
  ['jsonl-utf16.jsonl', 'utf16', 1, 1, /This file is UTF-16 text; save it as UTF-8/],
  ['csv-utf16-no-bom.csv', 'utf16', 1, 1, /This file is UTF-16 text/],
  ['csv-nul-byte.csv', 'nul-byte', 3, 6, /Line 3, column 6 has a NUL byte: this is binary data, not text/],
  ['jsonl-nul-escape.jsonl', 'bad-row', 2, 1, /row on line 2 has a NUL character \(U\+0000\) in field 'q'; it was skipped/],
  ['jsonl-duplicate-key.jsonl', 'bad-row', 2, 23, /Line 2 has the key 'q' twice in one object, and JSON keeps only the last; it was skipped/],
  ['json-duplicate-key.json', 'bad-row', 4, 1, /Element 2 \(starting on line 3\) has the key 'k' twice/],
  // prompt and project files: encoding, nesting, paths out of the project folder
  ['latin1.prompt.yml', 'not-utf8', 3, 15, /Line 3, column 15 is not UTF-8 text \(byte 0xE9\)/],
  ['utf16.prompt.yml', 'utf16', 1, 1, /UTF-16 text; save it as UTF-8/],
  ['nul-byte.prompt.yml', 'nul-byte', 3, 17, /NUL byte/],
  ['nul-escape.prompt.yml', 'nul-character', 3, 17, /message contains a NUL character \(U\+0000, written as "\\0" or "\\x00"\), which would be sent to the model/],
  ['deep-flow.prompt.yml', 'yaml-too-deep', 5, 118, /nesting here is deeper than 100 levels/],
  ['deep-dashes.prompt.yml', 'yaml-too-deep', 5, 199, /nesting here is deeper than 100 levels/],
  ['project/deep.yml', 'yaml-too-deep', 2, 407, /nesting here is deeper than 100 levels/],
  ['project/latin1.yml', 'not-utf8', 1, 14, /not UTF-8 text \(byte 0xE9\)/],
  ['project/absolute-path.yml', 'outside-project', 2, 20, /testSets\[0\]\.path: '\/etc\/passwd' is an absolute path/],
  ['project/dotdot-baseline.yml', 'outside-project', 3, 21, /baseline\.prompt: '\.\.\/\.\.\/\.\.\/secret\.prompt\.yml' leads outside the project folder/],
  ['project/dotdot-path.yml', 'outside-project', 2, 20, /testSets\[0\]\.path: 'data\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/hosts\.csv' leads outside the project folder/],
  // cross-file: a prompt variable the test set does not provide
  ['unknown-variable/qa.prompt.yml', 'unknown-variable', 3, 47, /Unknown variable '\{\{questoin\}\}'.*Did you mean 'question'\?/],
];

async function problemsOf(rel: string): Promise<Problem[]> {
  const file = path.join(BAD, rel);
  if (rel.startsWith('project/')) return (await loadProjectFile(file)).problems;
  if (testSetFormatOf(file)) return (await validateTestSet({ path: file })).problems;
  const parsed = await loadPromptFile(file);
  if (rel.startsWith('unknown-variable/')) {
    const project = parseProjectFile(readFileSync(path.join(BAD, 'unknown-variable/prompt-adapt.yml'), 'utf8'), path.join(BAD, 'unknown-variable/prompt-adapt.yml'));
    return [...parsed.problems, ...checkVariables(parsed, await projectVariableSources(project.project))];
  }
  return parsed.problems;
}

suite('bad-input corpus', () => {
  for (const [rel, code, line, col, message] of CASES) {
    test(`${rel}: ${code} at ${line}:${col}`, async () => {
      const problems = await problemsOf(rel);
      const p = problems.find((x) => x.code === code);
      assert.ok(p, `no '${code}' problem; got ${problems.map((x) => `${x.code}@${x.range.start.line + 1}:${x.range.start.character + 1} ${x.message}`).join(' | ')}`);
      assert.match(p.message, message);
      assert.deepEqual([p.range.start.line + 1, p.range.start.character + 1], [line, col], p.message);
      assert.equal(p.file, path.join(BAD, rel));
    });
  }

  test('covers every fixture file (at least 30)', () => {
    const files: string[] = [];
    const walk = (d: string, pre: string): void => {
      for (const f of readdirSync(d)) {
        if (statSync(path.join(d, f)).isDirectory()) walk(path.join(d, f), `${pre}${f}/`);
        else files.push(`${pre}${f}`);
      }
    };
    walk(BAD, '');
    const covered = new Set(CASES.map((c) => c[0]));
    // The unknown-variable folder is a small project; its data and project file are good on purpose.
    // store/ holds damaged store files; test/unit/store/damage.test.ts reads them.
    const uncovered = files.filter((f) => !covered.has(f) && !f.startsWith('unknown-variable/') && !f.startsWith('store/'));
    assert.deepEqual(uncovered, []);
    assert.ok(CASES.length >= 30);
  });

  test('a JSONL file with a bad line in the middle still loads the other lines', async () => {
    const { rows, problems } = await validateTestSet({ path: path.join(BAD, 'jsonl-bad-line-middle.jsonl') });
    assert.equal(rows, 4);
    assert.equal(problems.length, 1);
  });

  test('a CSV record with too many fields is skipped and the rest loads', async () => {
    const { rows } = await validateTestSet({ path: path.join(BAD, 'csv-field-count.csv') });
    assert.equal(rows, 2);
  });

  test('a wrong-shaped file gives exactly one error', async () => {
    for (const f of ['jsonl-is-array.jsonl', 'jsonl-not-json.jsonl', 'json-object.json', 'empty.jsonl', 'csv-header-only.csv']) {
      const { problems } = await validateTestSet({ path: path.join(BAD, f) });
      assert.equal(problems.length, 1, `${f}: ${problems.map((p) => p.message).join(' | ')}`);
    }
  });
});
