// `prompt-adapt run --mode batch` killed with SIGKILL while its batch is running, then run again: the
// second process picks the submitted batch up from the run's job list; the server is never paid twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startOpenAIBatchServer, type BatchServerOptions, type OpenAIBatchServer } from '../../servers/openaiBatchServer';
import { tempRoot } from '../runner/helpers';

const repo = path.join(__dirname, '../../..');
const cli = path.join(repo, 'src/cli/main.ts');
// The child runs in a temp folder (its store goes there), so tsx is named by its file, not resolved from the cwd.
const tsx = pathToFileURL(path.join(repo, 'node_modules/tsx/dist/loader.mjs')).href;
const run = (cwd: string, args: string[]) => spawn(process.execPath, ['--import', tsx, cli, 'run', ...args], { cwd, env: { ...process.env, OPENAI_API_KEY: 'sk-loopback-0000' }, stdio: ['ignore', 'pipe', 'pipe'] });

function jobsFile(dir: string): string | undefined {
  const runs = path.join(dir, '.prompt-adapt', 'runs');
  for (const id of fs.existsSync(runs) ? fs.readdirSync(runs) : []) {
    const f = path.join(runs, id, 'batch-jobs.json');
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

suite('cli: batch mode survives SIGKILL', function () {
  // Real SDKs against loopback servers and child processes: slow on a loaded machine, never hung.
  this.timeout(180000);
  /** Starts `run --mode batch` in a temp folder and SIGKILLs it once its batch is submitted. */
  async function submitThenKill(server: OpenAIBatchServer, n: number): Promise<{ dir: string; args: string[] }> {
    const dir = tempRoot();
    fs.writeFileSync(path.join(dir, 'q.txt'), 'Question: {{question}}\n');
    fs.writeFileSync(path.join(dir, 'data.jsonl'), Array.from({ length: n }, (_, i) => JSON.stringify({ id: `x${i}`, question: `what ${i}` })).join('\n') + '\n');
    const args = ['--prompt', 'q.txt', '--models', 'm1', '--base-url', server.url, '--dataset', 'data.jsonl', '--out', 'out.jsonl', '--mode', 'batch'];
    const first = run(dir, args);
    let err = '';
    first.stderr.on('data', (d) => { err += d; });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const f = jobsFile(dir);
      const jobs = f ? JSON.parse(fs.readFileSync(f, 'utf8') || '[]') as { jobId: string }[] : [];
      if (jobs.some((j) => !j.jobId.startsWith('submitting:'))) break;
      assert.ok(Date.now() < deadline, `no batch submitted in time: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    assert.equal(server.stats.batchesCreated, 1);
    return { dir, args };
  }

  /** Runs the CLI to its end: exit code, stdout, stderr. */
  async function finish(dir: string, args: string[]): Promise<{ code: unknown; out: string; err: string }> {
    const p = run(dir, args);
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    const code = await new Promise((r) => p.once('exit', r));
    return { code, out, err };
  }

  /**
   * Starts `run --mode batch` and SIGKILLs it from inside the server, right after the upload or the create and before
   * the client hears of it: the job list holds the "submitting" marker only.
   */
  async function killAt(point: 'afterUpload' | 'afterCreate', n: number, opts: BatchServerOptions = {}): Promise<{ server: OpenAIBatchServer; dir: string; args: string[] }> {
    const first: { child?: ReturnType<typeof run>; killed?: boolean } = {};
    const kill = async () => {
      if (first.killed) return; // later processes run undisturbed
      first.killed = true;
      first.child!.kill('SIGKILL');
      await new Promise((r) => first.child!.once('exit', r));
    };
    const server = await startOpenAIBatchServer({ ...opts, [point]: kill });
    const dir = tempRoot();
    fs.writeFileSync(path.join(dir, 'q.txt'), 'Question: {{question}}\n');
    fs.writeFileSync(path.join(dir, 'data.jsonl'), Array.from({ length: n }, (_, i) => JSON.stringify({ id: `x${i}`, question: `what ${i}` })).join('\n') + '\n');
    const args = ['--prompt', 'q.txt', '--models', 'm1', '--base-url', server.url, '--dataset', 'data.jsonl', '--out', 'out.jsonl', '--mode', 'batch'];
    const child = first.child = run(dir, args);
    const code = await new Promise((r) => child.once('exit', (c, signal) => r(signal ?? c)));
    assert.equal(code, 'SIGKILL');
    const jobs = JSON.parse(fs.readFileSync(jobsFile(dir)!, 'utf8')) as { jobId: string }[];
    assert.deepEqual(jobs.map((j) => j.jobId.startsWith('submitting:')), [true], 'only the marker was saved');
    return { server, dir, args };
  }

  test('SIGKILLed right after the remote create, then --cancel: the batch is found by its tag and cancelled; the next run pays nothing twice', async () => {
    const { server, dir, args } = await killAt('afterCreate', 150, { advanceOnPoll: false });
    const clock = setInterval(() => { if (server.stats.cancels) server.advance(); }, 300);
    try {
      assert.equal(server.stats.batchesCreated, 1);
      const cancelled = await finish(dir, [...args, '--cancel']);
      assert.equal(cancelled.code, 0, cancelled.err);
      assert.equal(server.stats.cancels, 1, 'the provider was told');
      assert.match(cancelled.err, /a submission was interrupted before it was recorded; cancelled job batch_\w+ \(found by its tag\)/);
      assert.match(cancelled.err, /batch jobs cancelled: 0 results they finished are stored; 150 requests they never ran/);
      const jobs = JSON.parse(fs.readFileSync(jobsFile(dir)!, 'utf8')) as { jobId: string; state: string; cancelRequested?: boolean }[];
      assert.deepEqual(jobs.map((j) => [j.jobId.startsWith('batch_'), j.state, j.cancelRequested]), [[true, 'cancelled', true]], 'the marker is gone');

      const again = await finish(dir, args.filter((a) => a !== '--cancel'));
      assert.equal(again.code, 0, again.err);
      assert.equal(server.stats.batchesCreated, 2);
      assert.equal(Math.max(...Object.values(server.stats.processedByKey)), 1, 'no request paid twice');
    } finally { clearInterval(clock); await server.close(); }
  });

  test('SIGKILLed after the upload and before the create, then --cancel: no job had been created, the upload is removed, the marker cleared', async () => {
    const { server, dir, args } = await killAt('afterUpload', 120);
    try {
      const cancelled = await finish(dir, [...args, '--cancel']);
      assert.equal(cancelled.code, 0, cancelled.err);
      assert.match(cancelled.err, /no remote job had been created for 120 requests, its uploaded input \(1 file\) removed: nothing to cancel; they are left for the next run/);
      assert.deepEqual([server.stats.batchesCreated, server.stats.cancels, server.stats.filesDeleted], [0, 0, 1]);
      assert.deepEqual(JSON.parse(fs.readFileSync(jobsFile(dir)!, 'utf8')), []);
    } finally { await server.close(); }
  });

  test('killed between submit and completion, resumed: every row, the same batch, 0 requests paid twice', async () => {
    const server = await startOpenAIBatchServer({ advanceOnPoll: false });
    try {
      const { dir, args } = await submitThenKill(server, 150);
      for (let i = 0; i < 4; i++) server.advance();
      const { code, out, err: err2 } = await finish(dir, args);
      assert.equal(code, 0, err2);
      assert.match(err2, /resuming run/);
      assert.match(out, /complete; 150 requested/);
      assert.equal(server.stats.batchesCreated, 1, 'the submitted batch was picked up, not submitted again');
      assert.equal(server.stats.live, 0);
      assert.equal(Math.max(...Object.values(server.stats.processedByKey)), 1);
      const rows = fs.readFileSync(path.join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.equal(rows.length, 150);
      assert.equal(rows.find((r) => r.id === 'x42').output, 'answer:m1:Question: what 42\n');
    } finally { await server.close(); }
  });

  test('--cancel cancels the remote batch and keeps what it finished; the next run sends only the rest', async () => {
    const server = await startOpenAIBatchServer({ advanceOnPoll: false, perStep: 40 });
    // The provider's clock, once the cancel is in: batches move a step every 300 ms (the CLI polls every 5 s and more).
    const clock = setInterval(() => { if (server.stats.cancels) server.advance(); }, 300);
    try {
      const { dir, args } = await submitThenKill(server, 160);
      server.advance(); server.advance(); // in progress: 40 of 160 done
      const cancelled = await finish(dir, [...args, '--cancel']);
      assert.equal(cancelled.code, 0, cancelled.err);
      assert.equal(server.stats.cancels, 1, 'the provider was told');
      assert.match(cancelled.err, /batch jobs cancelled: (\d+) results they finished are stored; (\d+) requests they never ran/);
      const [, stored, left] = /(\d+) results they finished are stored; (\d+) requests/.exec(cancelled.err)!.map(Number);
      assert.deepEqual([stored, left], [40, 120], cancelled.err);
      const jobs = JSON.parse(fs.readFileSync(jobsFile(dir)!, 'utf8')) as { state: string; cancelRequested?: boolean; collected?: boolean }[];
      assert.deepEqual(jobs.map((j) => [j.state, j.cancelRequested, j.collected]), [['cancelled', true, true]]);

      const again = await finish(dir, args);
      assert.equal(again.code, 0, again.err);
      assert.match(again.out, new RegExp(`complete; ${left} requested, 0 cached, ${stored} resumed`));
      assert.equal(server.stats.batchesCreated, 2);
      assert.equal(server.stats.processed, 160, 'the second batch held only what the first never ran');
      assert.equal(Math.max(...Object.values(server.stats.processedByKey)), 1, 'no request paid twice');
    } finally { clearInterval(clock); await server.close(); }
  });
});
