// The runner's parts, each on its own: the endpoint queue, the failure policy, the recorder, the feeder and the
// dispatcher (with scripted providers, so every interleaving is deterministic).
import { strict as assert } from 'node:assert';
import { ProviderError, type Completion, type CompletionRequest, type ModelProvider } from '../../../src/core/providers/provider';
import { Dispatcher, type ResultSink, type Task } from '../../../src/core/runner/dispatcher';
import { EndpointQueue } from '../../../src/core/runner/endpointQueue';
import { decideOnFailure, defaultRetryPolicy, type Attempts } from '../../../src/core/runner/failurePolicy';
import { estimateTokens, feedPlan, ResumeIndex, type FeedOptions } from '../../../src/core/runner/feeder';
import { requestHash } from '../../../src/core/runner/hash';
import type { PlanCandidate, PlanItem, RunPlan } from '../../../src/core/runner/plan';
import { RunRecorder } from '../../../src/core/runner/recorder';
import type { CachedResponse } from '../../../src/core/store/responseCache';
import { readManifest, readResponses } from '../../../src/core/store/runs';
import { Store } from '../../../src/core/store/store';
import { tempRoot } from './helpers';

const cand: PlanCandidate = { id: 'c', endpoint: 'e', model: 'm', price: { inputPerMTok: 1, outputPerMTok: 2 } };
const item = (i: number, c: PlanCandidate = cand): PlanItem => ({ exampleId: `x${i}`, candidate: c, messages: [{ role: 'user', content: `q${i}` }] });
const answer = (text: string): CachedResponse => ({ output: text, inputTokens: 10, outputTokens: 5, latencyMs: 3, at: '2026-01-01T00:00:00.000Z' });
const plan = (items: PlanItem[], candidates = [cand]): RunPlan => ({ planKey: 'k', candidates, items, total: items.length });

suite('runner parts: endpoint queue', () => {
  test('first in, first out; a retry goes back to the front; compaction keeps the order', () => {
    const q = new EndpointQueue<number>();
    for (let i = 0; i < 3000; i++) q.push(i);
    for (let i = 0; i < 2000; i++) assert.equal(q.shift(), i);
    q.unshift(-1);
    assert.equal(q.length, 1001);
    assert.equal(q.shift(), -1);
    assert.equal(q.peek(), 2000);
    assert.equal(q.clear(), 1000);
    assert.equal(q.shift(), undefined);
  });
});

suite('runner parts: failure policy', () => {
  const half = () => 0.5;
  test('auth and quota stop the endpoint; model-not-found stops the candidate; bad requests are recorded at once', () => {
    assert.equal(decideOnFailure(new ProviderError('auth', 'HTTP 401'), { attempts: 0, rateLimits: 0 }, defaultRetryPolicy, 'm', 0).action, 'stop-endpoint');
    const q = decideOnFailure(new ProviderError('quota', 'billing'), { attempts: 0, rateLimits: 0 }, defaultRetryPolicy, 'm', 0);
    assert.deepEqual(q, { action: 'stop-endpoint', kind: 'quota', message: 'out of quota: billing' });
    assert.equal(decideOnFailure(new ProviderError('model-not-found', 'nope'), { attempts: 0, rateLimits: 0 }, defaultRetryPolicy, 'gpt', 0).action, 'stop-candidate');
    assert.equal(decideOnFailure(new ProviderError('bad-request', 'bad'), { attempts: 0, rateLimits: 0 }, defaultRetryPolicy, 'm', 0).action, 'record');
  });

  test('transient failures back off exponentially with jitter, then are recorded after maxRetries', () => {
    const a = { attempts: 0, rateLimits: 0 };
    const policy = { ...defaultRetryPolicy, maxRetries: 2, baseDelayMs: 100 };
    const e = new ProviderError('transient', 'HTTP 503');
    const first = decideOnFailure(e, a, policy, 'm', 0, half);
    assert.deepEqual([first.action, first.action === 'retry' && first.delayMs], ['retry', 75]);
    const second = decideOnFailure(e, a, policy, 'm', 0, half);
    assert.deepEqual([second.action, second.action === 'retry' && second.delayMs], ['retry', 150]);
    const third = decideOnFailure(e, a, policy, 'm', 0, half);
    assert.deepEqual(third, { action: 'record', kind: 'transient', message: 'failed after 2 retries: HTTP 503', rowMessage: 'HTTP 503' });
  });
});

