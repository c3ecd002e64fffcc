// A submission a crash interrupts between its "submitting" marker and the job list's save: the real SDKs against
// the loopback servers, the client killed (its signal aborted inside the server's hook) right after the remote
// create, or right after the upload and before the create. Cancel must find and cancel the job that exists, say
// that none was created when none was, and clear the marker either way; a resume must pick the job up.
import assert from 'node:assert/strict';
import { describeBatchEvent } from '../../../src/core/batch/describe';
import type { BatchEvent } from '../../../src/core/batch/driver';
import { describeBatchJobs, isSubmittingMarker } from '../../../src/core/batch/types';
import type { EndpointsConfig } from '../../../src/core/providers/endpoints';
import type { PlanCandidate } from '../../../src/core/runner/plan';
import { RunSession } from '../../../src/core/run/runSession';
import { readResponses } from '../../../src/core/store/runs';
import { Store } from '../../../src/core/store/store';
import { startBedrockBatchServer, type BedrockBatchServer } from '../../servers/bedrockBatchServer';
import { startOpenAIBatchServer, type OpenAIBatchServer } from '../../servers/openaiBatchServer';
import { examples, makePlan, tempRoot } from '../runner/helpers';

const price = { inputPerMTok: 2, outputPerMTok: 8 };
const gpt: PlanCandidate = { id: 'gpt', endpoint: 'oab', model: 'gpt-x', price, mode: 'batch' };
const nova: PlanCandidate = { id: 'nova', endpoint: 'br', model: 'us.amazon.nova-2-lite-v1:0', price, mode: 'batch' };
const awsCredentials = { accessKeyId: 'AKIDLOOPBACKTEST', secretAccessKey: 'loopback-secret' };

