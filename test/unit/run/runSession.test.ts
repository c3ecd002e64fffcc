// The run use case end to end on loopback: plan → provider pool → run → judge, as the editor and the CLI call it.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProjectFile } from '../../../src/core/project/parseProject';
import { parsePromptText } from '../../../src/core/prompt/load';
import { RunSession, type RunSessionEvents } from '../../../src/core/run/runSession';
import type { EndpointsConfig } from '../../../src/core/providers/endpoints';
import { Store } from '../../../src/core/store/store';
import { type MockServer, startMockServer } from '../../servers/mockModelServer';

suite('run session', () => {
  let server: MockServer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-session-'));
  const projectPath = path.join(dir, 'prompt-adapt.yml');
  const promptPath = path.join(dir, 'qa.prompt.yml');

  suiteSetup(async () => {
    server = await startMockServer('openai', { latencyMs: 2, answers: { 'good-judge': 'Supported.\n<verdict>correct</verdict>' } });
    fs.writeFileSync(promptPath, 'name: QA\nmessages:\n  - role: user\n    content: "{{context}} {{question}}"\n');
    fs.writeFileSync(path.join(dir, 't.jsonl'), Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: `q${i}`, context: `c${i}`, question: `q${i}?`, answer: `a${i}` })).join('\n') + '\n');
    fs.writeFileSync(projectPath, [
      'candidates:', '  - { id: one, endpoint: local, model: m1 }', '  - { id: two, endpoint: local, model: m2 }',
      'testSets:', '  - { id: t, path: t.jsonl, fields: { id: id, context: context, question: question, groundTruth: answer } }',
      'metrics:', '  - { id: ctx, kind: judge, rubric: context, judge: { endpoint: local, model: good-judge } }', ''].join('\n'));
  });
  suiteTeardown(() => server.close());
  setup(() => server.resetStats());

  async function inputs() {
    const { project } = await loadProjectFile(projectPath);
    const promptText = fs.readFileSync(promptPath, 'utf8');
    return { project, prompt: parsePromptText(promptText, promptPath).prompt, promptText, testSetId: 't' };
  }

  function session(endpoints: EndpointsConfig, events: RunSessionEvents = {}, keys: string[] = []): RunSession {
    return new RunSession({ endpoints, nodeHttp: true, events, providerDeps: { secrets: { getKey: async (id) => { keys.push(id); return 'sk-test-session-1234'; } } } });
  }

  test('plans, runs and judges with one provider per endpoint, reporting progress as it goes', async () => {
    const seen: string[] = [];
    const keys: string[] = [];
    const s = session({ local: { kind: 'openai', baseURL: server.url } }, {
      runProgress: (p) => seen.push(`run ${p.done}/${p.total}`), judging: () => seen.push('judging'),
      judgeProgress: (batch, p) => seen.push(`judge ${batch} ${p.done}/${p.total}`),
    }, keys);
    try {
      const input = await inputs();
      const built = await s.planProject(input);
      assert.equal(s.undefinedEndpoint(built.candidates), undefined);
      const r = await s.runAndJudge(built.plan, { store: built.store, project: input.project });
      assert.equal(r.run.status, 'complete');
      assert.equal(r.run.counts.requested, 12);
      assert.deepEqual(r.judged?.counts.ctx, { one: { n: 6, correct: 6, incorrect: 0, noVerdict: 0, idk: 0 }, two: { n: 6, correct: 6, incorrect: 0, noVerdict: 0, idk: 0 } });
      assert.equal(built.store.readVerdicts(r.run.runId).size, 12);
      assert.equal(seen.find((x) => x.startsWith('run')) !== undefined && seen.at(-1)?.startsWith('judge '), true, seen.join(', '));
      assert.ok(seen.indexOf('run 12/12') < seen.indexOf('judging'));
      assert.deepEqual(keys, ['local'], 'the run and its judging share one provider');
      assert.equal(server.stats.byModel['good-judge'], 12);
      // The same session runs again over the sockets the first run used (a run never closes the pool's providers).
      const again = await s.run((await s.planProject(input)).plan, { store: built.store, cache: false });
      assert.equal(again.counts.requested, 12);
    } finally { s.close(); }
  });

  test('a judging failure leaves the run standing and comes back as judgeError; a missing endpoint is named before running', async () => {
    const input = await inputs();
    const noJudge = { ...input.project, metrics: [{ ...input.project.metrics[0]!, judge: { endpoint: 'elsewhere', model: 'j' } }] } as typeof input.project;
    const s = session({ local: { kind: 'openai', baseURL: server.url } });
    try {
      const built = await s.planProject(input);
      const r = await s.runAndJudge(built.plan, { store: Store.openAt(fs.mkdtempSync(path.join(os.tmpdir(), 'pa-session-'))), project: noJudge });
      assert.equal(r.run.status, 'complete');
      assert.equal(r.judged, undefined);
      assert.match(String(r.judgeError), /endpoint 'elsewhere', which is not defined/);
      const bare = session({});
      assert.equal(bare.undefinedEndpoint(built.candidates)?.id, 'one');
      bare.close();
    } finally { s.close(); }
  });

  test('judge: false and a cancelled run skip judging', async () => {
    const input = await inputs();
    const s = session({ local: { kind: 'openai', baseURL: server.url } });
    try {
      const built = await s.planProject(input);
      const store = Store.openAt(fs.mkdtempSync(path.join(os.tmpdir(), 'pa-session-')));
      const r = await s.runAndJudge(built.plan, { store, project: input.project, judge: false });
      assert.equal(r.judged, undefined);
      const ac = new AbortController();
      ac.abort();
      const cancelled = await s.runAndJudge((await s.planProject(input)).plan, { store, project: input.project, signal: ac.signal, cache: false });
      assert.equal(cancelled.run.status, 'cancelled');
      assert.equal(cancelled.judged, undefined);
      assert.equal(server.stats.byModel['good-judge'], undefined);
    } finally { s.close(); }
  });
});