suite('runner parts: recorder', () => {
  test('rows, counts, tokens and cost; the final status; issues aggregated per cause', async () => {
    const root = tempRoot();
    const issues: string[] = [];
    const r = new RunRecorder({ store: Store.openAt(root), runId: 'r1', plan: plan([item(0), item(1), item(2)]), onIssue: (i) => issues.push(i.message) });
    r.output(item(0), 'h0', answer('a0'), false);
    r.output(item(1), 'h1', answer('a1'), true);
    r.issue('transient', 'error', 'recorded', 'e', 'c', 'failed');
    r.issue('transient', 'error', 'recorded', 'e', 'c', 'failed again');
    r.error(item(2), 'h2', 'transient', 'HTTP 503');
    assert.deepEqual(issues, ['failed'], 'one report per cause');
    assert.equal(r.issues[0]!.count, 2);
    assert.deepEqual(r.counts, { total: 3, requested: 1, cached: 1, resumed: 0, errors: 1, skipped: 0 });
    assert.equal(r.cost, 2 * (10 + 5 * 2) / 1e6);
    assert.equal(r.cached('h0')?.output, 'a0', 'a received response is cached');
    const end = r.finish(false);
    r.close();
    assert.deepEqual([end.status, end.missing], ['incomplete', 1], 'a retriable error leaves the run incomplete');
    const rows = await readResponses(root, 'r1');
    assert.deepEqual(rows.map((x) => [x.exampleId, x.output ?? x.error?.kind, x.cached ?? false]), [['x0', 'a0', false], ['x1', 'a1', true], ['x2', 'transient', false]]);
    assert.equal((await readManifest(root, 'r1'))!.status, 'incomplete');
  });

  // Issue 13 changed this: a run with failures is never complete (it was, since asking again changes nothing).
  test('final errors (bad requests) leave a run incomplete, not complete; ETA from the session rate', () => {
    let clock = 0;
    const r = new RunRecorder({ store: Store.openAt(tempRoot()), runId: 'r2', plan: plan(Array.from({ length: 10 }, (_, i) => item(i))), now: () => clock });
    for (let i = 0; i < 5; i++) { clock += 100; r.output(item(i), `h${i}`, answer('a'), false); }
    assert.equal(r.progress(3).etaMs, 500, '5 done in 500 ms, 5 to go');
    assert.equal(r.progress(3).inFlight, 3);
    for (let i = 5; i < 10; i++) r.error(item(i), `h${i}`, 'bad-request', 'bad');
    assert.equal(r.finish(false).status, 'incomplete');
    r.close();
  });
});

/** A recorder and dispatcher double that logs what the feeder did. */
function feedDouble(opts: { cached?: Set<string>; stopped?: boolean; space?: Promise<void> } = {}) {
  const log: string[] = [];
  const ep = { id: 'e', kind: 'openai' };
  const feed: FeedOptions = {
    resume: new ResumeIndex(),
    signal: new AbortController().signal,
    recorder: {
      issue: (_k, _s, _a, _e, _c, m) => { log.push(`issue ${m}`); return {} as never; },
      error: (it, _h, kind) => log.push(`error ${it.exampleId} ${kind}`),
      output: (it, _h, _r, cached) => log.push(`output ${it.exampleId} ${cached}`),
      skipped: () => log.push('skipped'),
      cached: (h) => (opts.cached?.has(h) ? answer('hit') : undefined),
      resumed: () => log.push('resumed'),
      resumedFinalError: () => log.push('resumed-error'),
    },
    dispatcher: {
      endpointFor: () => ep as never,
      accepts: () => !opts.stopped,
      enqueue: (_e, t: Task) => { log.push(`queued ${t.item.exampleId} ${t.estTokens}`); return opts.space; },
    },
  };
  return { log, feed };
}