suite('batch: a submission interrupted between its marker and the job list', function () {
  // Real SDKs against loopback servers: slow on a loaded machine, never hung.
  this.timeout(120000);
  let openai: OpenAIBatchServer | undefined;
  let bedrock: BedrockBatchServer | undefined;
  teardown(async () => { await openai?.close(); await bedrock?.close(); openai = bedrock = undefined; });

  /** The client's plug: the servers' hooks pull it to kill the client at an exact point. */
  let plug = new AbortController();
  const kill = () => { plug.abort(new Error('SIGKILL')); };
  setup(() => { plug = new AbortController(); });

  const endpoints = (): EndpointsConfig => ({
    ...(openai ? { oab: { kind: 'openai' as const, baseURL: openai.url, batch: true } } : {}),
    ...(bedrock ? { br: { kind: 'bedrock' as const, region: 'us-east-1', baseURL: bedrock.url, batch: { s3Uri: 's3://pa-batch/runs', roleArn: 'arn:aws:iam::111122223333:role/BedrockBatch' } } } : {}),
  });
  /** A session whose every poll moves the servers' jobs one step; `lines` gets each batch event as the CLI prints it. */
  const sessionFor = (lines: string[] = [], events: BatchEvent[] = []) => new RunSession({
    endpoints: endpoints(), providerDeps: { secrets: { getKey: async () => 'sk-test-key-000000' }, awsCredentials },
    batchPoll: { poll: { initialMs: 1, maxMs: 1 }, sleep: async () => { openai?.advance(); bedrock?.advance(); await new Promise((r) => setTimeout(r, 2)); } },
    events: { batch: (e) => { events.push(e); lines.push(describeBatchEvent(e)); } },
  });

  /** Starts a batch run that the servers' hook kills; returns its id, with only the marker in its job list. */
  async function crashedRun(store: Store, cand: PlanCandidate, n: number): Promise<string> {
    const session = sessionFor();
    const r = await session.run(makePlan(examples(n), [cand]), { store, signal: plug.signal });
    session.close();
    assert.equal(r.status, 'cancelled');
    const jobs = store.readBatchJobs(r.runId);
    assert.equal(jobs.length, 1);
    assert.ok(isSubmittingMarker(jobs[0]!), 'the job list holds the marker only, as a SIGKILL at this point leaves it');
    assert.deepEqual(jobs[0]!.groups, [n], 'the split was saved before anything was uploaded');
    assert.match(describeBatchJobs(jobs)!, new RegExp(`^batch: 1 submitting… \\(${n} requests; submitted `), 'shown as submitting');
    assert.deepEqual(store.runsWithOpenBatchJobs(), [r.runId], 'reopening the editor resumes it');
    return r.runId;
  }

  async function cancel(store: Store, runId: string) {
    const lines: string[] = [];
    const session = sessionFor(lines);
    const r = await session.cancelBatches({ store, runId });
    session.close();
    return { r: r!, lines: lines.join('\n'), jobs: store.readBatchJobs(runId) };
  }

  /** Runs the plan again on the same run: everything ends stored, each request paid once. */
  async function runAgain(store: Store, cand: PlanCandidate, runId: string, n: number, lines: string[] = []) {
    const session = sessionFor(lines);
    const r = await session.run(makePlan(examples(n), [cand]), { store, runId });
    session.close();
    assert.equal(r.status, 'complete');
    const rows = await readResponses(store.root, runId);
    assert.equal(rows.filter((x) => x.output).length, n);
    assert.equal(new Set(rows.map((x) => x.exampleId)).size, rows.length, 'one row per example');
    return r;
  }

  test('OpenAI, killed right after the batch was created: cancel finds it by its tag, cancels it and clears the marker; running again pays nothing twice', async () => {
    let created = '';
    openai = await startOpenAIBatchServer({ advanceOnPoll: false, afterCreate: (id) => { created = id; kill(); } });
    const store = Store.openAt(tempRoot());
    const runId = await crashedRun(store, gpt, 200);
    assert.equal(openai.stats.batchesCreated, 1);

    const { r, lines, jobs } = await cancel(store, runId);
    assert.equal(openai.stats.cancels, 1, 'the provider was told');
    assert.match(lines, new RegExp(`cancelled job ${created} \\(found by its tag\\)`));
    assert.deepEqual(jobs.map((j) => [j.jobId, j.state, j.cancelRequested, j.collected]), [[created, 'cancelled', true, true]], 'the marker became the cancelled job');
    assert.equal(r.counts.skipped, 200, 'the cancelled job ran none of them');
    assert.equal(openai.stats.batchesCreated, 1, 'a cancel never submits');

    await runAgain(store, gpt, runId, 200);
    assert.equal(openai.stats.batchesCreated, 2);
    assert.equal(openai.stats.processed, 200);
    assert.equal(Math.max(...Object.values(openai.stats.processedByKey)), 1, 'no request paid twice');
  });

  test('OpenAI, killed after the upload and before the create: cancel says no job had been created, removes the uploaded file and clears the marker', async () => {
    openai = await startOpenAIBatchServer({ advanceOnPoll: false, afterUpload: kill });
    const store = Store.openAt(tempRoot());
    const runId = await crashedRun(store, gpt, 150);
    assert.deepEqual([openai.stats.files, openai.stats.batchesCreated], [1, 0]);

    const { r, lines, jobs } = await cancel(store, runId);
    assert.match(lines, /no remote job had been created for 150 requests, its uploaded input \(1 file\) removed: nothing to cancel; they are left for the next run/);
    assert.equal(openai.stats.cancels, 0);
    assert.equal(openai.stats.filesDeleted, 1, 'the orphan upload is gone');
    assert.deepEqual(jobs, [], 'the marker is cleared');
    assert.equal(r.counts.skipped, 150);

    await runAgain(store, gpt, runId, 150);
    assert.equal(openai.stats.batchesCreated, 1);
    assert.equal(Math.max(...Object.values(openai.stats.processedByKey)), 1);
  });

  test('OpenAI, killed right after the create, then resumed (no cancel): the batch found by its tag is collected, none submitted again', async () => {
    openai = await startOpenAIBatchServer({ advanceOnPoll: false, afterCreate: kill });
    const store = Store.openAt(tempRoot());
    const runId = await crashedRun(store, gpt, 120);
    const lines: string[] = [];
    await runAgain(store, gpt, runId, 120, lines);
    assert.match(lines.join('\n'), /found job batch_\w+ by its tag \(submitted\), picked up/);
    assert.equal(openai.stats.batchesCreated, 1, 'picked up, not created again');
    assert.equal(openai.stats.files, 1, 'not uploaded again');
    assert.equal(Math.max(...Object.values(openai.stats.processedByKey)), 1);
  });

  test('Bedrock, killed right after CreateModelInvocationJob: cancel finds the job by its name (ListModelInvocationJobs), stops it and clears the marker', async () => {
    let created = '';
    bedrock = await startBedrockBatchServer({ advanceOnPoll: false, afterCreateJob: (arn) => { created = arn; kill(); } });
    const store = Store.openAt(tempRoot());
    const runId = await crashedRun(store, nova, 120);
    assert.equal(bedrock.stats.jobsCreated, 1);

    const { r, lines, jobs } = await cancel(store, runId);
    assert.ok(bedrock.stats.jobLists >= 1, 'looked up with ListModelInvocationJobs');
    assert.equal(bedrock.stats.stops, 1, 'the job was stopped');
    assert.match(lines, new RegExp(`cancelled job ${created.replace(/[.:/]/g, '\\$&')} \\(found by its tag\\)`));
    assert.deepEqual(jobs.map((j) => [j.jobId, j.state, j.cancelRequested, j.collected]), [[created, 'cancelled', true, true]]);
    assert.equal(r.counts.skipped, 120);
    assert.equal(bedrock.stats.unsigned, 0, 'every call SigV4-signed');
  });

  test('Bedrock, killed after the upload and before the create: cancel says no job had been created, deletes the input object and clears the marker', async () => {
    bedrock = await startBedrockBatchServer({ advanceOnPoll: false, afterPut: kill });
    const store = Store.openAt(tempRoot());
    const runId = await crashedRun(store, nova, 110);
    const inputs = () => [...bedrock!.objects.keys()].filter((k) => k.startsWith('pa-batch/runs/input/'));
    assert.equal(inputs().length, 1);

    const { lines, jobs } = await cancel(store, runId);
    assert.match(lines, /no remote job had been created for 110 requests, its uploaded input \(1 file\) removed: nothing to cancel/);
    assert.deepEqual([bedrock.stats.jobsCreated, bedrock.stats.stops, bedrock.stats.deletes], [0, 0, 1]);
    assert.deepEqual(inputs(), [], 'the orphan input object is gone');
    assert.deepEqual(jobs, []);

    await runAgain(store, nova, runId, 110);
    assert.equal(bedrock.stats.jobsCreated, 1);
    assert.equal(Math.max(...Object.values(bedrock.stats.paidByText)), 1, 'no record paid twice');
  });

  test('Bedrock, killed right after the create, then resumed as on reopening the editor: the job found by its name is collected, none created again', async () => {
    bedrock = await startBedrockBatchServer({ advanceOnPoll: false, afterCreateJob: kill });
    const store = Store.openAt(tempRoot());
    const runId = await crashedRun(store, nova, 130);
    // As the editor does when it reopens: resumed from the run's own record.
    const lines: string[] = [];
    const session = sessionFor(lines);
    const r = await session.resumeBatches({ store, runId });
    session.close();
    assert.equal(r!.status, 'complete');
    assert.equal((await readResponses(store.root, runId)).filter((x) => x.output).length, 130);
    assert.match(lines.join('\n'), /found job arn:aws:bedrock:\S+ by its tag \(submitted\), picked up/);
    assert.equal(bedrock.stats.jobsCreated, 1);
    assert.equal(bedrock.stats.puts, 1, 'not uploaded again');
    assert.equal(Math.max(...Object.values(bedrock.stats.paidByText)), 1);
  });
});

