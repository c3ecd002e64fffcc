// Issue 16 §6: what real servers do that the CLI must take in stride (llama.cpp's llama-server as the model):
// connections closed after each answer, a reply naming another model, one slot, a host that does not resolve.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import { main } from '../../../src/cli/commands/run';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { tempRoot } from '../runner/helpers';
import { captureConsole } from '../helpers/console';

const rows = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: `${prefix}${i}`, question: `${prefix} ${i}` })).join('\n') + '\n';
const outLines = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; model: string; output?: string; error?: string });

suite('cli: real-server behaviours (issue 16 §6)', () => {
  let server: MockServer;
  let cwd: string;
  const dir = tempRoot();
  suiteSetup(async () => { server = await startMockServer('openai'); cwd = process.cwd(); process.chdir(dir); fs.writeFileSync('q.txt', 'Q: {{question}}'); });
  suiteTeardown(async () => { process.chdir(cwd); await server.close(); });
  setup(() => { server.setBehavior({}); server.resetStats(); });

  test('timeoutMs per endpoint (endpoints file) and --timeout-ms: the limit is used, named in the message, and validated', async function () {
    this.timeout(30_000);
    fs.writeFileSync('slow.jsonl', rows(2, 'slow'));
    fs.writeFileSync('endpoints-timeout.json', JSON.stringify({ slow: { kind: 'openai', baseURL: server.url, timeoutMs: 1000 } }));
    process.env.PROMPT_ADAPT_CONFIG = 'endpoints-timeout.json';
    try {
      const { loadCliEndpoints } = await import('../../../src/cli/commands/run');
      assert.equal(loadCliEndpoints().slow?.timeoutMs, 1000);
    } finally { delete process.env.PROMPT_ADAPT_CONFIG; }
    const { parseEndpoints } = await import('../../../src/core/providers/registry');
    const { problems } = parseEndpoints({ a: { kind: 'openai', baseURL: server.url, timeoutMs: 500 }, b: { kind: 'openai', baseURL: server.url, timeoutMs: '2m' } });
    assert.deepEqual(problems, ['a: timeoutMs must be a whole number of milliseconds from 1000 to 3600000 (default 120000), not 500', 'b: timeoutMs must be a whole number of milliseconds from 1000 to 3600000 (default 120000), not "2m"']);
    // A 1.5 s answer: over a 1 s limit every try times out, within 10 s it arrives at once (10 s, not 3: a loaded
    // machine may add a second to the answer, and the test is about which limit is used, not about speed).
    server.setBehavior({ latencyMs: 1500 });
    const argv = ['--prompt', 'q.txt', '--models', 'm', '--base-url', server.url, '--dataset', 'slow.jsonl', '--new-run', '--no-cache'];
    const short = await captureConsole(() => main([...argv, '--timeout-ms', '1000', '--out', 'slow-short.jsonl']));
    assert.equal(short.value, 1);
    assert.match(short.err, /request timed out after 1 s \(the endpoint's timeoutMs; raise it for a slow server\)/);
    const long = await captureConsole(() => main([...argv, '--timeout-ms', '10000', '--out', 'slow-long.jsonl']));
    assert.equal(long.value, 0, long.err);
    assert.doesNotMatch(long.err, /timed out/);
    await assert.rejects(captureConsole(() => main([...argv, '--timeout-ms', '5s', '--out', 'x.jsonl'])), /--timeout-ms must be a whole number of milliseconds from 1000 to 3600000/);
  });

  test('a server that answers every model name with its model file: one warning per candidate (screen and store), rows kept', async () => {
    server.setBehavior({ replyModel: '/models/stories260K.gguf' });
    fs.writeFileSync('mismatch.jsonl', rows(6, 'mm'));
    const r = await captureConsole(() => main(['--prompt', 'q.txt', '--models', 'stories260K,gpt-4o-mini', '--base-url', server.url, '--dataset', 'mismatch.jsonl', '--out', 'mismatch-out.jsonl']));
    assert.equal(r.value, 0, r.err);
    // Once each as it happens, then in the summary with the count.
    assert.match(r.err, /\n {2}warning: ad-hoc\/gpt-4o-mini: the server names its model file .* \(×6\)/);
    const warnings = r.err.split('\n').filter((l) => l.startsWith('warning:') && l.includes('names its model file'));
    assert.deepEqual(warnings.map((l) => l.slice(0, l.indexOf(':', 'warning: '.length + 1))), ['warning: ad-hoc/stories260K', 'warning: ad-hoc/gpt-4o-mini']);
    assert.match(warnings[1]!, /the server names its model file '\/models\/stories260K\.gguf', not the model asked for \('gpt-4o-mini'\): a llama\.cpp-style server serving one file answers every model name with that file/);
    assert.equal(outLines('mismatch-out.jsonl').filter((o) => typeof o.output === 'string').length, 12);
    const runDir = /store (\S+)/.exec(r.out)![1]!;
    const manifest = JSON.parse(fs.readFileSync(`${runDir}/manifest.json`, 'utf8')) as { issues: { candidateId: string; action: string; count: number; message: string }[] };
    assert.deepEqual(manifest.issues.filter((i) => i.action === 'noted').map((i) => [i.candidateId, i.count]), [['stories260K', 6], ['gpt-4o-mini', 6]]);
    const stored = fs.readFileSync(`${runDir}/responses.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { replyModel?: string });
    assert.ok(stored.every((x) => x.replyModel === '/models/stories260K.gguf'));
  });

  for (const mode of ['silent', 'header'] as const) {
    test(`a server that closes the connection after every answer (${mode === 'silent' ? 'without a word, as llama-server in router mode' : 'with Connection: close'}): 20 of 20 rows, no retries`, async () => {
      server.setBehavior({ latencyMs: 5, closeConnection: mode });
      fs.writeFileSync(`close-${mode}.jsonl`, rows(20, mode));
      const r = await captureConsole(() => main(['--prompt', 'q.txt', '--models', 'm', '--base-url', server.url, '--dataset', `close-${mode}.jsonl`, '--out', `close-${mode}-out.jsonl`, '--concurrency', '2']));
      assert.equal(r.value, 0, r.err + r.out);
      const out = outLines(`close-${mode}-out.jsonl`);
      assert.equal(out.filter((o) => typeof o.output === 'string').length, 20, 'every row answered');
      assert.doesNotMatch(r.err + r.out, /retrying|ECONNRESET|fetch failed/, `a closed connection is not a failure: ${r.err}${r.out}`);
      assert.equal(server.stats.completions, 20, 'nothing answered twice');
    });
  }
});

suite('cli: connection failures keep their cause (issue 16 §6)', () => {
  let cwd: string;
  const dir = tempRoot();
  suiteSetup(() => { cwd = process.cwd(); process.chdir(dir); fs.writeFileSync('q.txt', 'Q: {{question}}'); fs.writeFileSync('two.jsonl', rows(2, 'c')); });
  suiteTeardown(() => { process.chdir(cwd); });

  test('nothing listening: the message says ECONNREFUSED and the address, on screen and in the stored rows', async function () {
    this.timeout(60_000);
    const closed = await startMockServer('openai');
    const url = closed.url;
    await closed.close();
    const port = new URL(url).port;
    const r = await captureConsole(() => main(['--prompt', 'q.txt', '--models', 'm', '--base-url', url, '--dataset', 'two.jsonl', '--out', 'refused.jsonl']));
    assert.equal(r.value, 1);
    assert.match(r.err + r.out, new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
    assert.doesNotMatch(r.err + r.out, /fetch failed/);
    for (const row of outLines('refused.jsonl')) assert.match(row.error ?? '', new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
  });

  test('a host name that does not resolve is a configuration error naming the host, not retried', async () => {
    const r = await captureConsole(() => main(['--prompt', 'q.txt', '--models', 'm', '--base-url', 'http://no-such-model-host.invalid:8080/v1', '--dataset', 'two.jsonl', '--out', 'dns.jsonl']));
    assert.equal(r.value, 1);
    assert.match(r.err + r.out, /configuration error: the host name 'no-such-model-host\.invalid' does not resolve \(getaddrinfo (?:ENOTFOUND|EAI_AGAIN) no-such-model-host\.invalid\); check the endpoint's baseURL/);
    assert.doesNotMatch(r.err + r.out, /retrying/);
  });
});

suite('cli: a server with one slot (issue 16 §6)', () => {
  let server: MockServer;
  let cwd: string;
  const dir = tempRoot();
  suiteSetup(async () => { server = await startMockServer('openai'); cwd = process.cwd(); process.chdir(dir); fs.writeFileSync('q.txt', 'Q: {{question}}'); });
  suiteTeardown(async () => { process.chdir(cwd); await server.close(); });

  test('concurrency 16 against one slot: the run finds it, comes down to 1, says so with the figures, and nothing times out', async function () {
    this.timeout(120_000);
    // 100 ms an answer: queueing at each level (level × 100 ms) stands well above what a loaded machine adds to a
    // request, so the halvings down to one or two slots are seen at any load (at 40 ms, 80 ms of delay stopped them at 4).
    server.setBehavior({ slots: 1, latencyMs: 100 });
    fs.writeFileSync('slot.jsonl', rows(120, 'slot'));
    const r = await captureConsole(() => main(['--prompt', 'q.txt', '--models', 'm', '--base-url', server.url, '--dataset', 'slot.jsonl', '--out', 'slot-out.jsonl', '--timeout-ms', '5000']));
    assert.equal(r.value, 0, r.err);
    assert.equal(outLines('slot-out.jsonl').filter((o) => typeof o.output === 'string').length, 120);
    assert.doesNotMatch(r.err, /timed out|retrying/);
    // One or two: with two in flight the client's own round trip overlaps the server's work.
    assert.match(r.err, /warning: ad-hoc: the server serves about [12] requests? at a time \(answers took (?:\d+\.\d s|\d+ ms) with 16 in flight, \d+ ms with ([12])\): concurrency lowered to \1 for this run\. Set "maxConcurrency": \1 on endpoint 'ad-hoc' to start there\./);
    const last = server.stats.inFlightAtAnswer.slice(-30);
    assert.ok(Math.max(...last) <= 2, `in flight at the server for the last 30 answers: ${last.join(' ')}`);
  });

  test('a server that serves everything at once keeps its concurrency (one short measurement at half)', async function () {
    this.timeout(60_000);
    // 1 s an answer: the half-concurrency measurement only lowers the level if latency at 16 in flight is 1.5× that at
    // 8, which a loaded machine's delay (hundreds of ms) does not reach against 1 s (it did against 300 ms).
    server.setBehavior({ latencyMs: 1000 });
    server.resetStats();
    fs.writeFileSync('wide.jsonl', rows(96, 'wide'));
    const r = await captureConsole(() => main(['--prompt', 'q.txt', '--models', 'm', '--base-url', server.url, '--dataset', 'wide.jsonl', '--out', 'wide-out.jsonl', '--concurrency', '16']));
    assert.equal(r.value, 0, r.err);
    assert.doesNotMatch(r.err, /serves about/);
    assert.equal(server.stats.maxInFlightSeen, 16);
    assert.ok(Math.max(...server.stats.inFlightAtAnswer.slice(-48)) >= 15, `back at 16 after the measurement; in flight: ${server.stats.inFlightAtAnswer.join(' ')}`);
  });

  test('latency counts from the moment a request is sent: rows waiting for the client\'s own concurrency do not add their wait', async function () {
    this.timeout(60_000);
    server.setBehavior({ latencyMs: 200 });
    fs.writeFileSync('lat.jsonl', rows(16, 'lat'));
    const started = performance.now();
    const r = await captureConsole(() => main(['--prompt', 'q.txt', '--models', 'm', '--base-url', server.url, '--dataset', 'lat.jsonl', '--out', 'lat-out.jsonl', '--concurrency', '2']));
    const wall = performance.now() - started;
    assert.equal(r.value, 0, r.err);
    const stored = fs.readdirSync('.prompt-adapt/runs').flatMap((id) => fs.readFileSync(`.prompt-adapt/runs/${id}/responses.jsonl`, 'utf8').trim().split('\n'))
      .map((l) => JSON.parse(l) as { exampleId: string; latencyMs?: number }).filter((x) => x.exampleId.startsWith('lat'));
    const latencies = stored.map((x) => x.latencyMs!);
    assert.equal(latencies.length, 16);
    // Eight rounds of two: the last rows waited over a second in the client's queue before they were sent.
    assert.ok(wall >= 1500, `${wall} ms`);
    // Each latency is one answer's time, not the row's wait in the queue: counted from the queue, the last rows would
    // take nearly the whole run (seven rounds of waiting); counted from the send, each stays a small part of it
    // at any machine load (the old "< 1000 ms" failed when the machine added 800 ms to one answer).
    assert.ok(Math.min(...latencies) >= 190 && Math.max(...latencies) < wall / 2, `each latency is one answer's time: ${latencies.join(' ')} (run ${wall.toFixed(0)} ms)`);
  });
});
