import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { contentKey, startMockServer, type MockServer } from '../../servers/mockModelServer';
import { runPlan } from '../../../src/core/runner/runner';
import { readResponses, responsesPath } from '../../../src/core/store/runs';
import { Store } from '../../../src/core/store/store';
import { examples, lines, makePlan, providers, tempRoot } from './helpers';

const keyOf = (id: string) => contentKey('gpt-x', [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: `q${id.slice(1)}` }]);

suite('runner: resume after SIGKILL', () => {
  let server: MockServer;
  suiteSetup(async () => { server = await startMockServer('openai', { latencyMs: 15 }); });
  suiteTeardown(() => server.close());

  test('a run killed -9 three times loses no completed response and never asks for one again', async function () {
    this.timeout(180_000); // three child processes on a shared machine; a guard against a hang only
    const root = tempRoot();
    const runId = 'killed-run';
    const n = 600;
    const file = responsesPath(root, runId);
    const kept = new Map<string, number>(); // id -> server's count for it when it was first seen stored
    // The last example is never answered while the child runs, so no child can finish before its kill, however late
    // a loaded machine lets this process poll (an answer takes 15 ms: 600 of them, 16 at a time, take under a second).
    server.setBehavior({ latencyMs: 15, faults: [{ contentIncludes: `q${n - 1}`, fault: { kind: 'hang' } }] });
    for (const threshold of [60, 250, 450]) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'childRun.ts'), root, runId, server.url, String(n)], { stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Kill at a moment chosen by polling: mid-batch, mid-write, whatever comes.
      while (lines(file).length < threshold && child.exitCode === null) await new Promise((r) => setTimeout(r, 3));
      child.kill('SIGKILL');
      await exited;
      const now = new Set<string>();
      for (const l of lines(file)) { try { now.add(JSON.parse(l).exampleId); } catch { /* the torn last line */ } }
      for (const id of kept.keys()) assert.ok(now.has(id), `${id} was lost`);
      for (const id of now) if (!kept.has(id)) kept.set(id, server.stats.completionsByKey[keyOf(id)]!);
      assert.ok(kept.size < n, 'the child was killed before finishing');
    }
    server.setBehavior({ latencyMs: 15 });
    const r = await runPlan(makePlan(examples(n), [{ id: 'gpt', endpoint: 'local', model: 'gpt-x' }]), {
      store: Store.openAt(root), runId, endpoints: { local: { kind: 'openai', baseURL: server.url } }, getProvider: providers({ local: { kind: 'openai', baseURL: server.url } }),
    });
    assert.equal(r.status, 'complete');
    const rows = await readResponses(root, runId);
    assert.equal(rows.length, n);
    assert.ok(rows.every((x) => x.output === `answer:gpt-x:q${x.exampleId.slice(1)}`));
    // A stored response is never asked for again (a request in flight at a kill may have been answered before).
    for (const [id, count] of kept) assert.equal(server.stats.completionsByKey[keyOf(id)], count, `${id} was stored before a kill and asked again`);
    // Only requests in flight at a kill can be asked twice.
    const doubles = Object.values(server.stats.completionsByKey).filter((c) => c > 1).length;
    assert.ok(doubles <= 3 * 16, `${doubles} double requests`);
  });
});
