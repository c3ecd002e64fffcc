// Real-server compatibility suite (opt-in: `npm run test:real-server`). A real llama.cpp `llama-server`, built once
// into .tools/ by scripts/realServer/build-llama-server.sh, serves tiny random-weight GGUF models made at test time
// with llama.cpp's own GGUF writer; the built CLI (dist/cli.js) runs → judges → compares against it on 127.0.0.1,
// one slot per model. The answers are nonsense by design: the suite checks how the tool deals with a real server
// (issue 16 §6), never answer quality.
import { strict as assert } from 'node:assert';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TOOLS = process.env.PROMPT_ADAPT_TOOLS ?? path.join(ROOT, '.tools');
const SERVER = path.join(TOOLS, 'llama-server', 'bin', 'llama-server');
const GGUF_PY = path.join(TOOLS, 'llama-server', 'gguf-py');
const CLI = path.join(ROOT, 'dist', 'cli.js');
/**
 * Tokens per answer (most answers are cut there, and stored as truncated rows with their text): short on the router
 * to keep the run quick; longer on the
 * single-model server so that, even on an idle machine, 16 requests queued behind one slot take well over the
 * 250 ms below which the run does not bother to look for slots.
 */
const N_PREDICT = { router: '4', single: '48' };

interface Ran { code: number; out: string; err: string }

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 64 << 20 }, (err, out, errOut) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out, err: errOut });
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

/** Starts llama-server with `args` on a free loopback port and waits until /health says ok. */
async function startServer(args: string[], log: string, nPredict: string): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const out = fs.openSync(log, 'w');
  const proc = spawn(SERVER, [...args, '--host', '127.0.0.1', '--port', String(port), '--parallel', '1', '-c', '1024', '-n', nPredict], { stdio: ['ignore', out, out] });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`llama-server exited (${proc.exitCode}); see ${log}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return { url: `http://127.0.0.1:${port}/v1`, proc };
    await new Promise((r) => setTimeout(r, 500));
  }
  proc.kill();
  throw new Error(`llama-server did not become healthy in 120 s; see ${log}`);
}

