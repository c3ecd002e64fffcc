import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseProjectFile } from '../../../src/core/project/parseProject';
import { parsePromptText } from '../../../src/core/prompt/load';
import { RunRefused } from '../../../src/core/runner/preflight';
import { buildProjectPlan } from '../../../src/core/runner/projectPlan';
import { staleParts } from '../../../src/core/runner/runInputs';
import { finalStatus } from '../../../src/core/runner/runStatus';
import type { RunManifest } from '../../../src/core/store/runs';

const PROJECT = 'candidates:\n  - { id: c, endpoint: e, model: m }\n  - { id: d, endpoint: e, model: m2 }\ntestSets:\n  - { id: t, path: data/t.jsonl, fields: { id: id, question: q } }\n';

function projectIn(dir: string, promptText: string, projectText = PROJECT) {
  fs.mkdirSync(path.join(dir, 'prompts'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
  if (!fs.existsSync(path.join(dir, 'data', 't.jsonl'))) fs.writeFileSync(path.join(dir, 'data', 't.jsonl'), '{"id":"1","q":"a"}\n{"id":"2","q":"b"}\n');
  fs.writeFileSync(path.join(dir, 'prompts', 'p.prompt.yml'), promptText);
  fs.writeFileSync(path.join(dir, 'prompt-adapt.yml'), projectText);
  const project = parseProjectFile(projectText, path.join(dir, 'prompt-adapt.yml')).project;
  const prompt = parsePromptText(promptText, path.join(dir, 'prompts', 'p.prompt.yml')).prompt;
  return { project, prompt, promptText };
}

const prompt = (content: string): string => `messages:\n  - role: user\n    content: "${content}"\n`;

suite('runs that lie (issue 13)', () => {
  let dir: string;
  setup(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-lie-')); });
  teardown(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a prompt with an unknown {{variable}} is refused before anything is planned, pointing at the variable', async () => {
    const input = projectIn(dir, prompt('Answer: {{questoin}}'));
    await assert.rejects(buildProjectPlan({ ...input, testSetId: 't' }), (err: unknown) => {
      assert.ok(err instanceof RunRefused);
      assert.equal(err.problems.length, 1);
      assert.deepEqual(err.problems[0]!.range.start, { line: 2, character: 22 });
      assert.match(err.message, /^Not run: p\.prompt\.yml:3:23: Unknown variable '\{\{questoin\}\}'.*Did you mean 'question'\?/);
      return true;
    });
    // The same prompt with the mapped name plans normally.
    const ok = projectIn(dir, prompt('Answer: {{question}}'));
    assert.equal((await buildProjectPlan({ ...ok, testSetId: 't' })).rows, 2);
  });

  test('a run with failures is never complete: incomplete when some pairs have an output, failed when none has', () => {
    assert.equal(finalStatus({ cancelled: false, total: 10, withOutput: 10, errors: 0, skipped: 0 }), 'complete');
    assert.equal(finalStatus({ cancelled: false, total: 10, withOutput: 7, errors: 3, skipped: 0 }), 'incomplete');
    assert.equal(finalStatus({ cancelled: false, total: 10, withOutput: 0, errors: 10, skipped: 0 }), 'failed');
    assert.equal(finalStatus({ cancelled: false, withOutput: 4, errors: 0, skipped: 1 }), 'incomplete');
    assert.equal(finalStatus({ cancelled: true, total: 10, withOutput: 10, errors: 0, skipped: 0 }), 'cancelled');
  });

  test('the plan records content hashes; editing the prompt, the test set or the run-shaping part of the project makes the run stale', async () => {
    const text = prompt('Answer: {{question}}');
    const input = projectIn(dir, text);
    const { plan } = await buildProjectPlan({ ...input, testSetId: 't' });
    assert.ok(plan.inputs?.prompt && plan.inputs.testSet && plan.inputs.project);
    const manifest = { runId: 'r', prompt: plan.prompt, testSet: plan.testSet, candidates: plan.candidates, inputs: plan.inputs } as RunManifest;
    assert.deepEqual(await staleParts(input.project, manifest), []);

    // Another metric or style rule leaves the outputs valid.
    const restyled = projectIn(dir, text, `${PROJECT}style:\n  maxWords: 40\n`);
    assert.deepEqual(await staleParts(restyled.project, manifest), []);

    const edited = projectIn(dir, prompt('Answer briefly: {{question}}'));
    assert.deepEqual(await staleParts(edited.project, manifest), ['the prompt']);
    projectIn(dir, text);
    fs.appendFileSync(path.join(dir, 'data', 't.jsonl'), '{"id":"3","q":"c"}\n');
    assert.deepEqual(await staleParts(input.project, manifest), ['the test set']);
    const remodelled = projectIn(dir, text, PROJECT.replace('model: m2', 'model: m3'));
    assert.deepEqual(await staleParts(remodelled.project, manifest), ['the test set', 'the project']);
    assert.deepEqual(await staleParts(input.project, { ...manifest, inputs: undefined }), [], 'runs without hashes are never called stale');
  });
});
