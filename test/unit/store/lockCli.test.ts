// One writer per run (issue 16 §4), with two real `prompt-adapt run` processes on one store against a loopback
// server (in this process, so the CLI children are never waited for synchronously): the second refuses with the owner named instead of requesting every pair again; a lock left by a dead
// process is taken over; a lock from another host is respected.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EndpointsConfig } from '../../../src/core/providers/endpoints';
import type { PlanCandidate } from '../../../src/core/runner/plan';
import { runPlan, type RunOptions } from '../../../src/core/runner/runner';
import { RunLockedError } from '../../../src/core/store/lock';
import { Store } from '../../../src/core/store/store';
import { type MockServer, startMockServer } from '../../servers/mockModelServer';
import { examples, makePlan, providers, tempRoot } from '../runner/helpers';

const REPO = path.join(__dirname, '../../..');
const MAIN = path.join(REPO, 'src/cli/main.ts');
const ROWS = 40;

suite('run lock: two CLI processes on one store', function () {
  this.timeout(120_000);
  let server: MockServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const project = (): string => path.join(dir, 'prompt-adapt.yml');
  const args = (...extra: string[]): string[] => ['--import', 'tsx', MAIN, 'run', '--project', project(), '--prompt', path.join(dir, 'qa.prompt.yml'), '--test-set', 't', '--concurrency', '1', ...extra];
  const runsDir = (): string => path.join(dir, '.prompt-adapt', 'runs');

  suiteSetup(async () => { server = await startMockServer('openai', { latencyMs: 150 }); });
  suiteTeardown(() => server.close());
  setup(() => {
    server.setBehavior({ latencyMs: 150 });
    server.resetStats();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-lock-'));
    fs.writeFileSync(path.join(dir, 'qa.prompt.yml'), 'messages:\n  - role: user\n    content: "{{question}}"\n');
    fs.writeFileSync(path.join(dir, 't.jsonl'), Array.from({ length: ROWS }, (_, i) => JSON.stringify({ id: `q${i}`, question: `question ${i}` })).join('\n') + '\n');
    fs.writeFileSync(project(), ['candidates:', '  - { id: m, endpoint: local, model: m-1 }',
      'testSets:', '  - { id: t, path: t.jsonl, fields: { id: id, question: question } }', 'metrics: []', ''].join('\n'));
    fs.writeFileSync(path.join(dir, 'endpoints.json'), JSON.stringify({ local: { kind: 'openai', baseURL: server.url } }));
    env = { ...process.env, PROMPT_ADAPT_CONFIG: path.join(dir, 'endpoints.json'), PROMPT_ADAPT_KEY_LOCAL: 'k' };
  });

  /** Runs the CLI without blocking this process (the loopback server answers from it). */
  const cli = (a: string[]): Promise<{ status: number | null; stderr: string }> => new Promise((resolve) => {
    const child = spawn(process.execPath, a, { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.once('exit', (status) => resolve({ status, stderr }));
  });

  const lockFiles = (): string[] => {
    try { return fs.readdirSync(runsDir()).map((id) => path.join(runsDir(), id, 'lock')).filter((f) => fs.existsSync(f)); } catch { return []; }
  };

  test('a second run on the same run refuses, naming the process that writes it; nothing is requested twice', async () => {
    // The server holds the first run's requests until the second process is done, so the first is certainly still
    // writing then (it used to be a race between 40 answers of 150 ms and the second process's start-up).
    server.setBehavior({ latencyMs: 150, slots: 0 });
    const first = spawn(process.execPath, args(), { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstErr = '';
    first.stderr.on('data', (d) => { firstErr += String(d); });
    const firstDone = new Promise<number | null>((resolve) => first.once('exit', resolve));
    while (lockFiles().length === 0 && first.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    assert.equal(first.exitCode, null, `the first run ended before the second started: ${firstErr}`);
    const [lock] = lockFiles();
    assert.equal(JSON.parse(fs.readFileSync(lock!, 'utf8')).pid, first.pid);

    const second = await cli(args());
    assert.equal(second.status, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`Run \\S+ is being written by process ${first.pid} on this machine \\(since [^)]+\\)\\. Wait for it to finish, or start a separate run \\(CLI: --new-run\\)`));
    assert.equal(first.exitCode, null, 'the second process was refused while the first still ran');
    server.setBehavior({ latencyMs: 150 });

    assert.equal(await firstDone, 0, firstErr);
    assert.deepEqual(lockFiles(), [], 'the lock is released when the run ends');
    const [runId] = fs.readdirSync(runsDir());
    const rows = fs.readFileSync(path.join(runsDir(), runId!, 'responses.jsonl'), 'utf8').split('\n').filter(Boolean);
    assert.equal(rows.length, ROWS, 'one line per request');
    assert.equal(server.stats.completions, ROWS, 'every pair requested once');
  });

  test('a lock left by a dead process on this host is taken over; one from another host is respected', async () => {
    const runId = 'R-locked';
    const lock = path.join(runsDir(), runId, 'lock');
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(lock, JSON.stringify({ pid: Number(dead.stdout), host: os.hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const taken = await cli(args('--run-id', runId));
    assert.equal(taken.status, 0, taken.stderr);
    assert.equal(fs.existsSync(lock), false);

    fs.writeFileSync(lock, JSON.stringify({ pid: 1, host: 'build-agent-7', since: '2026-01-01T00:00:00.000Z' }));
    const refused = await cli(args('--run-id', runId, '--no-cache'));
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /is being written by process 1 on host build-agent-7 \(since 2026-01-01T00:00:00\.000Z\)/);
    assert.match(refused.stderr, new RegExp(`delete ${lock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});

suite('run lock: the editor\'s path (the core runner, in the extension host\'s process)', function () {
  this.timeout(60_000);
  test('a run that another live process (a CLI run) writes is refused with the owner named, and nothing is requested', async () => {
    const server = await startMockServer('openai');
    const endpoints: EndpointsConfig = { local: { kind: 'openai', baseURL: server.url } };
    const store = Store.openAt(tempRoot());
    fs.mkdirSync(store.runDir('shared'), { recursive: true });
    // The parent of this test process stands for the CLI: alive, on this machine, another pid.
    fs.writeFileSync(path.join(store.runDir('shared'), 'lock'), JSON.stringify({ pid: process.ppid, host: os.hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const cand: PlanCandidate = { id: 'm', endpoint: 'local', model: 'm-1' };
    try {
      await assert.rejects(runPlan(makePlan(examples(5), [cand]), { store, runId: 'shared', endpoints, getProvider: providers(endpoints) } satisfies RunOptions),
        (e: Error) => e instanceof RunLockedError && e.message.startsWith(`Run shared is being written by process ${process.ppid} on this machine (since 2026-01-01T00:00:00.000Z).`));
      assert.equal(server.stats.requests, 0);
      assert.ok(fs.existsSync(path.join(store.runDir('shared'), 'lock')), 'the owner\'s lock is left alone');
    } finally { await server.close(); }
  });
});