function makeModel(file: string, name: string, seed: number): void {
  const r = spawnSync('python3', [path.join(ROOT, 'scripts/realServer/make_tiny_gguf.py'), file, '--name', name, '--seed', String(seed)],
    { env: { ...process.env, PYTHONPATH: GGUF_PY }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make_tiny_gguf.py failed (python3 with numpy is needed): ${r.stderr}`);
}

interface Row { candidateId: string; output?: string; finishReason?: string; latencyMs?: number; replyModel?: string; error?: { kind: string } }
const responses = (dir: string) => fs.readFileSync(path.join(dir, 'responses.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);

/**
 * Every row got a reply with its text; a reply the server's token limit ended (`finish_reason: length`, most of them
 * with these models) is a `truncated` row that keeps its text, and the run exits 1 for those rows and nothing else.
 */
function everyRowAnswered(rows: Row[], expected: number, r: Ran): void {
  assert.equal(rows.filter((x) => typeof x.output === 'string').length, expected, r.err);
  for (const x of rows) assert.equal(x.error?.kind, x.finishReason === 'length' ? 'truncated' : undefined, JSON.stringify(x));
  const cut = rows.some((x) => x.error);
  assert.equal(r.code, cut ? 1 : 0, r.err + r.out);
  if (cut) assert.match(r.err, /the reply was cut at the token limit \(finish reason 'length', \d+ output tokens\): its text is kept/);
}
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };

suite('real llama-server (issue 16 §6)', function () {
  this.timeout(30 * 60_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-real-'));
  const project = path.join(work, 'project');
  const env: NodeJS.ProcessEnv = { PROMPT_ADAPT_CONFIG: path.join(work, 'endpoints.json') };
  const servers: ChildProcess[] = [];
  const runs: Record<string, string> = {};

  suiteSetup(async function () {
    if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: build it once with 'bash scripts/realServer/build-llama-server.sh' (15–35 min)`);
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run 'npm run build' first`);
    const models = path.join(work, 'models');
    fs.mkdirSync(models);
    makeModel(path.join(models, 'tiny-a.gguf'), 'tiny-a', 1);
    makeModel(path.join(models, 'tiny-b.gguf'), 'tiny-b', 2);
    const single = await startServer(['-m', path.join(models, 'tiny-a.gguf')], path.join(work, 'single.log'), N_PREDICT.single);
    const router = await startServer(['--models-dir', models], path.join(work, 'router.log'), N_PREDICT.router);
    servers.push(single.proc, router.proc);
    fs.writeFileSync(env.PROMPT_ADAPT_CONFIG!, JSON.stringify({ single: { kind: 'openai', baseURL: single.url }, router: { kind: 'openai', baseURL: router.url } }));
    fs.mkdirSync(path.join(project, 'data'), { recursive: true });
    fs.writeFileSync(path.join(project, 'qa.prompt.yml'), 'name: QA\nmodelParameters: { temperature: 0 }\nmessages:\n  - role: user\n    content: "Q: {{question}}"\n');
    const questions = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: `q${i}`, question: `What is ${i} + ${i}?`, answer: String(2 * i) })).join('\n') + '\n';
    fs.writeFileSync(path.join(project, 'data', 'set.jsonl'), questions(24));
    // Enough requests for the slot probe to go 16 → 8 → 4 → 2 → 1 with four measured answers at each level.
    fs.writeFileSync(path.join(project, 'data', 'many.jsonl'), questions(72));
    fs.writeFileSync(path.join(project, 'prompt-adapt.yml'), [
      'baseline: { prompt: qa.prompt.yml, candidate: base }',
      'candidates:',
      '  - { id: base, endpoint: router, model: tiny-a }',
      '  - { id: cand, endpoint: router, model: tiny-b }',
      // A single-model server answers any model name with its own model.
      '  - { id: lookalike, endpoint: single, model: gpt-4o-mini }',
      'testSets:',
      '  - { id: set, path: data/set.jsonl, fields: { id: id, question: question, groundTruth: answer } }',
      '  - { id: many, path: data/many.jsonl, fields: { id: id, question: question, groundTruth: answer } }',
      'metrics:',
      '  - { id: correct, kind: judge, rubric: context, judge: { endpoint: router, model: tiny-a } }',
      '  - { id: f1, kind: token-f1, threshold: 0.5 }',
      'decision: { primaryMetric: correct }',
      '',
    ].join('\n'));
  });
  suiteTeardown(() => { for (const p of servers) p.kill(); });

  const run = async (candidates: string, testSet = 'set') => {
    const r = await cli(['run', '--project', 'prompt-adapt.yml', '--prompt', 'qa.prompt.yml', '--test-set', testSet, '--candidates', candidates], project,
      { ...env, PROMPT_ADAPT_PROGRESS_SECONDS: '0.2' });
    const m = /^run (\S+): /m.exec(r.out);
    if (m) runs[candidates] = path.join(project, '.prompt-adapt', 'runs', m[1]!);
    return r;
  };

  test('router mode (Connection: close on every answer): every row answered, no reset, no retry; the models answer by their names', async () => {
    const r = await run('base,cand');
    assert.doesNotMatch(r.err, /ECONNRESET|socket hang up|fetch failed|retrying|timed out/, r.err);
    const rows = responses(runs['base,cand']!);
    everyRowAnswered(rows, 48, r);
    assert.ok(rows.every((x) => x.replyModel === undefined), 'the router names the model asked for');
  });

  test('single-model server: the model-file warning once per candidate; one slot found (16 → 1 or 2) with no timeout; latency from send', async () => {
    const r = await run('lookalike', 'many');
    everyRowAnswered(responses(runs.lookalike!), 72, r);
    assert.match(r.err, /^warning: single\/lookalike: the server names its model file '[^']*tiny-a\.gguf', not the model asked for \('gpt-4o-mini'\)/m);
    assert.doesNotMatch(r.err, /timed out|retrying/);
    // Not a terminal (as in CI): plain progress lines while it runs.
    assert.match(r.err, /^run \S+: \d+\/72 \(\d+%\), (?:\d+ errors?, )?[\d.]+\/s, .*in flight$/m);
    const latencies = responses(runs.lookalike!).map((x) => x.latencyMs!).filter((x) => x !== undefined);
    assert.equal(latencies.length, 72);
    // On an idle machine this tiny model answers 16 queued requests in about 250 ms, where the run's probe starts to
    // look (its fastest full-load answer ≥ 250 ms) but halving hardly pays against the client's own time per request,
    // so either outcome is right there; on a busy one (CI, the machine building) the queue costs seconds and the run
    // must find the slot.
    const queued = Math.min(...latencies.slice(16, 20));
    const hint = /^warning: single: the server serves about [12] requests? at a time \(answers took (?:[\d.]+ s|\d+ ms) with 16 in flight, (?:[\d.]+ s|\d+ ms) with [12]\): concurrency lowered to [12]/m;
    if (queued >= 500) {
      assert.match(r.err, hint, `latencies: ${latencies.join(' ')}`);
      // Once the run sends one or two at a time, a request's latency is the server's own time, not its queue's.
      assert.ok(median(latencies.slice(-8)) * 4 < Math.max(...latencies.slice(0, 20)), `latencies: ${latencies.join(' ')}`);
    } else if (queued < 250) assert.doesNotMatch(r.err, /serves about/, `latencies: ${latencies.join(' ')}`);
    else if (/serves about/.test(r.err)) assert.match(r.err, hint);
  });

  test('judge and compare run through the CLI on the stored runs', async () => {
    // The single-model run's answers that ended by themselves (the cut ones are not judged).
    const whole = responses(runs.lookalike!).filter((x) => !x.error).length;
    assert.ok(whole > 0, 'some answers of the 48-token server end before the limit');
    const judged = await cli(['judge', '--project', 'prompt-adapt.yml', '--run', path.basename(runs.lookalike!)], project, env);
    assert.doesNotMatch(judged.err, /ECONNRESET|fetch failed|timed out|Error:/, judged.err);
    // The judge prompt does not fit the server's 1024-token context: every judge call is refused, and judge says
    // so and fails instead of reporting its outputs as "no verdict" and a success.
    assert.equal(judged.code, 1, judged.out + judged.err);
    assert.match(judged.err, new RegExp(`error: correct: ${whole} outputs?, 0 verdicts: every judge request failed \\(HTTP 400: .*context size.*\\) — see `));
    const compared = await cli(['compare', '--project', 'prompt-adapt.yml', '--test-set', 'set'], project, env);
    assert.ok([0, 1, 2].includes(compared.code), compared.err);
    assert.match(compared.out + compared.err, /cand/);
  });
});
