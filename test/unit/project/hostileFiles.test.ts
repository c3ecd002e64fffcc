// A shared repository is untrusted input: files it names must stay inside the project folder (after symbolic
// links), be regular files, and be UTF-8 text. These cases need the disk (links, pipes), so they are not in
// the bad-input corpus.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main as validate } from '../../../src/cli/commands/validate';
import { UserError } from '../../../src/core/errors';
import { countRows, loadProjectFile, parseProjectFile, readExamples, testSetSource, validateTestSet } from '../../../src/core/project';
import { loadPromptFile, parsePromptText } from '../../../src/core/prompt';
import { assertRegularFile } from '../../../src/core/workspaceFiles';
import { MAX_YAML_DEPTH, parseYaml } from '../../../src/core/yaml';
import { captureConsole } from '../helpers/console';

const PASSWD_LIKE = 'root:x:0:0:root:/root:/bin/bash\n';

/** A project folder with a secret file next to it (outside) and links into the outside world. */
function hostileProject(): { dir: string; outside: string; project: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-hostile-'));
  const dir = path.join(base, 'repo');
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  const outside = path.join(base, 'secret.csv');
  fs.writeFileSync(outside, `line\n${PASSWD_LIKE}`);
  fs.symlinkSync(outside, path.join(dir, 'data', 'linked.csv'));
  fs.writeFileSync(path.join(dir, 'data', 'good.csv'), 'q\nfine\n');
  const project = path.join(dir, 'prompt-adapt.yml');
  fs.writeFileSync(project, [
    'candidates:', '  - { id: c, endpoint: e, model: m }',
    'testSets:', '  - { id: linked, path: data/linked.csv }', '  - { id: good, path: data/good.csv }', '',
  ].join('\n'));
  return { dir, outside, project };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try { await p; } catch (e) { return e as Error; }
  assert.fail('expected a rejection');
}

suite('hostile workspace files: paths', () => {
  test('a test set that is a symbolic link out of the project folder is refused at its reference, and never read', async () => {
    const { outside, project } = hostileProject();
    const parsed = await loadProjectFile(project);
    const p = parsed.problems.find((x) => x.code === 'outside-project');
    assert.ok(p, JSON.stringify(parsed.problems));
    assert.equal(p.file, project);
    assert.deepEqual([p.range.start.line + 1, p.range.start.character + 1], [4, 25]);
    assert.match(p.message, new RegExp(`The test set 'data/linked.csv' is a symbolic link to ${outside.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, outside the project folder`));
    assert.deepEqual(parsed.links.map((l) => path.basename(l.target)), ['good.csv'], 'no editor link to the outside file');
    // The reader refuses too (the editor builds sources without loadProjectFile's checks).
    const source = testSetSource(parsed.project, parsed.project.testSets[0]!);
    const read = async (): Promise<unknown[]> => { const out = []; for await (const e of readExamples(source)) out.push(e); return out; };
    const err = await rejection(read());
    assert.ok(err instanceof UserError);
    assert.match(err.message, /linked\.csv is outside the project folder .*: it leads to .*secret\.csv; only files inside it are read/);
    assert.doesNotMatch(err.message, /root:x/);
    await rejection(countRows(source));
    // The good test set still reads.
    assert.equal((await validateTestSet(testSetSource(parsed.project, parsed.project.testSets[1]!))).rows, 1);
  });

  test('`validate` prints the refusal at the line of the reference and exits 1', async () => {
    const { dir } = hostileProject();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await captureConsole(() => validate([]));
      assert.equal(r.value, 1);
      assert.match(r.out, /^prompt-adapt\.yml:4:25: error: The test set 'data\/linked\.csv' is a symbolic link to .*secret\.csv, outside the project folder/m);
      assert.doesNotMatch(r.out + r.err, /root:x/);
    } finally { process.chdir(cwd); }
  });

  test('a prompt named by a workspace file (baseline, variantOf, a run manifest) is read only inside the project folder', async () => {
    const { dir } = hostileProject();
    const outsidePrompt = path.join(path.dirname(dir), 'other.prompt.yml');
    fs.writeFileSync(outsidePrompt, 'messages:\n  - role: user\n    content: secret\n');
    fs.symlinkSync(outsidePrompt, path.join(dir, 'base.prompt.yml'));
    const err = await rejection(loadPromptFile(path.join(dir, 'base.prompt.yml'), { root: dir }));
    assert.match(err.message, /base\.prompt\.yml is outside the project folder/);
    await rejection(loadPromptFile(path.join(dir, '..', 'other.prompt.yml'), { root: dir }));
    // Without a root (a path the user typed on the command line) the same file reads.
    assert.equal((await loadPromptFile(path.join(dir, 'base.prompt.yml'))).prompt.messages[0]!.content, 'secret');
  });

  test('absolute and ../ paths are refused without touching the disk (the editor sees them as you type)', () => {
    const file = path.join(os.tmpdir(), 'p', 'prompt-adapt.yml');
    const text = 'candidates: []\ntestSets:\n  - { id: a, path: /etc/passwd, format: csv }\n  - { id: b, path: ../../etc/hosts.csv }\n  - { id: c, path: data/ok.csv }\n';
    const { problems, links } = parseProjectFile(text, file);
    assert.deepEqual(problems.filter((p) => p.code === 'outside-project').map((p) => p.range.start.line + 1), [3, 4]);
    assert.deepEqual(links.map((l) => path.basename(l.target)), ['ok.csv']);
  });
});

