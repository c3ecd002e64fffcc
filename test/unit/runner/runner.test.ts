import { strict as assert } from 'node:assert';
import { contentKey, startMockServer, type MockServer } from '../../servers/mockModelServer';
import type { EndpointsConfig } from '../../../src/core/providers/endpoints';
import type { PlanCandidate } from '../../../src/core/runner/plan';
import { runPlan, type RunOptions } from '../../../src/core/runner/runner';
import { listRuns, readManifest, readResponses, responsesPath, type RunIssue } from '../../../src/core/store/runs';
import { Store } from '../../../src/core/store/store';
import { examples, lines, makePlan, providers, tempRoot } from './helpers';

const fast = { baseDelayMs: 20, maxDelayMs: 100 };
/**
 * The request timeout, long enough that only a request the server never answers reaches it: a loaded machine
 * can take a second to answer a 5 ms request, and a timed-out request is asked again (a second completion).
 */
const TIMEOUT_MS = 30_000;
/** The timeout in the one test whose server hangs on purpose: the run waits it out once. */
const HANG_TIMEOUT_MS = 2000;
/**
 * Collects the run's issues except the slot probe's hint: whether it comes depends on how fast this machine answers
 * a 5 ms request (a loaded machine looks like a server that queues), not on what these tests check; slotProbe.test.ts
 * and the real-server tests check it.
 */
const issuesInto = (list: RunIssue[]) => (i: RunIssue): void => { if (i.action !== 'lowered-concurrency') list.push(i); };

