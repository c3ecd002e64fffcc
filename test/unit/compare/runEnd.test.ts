// The comparison right after a run or a judging pass reads the run's summaries, built when the run (and the
// judging) ended, and gives the numbers a comparison that reads every line gives.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildComparison } from '../../../src/core/compare';
import { ComparisonStore } from '../../../src/core/compare/gather';
import { loadProjectFile } from '../../../src/core/project/parseProject';
import { parsePromptText } from '../../../src/core/prompt/load';
import { RunSession } from '../../../src/core/run/runSession';
import { Store } from '../../../src/core/store/store';
import { type MockServer, startMockServer } from '../../servers/mockModelServer';

const OPTS = { draws: 5_000, seed: 3, now: new Date('2026-02-01T00:00:00.000Z') };

suite('compare: summaries built when a run ends', () => {
  let server: MockServer;
  let dir: string;
  let projectPath: string;
  let promptPath: string;

  suiteSetup(async () => {
    server = await startMockServer('openai', { latencyMs: 1, answers: { 'judge-1': 'Supported.\n<verdict>correct</verdict>' } });
  });
  suiteTeardown(() => server.close());
  setup(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-run-end-'));
    projectPath = path.join(dir, 'prompt-adapt.yml');
    promptPath = path.join(dir, 'qa.prompt.yml');
    fs.writeFileSync(promptPath, 'name: QA\nmessages:\n  - role: user\n    content: "{{context}} {{question}}"\n');
    fs.writeFileSync(path.join(dir, 't.jsonl'), Array.from({ length: 30 }, (_, i) => JSON.stringify({ id: `q${i}`, context: `c${i}`, question: `q${i}?`, answer: `a${i}` })).join('\n') + '\n');
    fs.writeFileSync(projectPath, [
      'candidates:', '  - { id: one, endpoint: local, model: m1 }', '  - { id: two, endpoint: local, model: m2 }',
      'testSets:', '  - { id: t, path: t.jsonl, fields: { id: id, context: context, question: question, groundTruth: answer } }',
      'metrics:', '  - { id: ctx, kind: judge, rubric: context, judge: { endpoint: local, model: judge-1 } }',
      'baseline: { prompt: qa.prompt.yml, candidate: one }', ''].join('\n'));
  });
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  const session = (): RunSession => new RunSession({ endpoints: { local: { kind: 'openai', baseURL: server.url } }, nodeHttp: true,
    providerDeps: { secrets: { getKey: async () => 'sk-test-run-end-1234' } } });

  async function planned(s: RunSession) {
    const { project } = await loadProjectFile(projectPath);
    const promptText = fs.readFileSync(promptPath, 'utf8');
    const built = await s.planProject({ project, prompt: parsePromptText(promptText, promptPath).prompt, promptText, testSetId: 't' });
    return { project, ...built };
  }

  /** A comparison as a new process makes it, and what it did with the summaries. */
  async function compare() {
    const store = new ComparisonStore(Store.openForProject((await loadProjectFile(projectPath)).project));
    const report = await buildComparison(projectPath, OPTS, store);
    return { report, use: { ...store.summaries } };
  }

  test('after a run and its judging, the next comparison reads both summaries and gives the full read\'s numbers', async () => {
    const s = session();
    try {
      const { project, plan, store } = await planned(s);
      const r = await s.runAndJudge(plan, { store, project });
      assert.equal(r.run.status, 'complete');
      assert.equal(r.judged?.written, 60);
      const next = await compare();
      assert.deepEqual(next.use, { read: 1, fullReads: 0, written: 0, verdictsRead: 1, verdictsWritten: 0 });
      assert.equal(next.report.testSets[0]!.n, 30);
      for (const f of ['compare-summary.json', 'verdict-summary.json']) fs.rmSync(path.join(store.runDir(r.run.runId), f));
      const full = await compare();
      assert.deepEqual(full.use, { read: 0, fullReads: 1, written: 1, verdictsRead: 0, verdictsWritten: 1 });
      assert.deepEqual(next.report, full.report);
    } finally { s.close(); }
  });

  test('a run without a project (the CLI\'s) builds nothing; judging it builds both summaries, and again after judging again', async () => {
    const s = session();
    try {
      const { project, plan, store } = await planned(s);
      const run = await s.run(plan, { store });
      const summaries = (): string[] => fs.readdirSync(store.runDir(run.runId)).filter((f) => f.endsWith('-summary.json')).sort();
      assert.deepEqual(summaries(), []);
      await s.judge({ project, store, runId: run.runId });
      assert.deepEqual(summaries(), ['compare-summary.json', 'verdict-summary.json']);
      const judged = await compare();
      assert.deepEqual(judged.use, { read: 1, fullReads: 0, written: 0, verdictsRead: 1, verdictsWritten: 0 });
      // Judged again: the verdict summary is built again for the new verdicts file.
      await s.judge({ project, store, runId: run.runId, rejudge: true });
      const again = await compare();
      assert.deepEqual(again.use, { read: 1, fullReads: 0, written: 0, verdictsRead: 1, verdictsWritten: 0 });
      assert.deepEqual(again.report, judged.report);
    } finally { s.close(); }
  });
});