suite('runner parts: feeder', () => {
  const hashOf = (it: PlanItem) => requestHash('openai', it.candidate.model, it.messages, it.params);

  test('resumed pairs, final errors, render errors, cache hits and new requests each go their way', async () => {
    const items = [item(0), item(1), { ...item(2), renderError: 'no value for {{q}}' }, item(3), item(4)];
    const { log, feed } = feedDouble({ cached: new Set([hashOf(items[3]!)]) });
    feed.resume.add({ exampleId: 'x0', candidateId: 'c', model: 'm', requestHash: hashOf(items[0]!), output: 'old', at: '' });
    feed.resume.add({ exampleId: 'x1', candidateId: 'c', model: 'm', requestHash: hashOf(items[1]!), error: { kind: 'bad-request', message: 'bad' }, at: '' });
    await feedPlan(plan(items), feed);
    assert.deepEqual(log, ['resumed', 'resumed-error', 'issue cannot render the prompt: no value for {{q}}', 'error x2 bad-request', 'output x3 true', `queued x4 ${estimateTokens(items[4]!)}`]);
  });

  test('a changed request or a retriable error row is asked again; a stopped endpoint skips', async () => {
    const it = item(0);
    const { log, feed } = feedDouble();
    feed.resume.add({ exampleId: 'x0', candidateId: 'c', model: 'm', requestHash: 'other', output: 'old', at: '' });
    await feedPlan(plan([it, item(1)]), feed);
    assert.deepEqual(log, [`queued x0 ${estimateTokens(it)}`, `queued x1 ${estimateTokens(item(1))}`]);
    const stopped = feedDouble({ stopped: true });
    await feedPlan(plan([it]), stopped.feed);
    assert.deepEqual(stopped.log, ['skipped']);
  });

  test('pulls the next item only when the dispatcher has room', async () => {
    let release!: () => void;
    const space = new Promise<void>((r) => { release = r; });
    const { log, feed } = feedDouble({ space });
    let pulled = 0;
    function* items() { for (let i = 0; i < 3; i++) { pulled++; yield item(i); } }
    const done = feedPlan({ planKey: 'k', candidates: [cand], items: items() }, feed);
    await new Promise((r) => setImmediate(r));
    assert.equal(pulled, 1, 'waits for room before pulling the next item');
    release();
    await done;
    assert.equal(pulled, 3);
    assert.equal(log.length, 3);
  });

  test('token estimate: ~4 characters per token plus maxTokens (512 when unset)', () => {
    assert.equal(estimateTokens({ ...item(0), messages: [{ role: 'user', content: 'x'.repeat(40) }] }), 10 + 512);
    assert.equal(estimateTokens({ ...item(0), messages: [{ role: 'user', content: 'x'.repeat(41) }], params: { maxTokens: 100 } }), 11 + 100);
  });
});

/** A provider whose calls wait until the test settles them. */
function scriptedProvider() {
  const calls: { req: CompletionRequest; resolve(c: Completion): void; reject(e: unknown): void }[] = [];
  let inFlight = 0, maxInFlight = 0;
  const provider: ModelProvider = {
    kind: 'openai',
    complete: (req, signal) => new Promise<Completion>((resolve, reject) => {
      inFlight++; maxInFlight = Math.max(maxInFlight, inFlight);
      const done = () => { inFlight--; };
      signal.addEventListener('abort', () => { done(); reject(Object.assign(new Error('aborted'), { name: 'AbortError' })); }, { once: true });
      calls.push({ req, resolve: (c) => { done(); resolve(c); }, reject: (e) => { done(); reject(e); } });
    }),
  };
  return { provider, calls, max: () => maxInFlight };
}

function sinkDouble(): ResultSink & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    issue: (_k, _s, action, _e, _c, m) => { log.push(`${action}: ${m}`); return { action } as never; },
    error: (it, _h, kind) => log.push(`error ${it.exampleId} ${kind}`),
    output: (it) => log.push(`output ${it.exampleId}`),
    skipped: (n = 1) => log.push(`skipped ${n}`),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const ok = (text: string): Completion => ({ text, latencyMs: 1, inputTokens: 1, outputTokens: 1 });