suite('batch: killed while a finished job\'s results are being stored', function () {
  this.timeout(120000);
  let server: OpenAIBatchServer | undefined;
  teardown(async () => { await server?.close(); server = undefined; });

  const session = () => new RunSession({
    endpoints: { oab: { kind: 'openai', baseURL: server!.url, batch: true } }, providerDeps: { secrets: { getKey: async () => 'sk-test-key-000000' } },
    batchPoll: { poll: { initialMs: 1, maxMs: 1 }, sleep: async () => { await new Promise((r) => setTimeout(r, 2)); } },
  });

  /** Runs 120 requests in batch mode on a store that dies at `dieAt`; then resumes on a sound store. */
  async function dieThenResume(storedBefore: number, dieAt: (store: Store) => void): Promise<void> {
    server = await startOpenAIBatchServer();
    const root = tempRoot();
    const dying = Store.openAt(root);
    dieAt(dying);
    const first = session();
    await assert.rejects(first.run(makePlan(examples(120), [gpt]), { store: dying }), /SIGKILL/);
    first.close();
    const store = Store.openAt(root);
    const [runId] = store.runsWithOpenBatchJobs();
    assert.ok(runId, 'the job is still open in the job list');
    assert.equal((await readResponses(root, runId)).length, storedBefore, 'rows on disk at the crash');
    const again = session();
    const r = await again.run(makePlan(examples(120), [gpt]), { store, runId });
    again.close();
    assert.equal(r.status, 'complete');
    const rows = await readResponses(root, runId!);
    assert.equal(rows.length, 120, 'each result stored once');
    assert.equal(new Set(rows.map((x) => x.exampleId)).size, 120);
    assert.equal(server.stats.batchesCreated, 1, 'the job was collected again, not submitted again');
    assert.equal(Math.max(...Object.values(server.stats.processedByKey)), 1, 'no request paid twice');
  }

  test('killed after 50 of 120 rows were written: the resume stores the other 70 from the same job', async () => {
    await dieThenResume(50, (store) => {
      const open = store.openResponses.bind(store);
      store.openResponses = (runId) => {
        const rows = open(runId);
        const append = rows.append.bind(rows);
        let n = 0;
        rows.append = (line) => { if (JSON.parse(line).batch && ++n > 50) throw new Error('SIGKILL'); append(line); };
        return rows;
      };
    });
  });

  test('killed after every row was written but before the job list said collected: the resume stores nothing twice', async () => {
    await dieThenResume(120, (store) => {
      const write = store.writeBatchJobs.bind(store);
      store.writeBatchJobs = async (runId, jobs) => { if (jobs.some((j) => j.collected)) throw new Error('SIGKILL'); return write(runId, jobs); };
    });
  });
});