suite('runner', () => {
  let oai: MockServer;
  let bed: MockServer;
  let endpoints: EndpointsConfig;
  const cands: PlanCandidate[] = [
    { id: 'gpt', endpoint: 'local', model: 'gpt-x', price: { inputPerMTok: 1, outputPerMTok: 2 } },
    { id: 'nova', endpoint: 'aws', model: 'us.amazon.nova-lite-v1:0' },
  ];
  const opts = (root: string, extra: Partial<RunOptions> = {}, timeoutMs = TIMEOUT_MS): RunOptions =>
    ({ store: Store.openAt(root), endpoints, getProvider: providers(endpoints, timeoutMs), retry: fast, ...extra });

  suiteSetup(async () => {
    oai = await startMockServer('openai', { latencyMs: 5 });
    bed = await startMockServer('bedrock', { latencyMs: 5 });
    endpoints = { local: { kind: 'openai', baseURL: oai.url }, aws: { kind: 'bedrock', region: 'us-east-1', baseURL: bed.url } };
  });
  suiteTeardown(async () => { await oai.close(); await bed.close(); });
  setup(() => { oai.setBehavior({ latencyMs: 5 }); bed.setBehavior({ latencyMs: 5 }); oai.resetStats(); bed.resetStats(); });

  test('runs every example on every candidate and stores rows, tokens and cost', async () => {
    const root = tempRoot();
    const progress: number[] = [];
    const r = await runPlan(makePlan(examples(40), cands), opts(root, { onProgress: (p) => progress.push(p.done) }));
    assert.equal(r.status, 'complete');
    assert.equal(r.counts.requested, 80);
    assert.equal(r.missing, 0);
    const rows = await readResponses(root, r.runId);
    assert.equal(rows.length, 80);
    const g = rows.find((x) => x.exampleId === 'e3' && x.candidateId === 'gpt')!;
    assert.equal(g.output, 'answer:gpt-x:q3');
    assert.ok(g.inputTokens! > 0 && g.outputTokens! > 0 && g.requestId && g.outputHash && g.latencyMs !== undefined);
    assert.equal(g.cost, (g.inputTokens! * 1 + g.outputTokens! * 2) / 1e6);
    assert.equal(rows.find((x) => x.candidateId === 'nova')!.finishReason, 'end_turn');
    const m = (await readManifest(root, r.runId))!;
    assert.equal(m.status, 'complete');
    assert.equal((await listRuns(root))[0]!.runId, r.runId);
    assert.equal(progress.at(-1), 80);
    assert.equal(oai.stats.completions + bed.stats.completions, 80);
  });

  test('a second run of the same plan is served from the cache; --no-cache asks again', async () => {
    const root = tempRoot();
    await runPlan(makePlan(examples(20), cands), opts(root));
    const r2 = await runPlan(makePlan(examples(20), cands), opts(root));
    assert.equal(r2.counts.cached, 40);
    assert.equal(r2.counts.requested, 0);
    assert.equal(oai.stats.completions + bed.stats.completions, 40);
    assert.ok((await readResponses(root, r2.runId)).every((x) => x.cached && x.output));
    const r3 = await runPlan(makePlan(examples(20), cands), opts(root, { cache: false }));
    assert.equal(r3.counts.requested, 40);
  });

  test('transient failures (500, dropped connections, malformed bodies, hangs) are retried', async () => {
    const root = tempRoot();
    oai.setBehavior({ latencyMs: 5, faults: [
      { contentIncludes: 'q1', times: 2, fault: { kind: 'server-error', status: 503 } },
      { contentIncludes: 'q2', times: 1, fault: { kind: 'drop' } },
      { contentIncludes: 'q3', times: 1, fault: { kind: 'malformed' } },
      { contentIncludes: 'q4', times: 1, fault: { kind: 'hang' } },
    ] });
    const issues: RunIssue[] = [];
    const r = await runPlan(makePlan(examples(6), [cands[0]!]), opts(root, { retry: fast, onIssue: issuesInto(issues) }, HANG_TIMEOUT_MS));
    assert.equal(r.status, 'complete');
    assert.equal(r.counts.requested, 6);
    assert.equal(oai.stats.requests, 6 + 2 + 1 + 1 + 1);
    assert.equal(issues.filter((i) => i.action === 'retrying').length, 1, 'one message for all retried transient failures');
  });

  test('a request that keeps failing is recorded after the retry limit; other examples continue', async () => {
    const root = tempRoot();
    oai.setBehavior({ latencyMs: 1, faults: [{ contentIncludes: 'q1', fault: { kind: 'server-error' } }] });
    const r = await runPlan(makePlan(examples(5), [cands[0]!]), opts(root, { retry: { ...fast, maxRetries: 2 } }));
    assert.equal(r.status, 'incomplete');
    assert.equal(r.counts.errors, 1);
    assert.equal(r.missing, 1);
    const row = (await readResponses(root, r.runId)).find((x) => x.exampleId === 'e1')!;
    assert.equal(row.error?.kind, 'transient');
    assert.equal(oai.stats.requests, 4 + 3);
    // Resume retries the failed pair only.
    oai.setBehavior({ latencyMs: 1 });
    oai.resetStats();
    const again = await runPlan(makePlan(examples(5), [cands[0]!]), opts(root, { runId: r.runId }));
    assert.equal(again.status, 'complete');
    assert.equal(again.counts.resumed, 4);
    assert.equal(oai.stats.requests, 1);
  });

  test('429 with retry-after-ms / retry-after is backed off and retried, for both SDKs', async () => {
    const root = tempRoot();
    oai.setBehavior({ latencyMs: 1, faults: [{ times: 3, fault: { kind: 'rate-limit', retryAfterMs: 30 } }] });
    bed.setBehavior({ latencyMs: 1, faults: [{ times: 2, fault: { kind: 'rate-limit', retryAfterS: 0 } }] });
    const issues: RunIssue[] = [];
    const r = await runPlan(makePlan(examples(10), cands), opts(root, { onIssue: issuesInto(issues) }));
    assert.equal(r.status, 'complete');
    assert.equal(oai.stats.rateLimited, 3);
    assert.equal(bed.stats.rateLimited, 2);
    assert.equal(oai.stats.completions + bed.stats.completions, 20);
    assert.deepEqual(issues.map((i) => i.action).sort(), ['backing-off', 'backing-off']);
  });

  test('AIMD: against a server capped at 4 in flight, concurrency drops to the cap and nothing is lost', async () => {
    const root = tempRoot();
    oai.setBehavior({ latencyMs: 20, maxInFlight: 4 });
    const r = await runPlan(makePlan(examples(120), [cands[0]!]), opts(root, { concurrency: 32, retry: fast }));
    assert.equal(r.status, 'complete');
    assert.equal(r.counts.requested, 120);
    assert.ok(oai.stats.rateLimited > 0);
    // After the first burst, few requests are rejected: the limit settled near the cap.
    assert.ok(oai.stats.rateLimited < 120, `rate limited ${oai.stats.rateLimited} times`);
    assert.ok(Object.values(oai.stats.completionsByKey).every((n) => n === 1));
  });

  test('auth failure stops that endpoint with one message; the other endpoint finishes', async () => {
    const root = tempRoot();
    oai.setBehavior({ latencyMs: 5, faults: [{ fault: { kind: 'status', status: 401, message: 'Incorrect API key provided: sk-test-secret-key-1234' } }] });
    const issues: RunIssue[] = [];
    const r = await runPlan(makePlan(examples(200), cands), opts(root, { concurrency: 4, onIssue: issuesInto(issues) }));
    assert.equal(r.status, 'incomplete');
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.action, 'stopped-endpoint');
    assert.equal(issues[0]!.kind, 'auth');
    assert.ok(!issues[0]!.message.includes('sk-test-secret-key-1234'), 'key redacted');
    assert.ok(oai.stats.requests <= 8, `${oai.stats.requests} requests after the first 401`);
    assert.equal(r.counts.requested, 200);
    assert.equal(r.counts.skipped, 200);
    assert.equal(r.missing, 200);
  });

  test('model not found stops that candidate only', async () => {
    const root = tempRoot();
    oai.setBehavior({ latencyMs: 2, faults: [{ model: 'nope', fault: { kind: 'status', status: 404, code: 'model_not_found', message: 'The model `nope` does not exist' } }] });
    const both: PlanCandidate[] = [cands[0]!, { id: 'bad', endpoint: 'local', model: 'nope' }];
    const issues: RunIssue[] = [];
    const r = await runPlan(makePlan(examples(50), both), opts(root, { concurrency: 2, onIssue: issuesInto(issues) }));
    assert.equal(r.counts.requested, 50);
    assert.equal(r.counts.skipped, 50);
    assert.deepEqual(issues.map((i) => [i.action, i.candidateId]), [['stopped-candidate', 'bad']]);
    assert.ok(oai.stats.byModel.nope! <= 3);
  });

  test('out of quota stops the endpoint', async () => {
    const root = tempRoot();
    bed.setBehavior({ latencyMs: 2, faults: [{ fault: { kind: 'quota' } }] });
    const issues: RunIssue[] = [];
    const r = await runPlan(makePlan(examples(30), [cands[1]!]), opts(root, { concurrency: 2, onIssue: issuesInto(issues) }));
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.kind, 'quota');
    assert.equal(r.counts.skipped, 30);
  });

  test('bad requests, context-length errors and unrenderable examples are recorded per example under one message each', async () => {
    const root = tempRoot();
    oai.setBehavior({ latencyMs: 1, faults: [
      { contentIncludes: 'LONG', fault: { kind: 'status', status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 8192 tokens" } },
      { contentIncludes: 'BAD', fault: { kind: 'status', status: 400, code: 'invalid_request_error', message: 'bad param' } },
    ] });
    const exs = examples(30).map((e, i) => ({ ...e, fields: { question: i % 10 === 1 ? `LONG${i}` : i % 10 === 2 ? `BAD${i}` : i % 10 === 3 ? `UNRENDERABLE${i}` : `q${i}` } }));
    const issues: RunIssue[] = [];
    const r = await runPlan(makePlan(exs, [cands[0]!]), opts(root, { onIssue: issuesInto(issues) }));
    assert.equal(r.counts.errors, 9);
    assert.equal(r.counts.requested, 21);
    // Issue 13: a run with failures is never "complete" (it used to be, since asking again changes nothing).
    assert.equal(r.status, 'incomplete', 'a run with final errors is incomplete, not complete');
    assert.equal(r.missing, 9);
    assert.deepEqual(issues.map((i) => `${i.kind}:${i.count}`).sort(), ['bad-request:3', 'bad-request:3', 'context-length:3']);
    assert.equal(oai.stats.requests, 27, 'final errors are not retried');
    // Resuming keeps final errors: nothing is requested again.
    oai.resetStats();
    const again = await runPlan(makePlan(exs, [cands[0]!]), opts(root, { runId: r.runId }));
    assert.equal(oai.stats.requests, 0);
    assert.equal(again.counts.errors, 9);
  });

  test('cancellation aborts in-flight requests, keeps finished ones, and the run resumes without double requests', async () => {
    const root = tempRoot();
    oai.setBehavior({ latencyMs: 40 });
    const ac = new AbortController();
    const plan = () => makePlan(examples(100), [cands[0]!]);
    let seen = 0;
    const r = await runPlan(plan(), opts(root, { concurrency: 8, signal: ac.signal, cache: false, onResponse: () => { if (++seen === 20) ac.abort(); } }));
    assert.equal(r.status, 'cancelled');
    const kept = lines(responsesPath(root, r.runId)).map((l) => JSON.parse(l).exampleId as string);
    const before = kept.length;
    assert.equal(before, r.counts.requested);
    assert.ok(before >= 20 && before < 100);
    const again = await runPlan(plan(), opts(root, { runId: r.runId, cache: false, concurrency: 8 }));
    assert.equal(again.status, 'complete');
    assert.equal(again.counts.resumed, before);
    assert.equal((await readResponses(root, r.runId)).length, 100);
    for (const id of kept) {
      const key = contentKey('gpt-x', [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: `q${id.slice(1)}` }]);
      assert.equal(oai.stats.completionsByKey[key], 1, `${id} was kept before the cancel and asked again`);
    }
  });

  test('a key-bearing request never follows a redirect to another origin', async () => {
    const root = tempRoot();
    const evil = await startMockServer('openai', {});
    try {
      oai.setBehavior({ faults: [{ fault: { kind: 'redirect', location: `${evil.url}/chat/completions` } }] });
      const r = await runPlan(makePlan(examples(3), [cands[0]!]), opts(root, { retry: { ...fast, maxRetries: 1 } }));
      assert.equal(r.counts.requested, 0);
      assert.equal(evil.stats.requests, 0);
    } finally { await evil.close(); }
  });
});