suite('hostile workspace files: not a regular file', () => {
  test('a directory as a test set is a clear error naming it (not a bare EISDIR)', async () => {
    const { dir, project } = hostileProject();
    fs.mkdirSync(path.join(dir, 'data', 'folder.jsonl'));
    fs.writeFileSync(project, 'candidates: []\ntestSets:\n  - { id: d, path: data/folder.jsonl }\n');
    const parsed = await loadProjectFile(project);
    const p = parsed.problems.find((x) => x.code === 'not-a-file');
    assert.ok(p, JSON.stringify(parsed.problems));
    assert.equal(p.range.start.line + 1, 3);
    assert.match(p.message, /The test set 'data\/folder\.jsonl' is a directory, not a file/);
    const err = await rejection(validateTestSet(testSetSource(parsed.project, parsed.project.testSets[0]!)));
    assert.match(err.message, /folder\.jsonl is a directory, not a file/);
  });

  test('a named pipe (FIFO) is refused at once instead of hanging the reader', async function () {
    this.timeout(60_000);
    const { dir } = hostileProject();
    const fifo = path.join(dir, 'data', 'pipe.jsonl');
    const made = spawnSync('mkfifo', [fifo]);
    assert.equal(made.status, 0, `mkfifo is needed for this test: ${made.stderr}`);
    const started = Date.now();
    const err = await rejection(validateTestSet({ path: fifo, root: dir }));
    assert.match(err.message, /pipe\.jsonl is a named pipe \(FIFO\), not a file/);
    await rejection(loadPromptFile(fifo));
    // A reader that opened the pipe would wait for a writer forever: any finite bound tells the two apart, and a
    // generous one does not fail when a loaded machine is merely slow (it was 2 s).
    assert.ok(Date.now() - started < 15_000, `${Date.now() - started} ms`);
  });

  test('a device is refused by name', async () => {
    const err = await rejection(assertRegularFile('/dev/null'));
    assert.match(err.message, /^\/dev\/null is a device, not a file/);
  });
});

suite('hostile workspace files: text', () => {
  test('a lone-CR (old Mac) prompt file reads like its LF twin, with no bogus errors', () => {
    const lf = 'name: QA\nmessages:\n  - role: system\n    content: Be brief.\n  - role: user\n    content: "{{question}}"\n';
    const cr = parsePromptText(lf.replace(/\n/g, '\r'), '/p/qa.prompt.yml');
    assert.deepEqual(cr.problems.map((p) => p.code), ['missing-output-spec']);
    assert.deepEqual(cr.problems, parsePromptText(lf, '/p/qa.prompt.yml').problems);
    assert.deepEqual(cr.prompt.messages.map((m) => m.content), ['Be brief.', '{{question}}']);
  });

  test('a lone-CR prompt file on disk reads through loadPromptFile with line numbers as an editor shows them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-cr-'));
    const file = path.join(dir, 'qa.prompt.yml');
    fs.writeFileSync(file, 'name: QA\rmessages:\r  - role: usr\r    content: hi\r');
    const { problems } = await loadPromptFile(file);
    assert.deepEqual(problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.range.start.line + 1]), [['unknown-role', 3]]);
  });

  test('3000-deep block nesting is one error at the line where it passes the limit, not a stack overflow', () => {
    const text = Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n';
    const r = parseYaml(text);
    assert.equal(r.root, null);
    assert.deepEqual(r.errors.map((e) => e.code), ['yaml-too-deep']);
    const line = text.slice(0, r.errors[0]!.span[0]).split('\n').length;
    assert.equal(line, MAX_YAML_DEPTH + 1);
    // Ordinary nesting (and brackets inside quotes or block scalars) is not counted as depth.
    const ok = `a:\n  b: [1, {c: "${'['.repeat(200)}"}]\n  d: |\n    [${'{'.repeat(200)}\n  e: it's [x]\n`;
    assert.deepEqual(parseYaml(ok).errors, []);
  });
});
