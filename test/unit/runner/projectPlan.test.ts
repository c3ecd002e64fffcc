import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseProjectFile } from '../../../src/core/project/parseProject';
import { parsePromptText } from '../../../src/core/prompt/load';
import { buildProjectPlan, projectRelative } from '../../../src/core/runner/projectPlan';

suite('project plans', () => {
  async function planIn(dir: string) {
    fs.mkdirSync(path.join(dir, 'prompts'));
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 't.jsonl'), '{"id":"1","q":"a"}\n{"id":"2","q":"b"}\n');
    const promptText = 'messages:\n  - role: user\n    content: "{{q}}"\n';
    const project = parseProjectFile('candidates:\n  - { id: c, endpoint: e, model: m }\ntestSets:\n  - { id: t, path: data/t.jsonl, fields: { id: id } }\n', path.join(dir, 'prompt-adapt.yml')).project;
    const prompt = parsePromptText(promptText, path.join(dir, 'prompts', 'p.prompt.yml')).prompt;
    return buildProjectPlan({ project, prompt, promptText, testSetId: 't' });
  }

  test('the plan names its prompt and test set relative to the project, so a moved project keeps (and resumes) its runs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-plan-'));
    const moved = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-plan-moved-'));
    try {
      const { plan, rows } = await planIn(dir);
      assert.equal(rows, 2);
      assert.deepEqual(plan.prompt, { path: 'prompts/p.prompt.yml', name: undefined });
      assert.equal(plan.testSet?.path, 'data/t.jsonl');
      assert.equal((await planIn(moved)).plan.planKey, plan.planKey);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(moved, { recursive: true, force: true });
    }
  });

  test('paths outside the project folder stay usable', () => {
    const project = { path: '/p/prompt-adapt.yml' };
    assert.equal(projectRelative(project, '/p/prompts/a.prompt.yml'), 'prompts/a.prompt.yml');
    assert.equal(projectRelative(project, '/q/b.prompt.yml'), '../q/b.prompt.yml');
  });
});
