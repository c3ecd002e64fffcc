// Terminal escape sequences from servers, test sets and project files reach the terminal only escaped: the
// real CLI (src/cli/main.ts) is spawned and its raw bytes are checked.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { terminalSafe } from '../../../src/cli/output';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';

const REPO = path.join(__dirname, '../../..');
const MAIN = path.join(REPO, 'src/cli/main.ts');
/** tsx by absolute URL: the CLI runs in a temporary project folder. */
const TSX = pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
/** A title change, a colour, an OSC 8 link, a cursor-up-and-erase that would hide the line above, a bidi override. */
const HOSTILE = '\x1b]0;owned\x07\x1b[31mred\x1b]8;;https://evil.example\x07link\x1b[1A\x1b[2K\u202eevil';

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], { cwd, env: { ...process.env, ...env } });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

suite('cli output: control characters are escaped', function () {
  this.timeout(60_000); // each case starts the CLI
  let server: MockServer;
  suiteSetup(async () => { server = await startMockServer('openai', { latencyMs: 1 }); });
  suiteTeardown(() => server.close());

  test('terminalSafe escapes C0, C1, DEL, lone CR and bidi overrides; keeps text, tabs, newlines and CRLF', () => {
    assert.equal(terminalSafe('a\x1b[31mb\x07'), 'a\\x1b[31mb\\x07');
    assert.equal(terminalSafe('x\x9by\x7f'), 'x\\x9by\\x7f');
    assert.equal(terminalSafe('over\rwrite'), 'over\\x0dwrite');
    assert.equal(terminalSafe('\u202eabc'), '\\u{202e}abc');
    assert.equal(terminalSafe('tab\there\nnext\r\nzürich 日本'), 'tab\there\nnext\r\nzürich 日本');
  });

  test('validate: a test-set value with escape sequences is printed escaped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-esc-'));
    fs.writeFileSync(path.join(dir, 'set.csv'), `q,${HOSTILE},${HOSTILE}\na,b,c\n`);
    const r = await cli(['validate', 'set.csv'], dir);
    assert.equal(r.code, 1);
    assert.match(r.out, /set\.csv:1:1: error: The header names the column '\\x1b\]0;owned\\x07\\x1b\[31mred\\x1b\]8;;https:\/\/evil\.example\\x07link\\x1b\[1A\\x1b\[2K\\u\{202e\}evil' twice/);
    assert.doesNotMatch(r.out + r.err, RAW_CONTROL);
  });

  test('run: an error message from the server with escape sequences is printed escaped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-esc-'));
    fs.writeFileSync(path.join(dir, 'q.txt'), 'Q: {{question}}');
    fs.writeFileSync(path.join(dir, 'data.jsonl'), '{"id":"a","question":"BAD"}\n');
    server.setBehavior({ latencyMs: 1, faults: [{ contentIncludes: 'BAD', fault: { kind: 'status', status: 400, message: `refused ${HOSTILE}` } }] });
    const r = await cli(['run', '--prompt', 'q.txt', '--models', 'm', '--base-url', server.url, '--dataset', 'data.jsonl', '--out', 'out.jsonl'], dir, { OPENAI_API_KEY: 'k' });
    assert.equal(r.code, 1);
    assert.match(r.err, /refused \\x1b\]0;owned\\x07/);
    assert.doesNotMatch(r.out + r.err, RAW_CONTROL);
    // The stored answer file keeps the server's text as it was (it is data, not terminal output).
    assert.ok(fs.readFileSync(path.join(dir, 'out.jsonl'), 'utf8').includes('\\u001b]0;owned'));
  });
});
