// `prompt-adapt run` when there is nothing to run or the store cannot be written: an empty test set, a run id
// that would leave the store, a read-only store and a full disk are clear errors (exit 1), never a
// "complete" run or a Node stack.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main as run } from '../../../src/cli/commands/run';
import { fileSystemFailure } from '../../../src/cli/fileErrors';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { captureConsole } from '../helpers/console';

const REPO = path.join(__dirname, '../../..');
const TSX = pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
const isRoot = process.getuid?.() === 0;

function cli(args: string[], cwd: string, extra: { uid?: number; gid?: number } = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, path.join(REPO, 'src/cli/main.ts'), ...args],
      { cwd, env: { ...process.env, OPENAI_API_KEY: 'k', HOME: os.tmpdir() }, ...extra });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A folder with a template prompt and `rows` examples of about 300 bytes each. */
function adHocFolder(dir: string, rows: number): void {
  fs.writeFileSync(path.join(dir, 'q.txt'), 'Q: {{question}}');
  fs.writeFileSync(path.join(dir, 'data.jsonl'), Array.from({ length: rows }, (_, i) => JSON.stringify({ id: `a${i}`, question: `${'x'.repeat(300)}${i}` })).join('\n') + '\n');
}

suite('cli run: nothing to run, or a store that cannot be written', () => {
  let server: MockServer;
  let cwd: string;
  let dir: string;
  suiteSetup(async () => { server = await startMockServer('openai', { latencyMs: 1 }); cwd = process.cwd(); });
  suiteTeardown(async () => { process.chdir(cwd); await server.close(); });
  setup(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-runfail-')); process.chdir(dir); server.resetStats(); });
  teardown(() => process.chdir(cwd));

  const adHoc = (dataset: string, more: string[] = []): string[] =>
    ['--prompt', 'q.txt', '--models', 'm', '--base-url', server.url, '--dataset', dataset, '--out', 'out.jsonl', ...more];

  test('an empty test set is an error, not a complete run of nothing', async () => {
    adHocFolder(dir, 1);
    for (const [file, text] of [['empty.jsonl', ''], ['blank.jsonl', '\n\n  \n']] as const) {
      fs.writeFileSync(file, text);
      const r = await captureConsole(() => run(adHoc(file)).catch((e: Error) => e.message));
      assert.match(String(r.value), new RegExp(`^the test set .*${file} has no examples .*nothing was run`), file);
      assert.doesNotMatch(r.out, /complete/);
    }
    assert.equal(fs.existsSync('.prompt-adapt/runs'), false, 'no empty run is recorded');
  });

  test('a project test set with a header and no rows is an error too', async () => {
    fs.writeFileSync('qa.prompt.yml', 'messages:\n  - role: user\n    content: "{{q}}"\n');
    fs.writeFileSync('set.csv', 'id,q\n');
    fs.writeFileSync('prompt-adapt.yml', 'candidates:\n  - { id: c, endpoint: loop, model: m }\ntestSets:\n  - { id: t, path: set.csv }\n');
    fs.writeFileSync('endpoints.json', JSON.stringify({ loop: { kind: 'openai', baseURL: server.url } }));
    process.env.PROMPT_ADAPT_CONFIG = path.resolve('endpoints.json');
    try {
      const r = await captureConsole(() => run(['--project', 'prompt-adapt.yml', '--prompt', 'qa.prompt.yml', '--test-set', 't']).catch((e: Error) => e.message));
      assert.match(String(r.value), /set\.csv has no examples/);
    } finally { delete process.env.PROMPT_ADAPT_CONFIG; }
  });

  test('a test set none of whose rows can be read is an error after the problems are shown', async () => {
    adHocFolder(dir, 0);
    fs.writeFileSync('latin1.jsonl', Buffer.from('{"id":"a","question":"caf\xe9"}\n', 'latin1'));
    const r = await captureConsole(() => run(adHoc('latin1.jsonl')));
    assert.equal(r.value, 1);
    assert.match(r.err, /latin1\.jsonl:1:26: error: Line 1, column 26 is not UTF-8 text \(byte 0xE9\)/);
    assert.match(r.err, /no example of the test set could be read .*nothing was run/);
    assert.equal(server.stats.completions, 0);
  });

  test('--run-id with ../ is refused before anything is written', async () => {
    adHocFolder(dir, 2);
    for (const id of ['../../escaped', '..', '/tmp/abs', 'a/../../b', '.hidden']) {
      const r = await captureConsole(() => run(adHoc('data.jsonl', ['--run-id', id])).catch((e: Error) => e.message));
      assert.match(String(r.value), /is not a run id: use letters, digits/, id);
    }
    assert.equal(fs.existsSync(path.join(dir, '..', 'escaped')), false);
    assert.equal(fs.existsSync(path.join(dir, '.prompt-adapt', 'escaped')), false);
    assert.equal(server.stats.completions, 0);
    const ok = await captureConsole(() => run(adHoc('data.jsonl', ['--run-id', 'nightly-2025.01_a'])));
    assert.equal(ok.value, 0, ok.err);
  });

  test('a read-only store: a clear message naming the folder, nothing changed (run as an unprivileged user)', async function () {
    this.timeout(60_000);
    adHocFolder(dir, 3);
    fs.mkdirSync('.prompt-adapt');
    fs.chmodSync('.prompt-adapt', 0o555);
    fs.chmodSync(dir, 0o777); // the --out file may be written; only the store is read-only
    // root ignores permission bits: the CLI runs as `nobody` then, as a user would meet this.
    const r = await cli(['run', ...adHoc('data.jsonl')], dir, isRoot ? { uid: 65534, gid: 65534 } : {});
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /Cannot write .*\.prompt-adapt\/runs\/\S+: permission denied\. Runs, verdicts and the response cache are kept in the store folder/);
    assert.doesNotMatch(r.err, /^\s+at /m, 'no stack trace');
    assert.deepEqual(fs.readdirSync('.prompt-adapt'), []);
  });

  test('a full disk ends the run with a clear message, and the responses already written are kept and resumed', async function () {
    // A real full disk: a 256 KiB tmpfs (needs root to mount; the message itself is covered below without it).
    this.timeout(120_000); // two CLI processes and 300 rows on a shared machine
    if (!isRoot) this.skip();
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir]);
    if (mount.status !== 0) this.skip();
    try {
      adHocFolder(dir, 300);
      const r = await cli(['run', ...adHoc('data.jsonl', ['--concurrency', '4', '--out', path.join(os.tmpdir(), `pa-full-${process.pid}.jsonl`)])], dir);
      assert.equal(r.code, 1);
      assert.match(r.err, /^prompt-adapt: The disk is full: could not write .*\/responses\.jsonl\. The responses written before this point are kept in the store; free some space and run the same command again/m);
      assert.doesNotMatch(r.err, /^\s+at /m, 'no stack trace');
      const [runId] = fs.readdirSync(path.join(dir, '.prompt-adapt', 'runs'));
      const kept = fs.readFileSync(path.join(dir, '.prompt-adapt', 'runs', runId!, 'responses.jsonl'), 'utf8').split('\n').filter((l) => l.endsWith('}')).length;
      assert.ok(kept > 10, `${kept} responses kept`);
      // With space again, the same command resumes the run: the kept responses are not asked for again.
      spawnSync('mount', ['-o', 'remount,size=8m', dir]);
      const before = server.stats.completions;
      const again = await cli(['run', ...adHoc('data.jsonl', ['--out', path.join(os.tmpdir(), `pa-full-${process.pid}.jsonl`)])], dir);
      assert.equal(again.code, 0, again.err);
      assert.match(again.err, new RegExp(`resuming run ${runId}`));
      assert.match(again.out, /complete; (\d+) requested, (\d+) cached, (\d+) resumed, 0 errors/);
      const [, requested, cached, resumed] = /(\d+) requested, (\d+) cached, (\d+) resumed/.exec(again.out)!;
      assert.equal(Number(requested) + Number(cached) + Number(resumed), 300);
      assert.ok(Number(resumed) >= kept - 4, `${resumed} resumed of ${kept} kept`);
      assert.equal(server.stats.completions - before, Number(requested));
    } finally {
      process.chdir(cwd);
      spawnSync('umount', [dir]);
    }
  });

  test('the full-disk and read-only messages for real errors from the kernel', () => {
    let full: unknown;
    try { fs.writeSync(fs.openSync('/dev/full', 'w'), 'x'); } catch (e) { full = Object.assign(e as Error, { path: '/p/.prompt-adapt/runs/r/responses.jsonl' }); }
    assert.match(fileSystemFailure(full) ?? '', /^The disk is full: could not write \/p\/\.prompt-adapt\/runs\/r\/responses\.jsonl\. The responses written before this point are kept/);
    assert.equal(fileSystemFailure(new Error('other')), undefined);
    let missing: unknown;
    try { fs.readFileSync('/no/such/file'); } catch (e) { missing = e; }
    assert.equal(fileSystemFailure(missing), undefined, 'a missing file is not a write failure');
  });
});