suite('runner parts: dispatcher', () => {
  async function setup(concurrency: number, retry = { ...defaultRetryPolicy, baseDelayMs: 1, maxDelayMs: 2 }) {
    const p = scriptedProvider();
    const sink = sinkDouble();
    const ac = new AbortController();
    const d = new Dispatcher({ endpoints: { e: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1' } }, getProvider: async () => p.provider, concurrency, retry, sink, signal: ac.signal });
    const ep = await d.endpointFor(cand);
    const enqueue = (i: number) => d.enqueue(ep, { item: item(i), hash: `h${i}`, attempts: 0, rateLimits: 0, estTokens: 1 });
    return { p, sink, ac, d, ep, enqueue };
  }

  test('keeps at most the concurrency in flight and settles every request', async () => {
    const { p, sink, d, enqueue } = await setup(3);
    for (let i = 0; i < 10; i++) enqueue(i);
    d.doneFeeding();
    assert.equal(p.calls.length, 3);
    for (let k = 0; k < 10; k++) { p.calls[k]!.resolve(ok(`a${k}`)); await tick(); }
    await d.finished;
    assert.equal(p.max(), 3);
    assert.equal(sink.log.filter((l) => l.startsWith('output')).length, 10);
  });

  test('a transient failure is retried before the requests behind it', async () => {
    const { p, sink, d, enqueue } = await setup(1);
    for (let i = 0; i < 3; i++) enqueue(i);
    d.doneFeeding();
    p.calls[0]!.reject(new ProviderError('transient', 'HTTP 503'));
    await tick();
    // The freed slot goes to x1 at once; the retry waits out its delay at the front of the queue, ahead of x2.
    for (let k = 1; k < 4; k++) { p.calls[k]!.resolve(ok('a')); await tick(); }
    await d.finished;
    assert.deepEqual(p.calls.map((c) => c.req.messages[0]!.content), ['q0', 'q1', 'q0', 'q2']);
    assert.deepEqual(sink.log, ['retrying: retrying after: HTTP 503', 'output x1', 'output x0', 'output x2']);
  });

  test('an auth failure stops the endpoint: one issue, the queue is skipped, later items are refused', async () => {
    const { p, sink, d, ep, enqueue } = await setup(1);
    for (let i = 0; i < 5; i++) enqueue(i);
    p.calls[0]!.reject(new ProviderError('auth', 'HTTP 401'));
    await tick();
    assert.equal(d.accepts(item(9), ep), false);
    d.doneFeeding();
    await d.finished;
    assert.deepEqual(sink.log, ['stopped-endpoint: authentication failed: HTTP 401', 'skipped 4', 'skipped 1']);
    assert.equal(p.calls.length, 1);
  });

  test('holds the feeder back above the high-water mark and lets it go when requests drain', async () => {
    const p = scriptedProvider();
    const d = new Dispatcher({ endpoints: { e: { kind: 'openai', baseURL: 'http://127.0.0.1:9/v1' } }, getProvider: async () => p.provider, concurrency: 1,
      retry: defaultRetryPolicy, sink: sinkDouble(), signal: new AbortController().signal, highWater: 2 });
    const ep = await d.endpointFor(cand);
    const task = (i: number): Task => ({ item: item(i), hash: `h${i}`, attempts: 0, rateLimits: 0, estTokens: 1 });
    assert.equal(d.enqueue(ep, task(0)), undefined, 'started at once');
    assert.equal(d.enqueue(ep, task(1)), undefined);
    const wait = d.enqueue(ep, task(2));
    assert.ok(wait, 'two queued: wait');
    let released = false;
    void wait.then(() => { released = true; });
    await tick();
    assert.equal(released, false);
    p.calls[0]!.resolve(ok('a'));
    await tick();
    assert.equal(released, true);
  });

  test('cancelling aborts what is in flight and finishes without waiting for the queue', async () => {
    const { p, sink, ac, d, enqueue } = await setup(2);
    for (let i = 0; i < 6; i++) enqueue(i);
    ac.abort();
    await d.finished;
    assert.equal(p.calls.length, 2);
    assert.deepEqual(sink.log, [], 'aborted requests are neither errors nor outputs');
  });
});

suite('runner parts: rate-limited requests wait until a deadline, never a retry count', () => {
  const limited = (ms?: number) => new ProviderError('rate-limit', 'HTTP 429', ms === undefined ? {} : { retryAfterMs: ms });
  const policy = { ...defaultRetryPolicy, rateLimitWaitMs: 60_000 };

  test('retries after exactly the server\'s retry-after (however short), for as many 429s as fit the deadline', () => {
    const a: Attempts = { attempts: 0, rateLimits: 0 };
    let now = 1000;
    for (let i = 0; i < 500; i++) {
      const d = decideOnFailure(limited(100), a, policy, 'm', now);
      assert.deepEqual([d.action, d.action === 'retry' && d.delayMs], ['retry', 100], `429 #${i + 1}`);
      now += 100;
    }
    assert.equal(a.rateLimitedSince, 1000);
  });

  test('recorded once the wait would pass the deadline; without retry-after, exponential backoff', () => {
    const a = { attempts: 0, rateLimits: 0 };
    assert.equal(decideOnFailure(limited(), a, policy, 'm', 0, () => 0.5).action === 'retry', true);
    const late = decideOnFailure(limited(5000), a, policy, 'm', 56_000);
    assert.deepEqual(late.action === 'record' && [late.kind, late.message], ['rate-limit', 'still rate limited after waiting 56 s (2 tries)']);
    const b = { attempts: 0, rateLimits: 0 };
    const delays = [0, 1, 2, 3].map(() => { const d = decideOnFailure(limited(), b, policy, 'm', 0, () => 1); return d.action === 'retry' ? d.delayMs : -1; });
    assert.deepEqual(delays, [250, 500, 1000, 2000]);
  });
});
