import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { outputHash } from '../../../src/core/runner/hash';

export const extensionId = 'prompt-adapt.prompt-adapt';

export function workspaceUri(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration tests need a workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

export async function openWorkspaceFile(relative: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(relative));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/**
 * Polls until `check` holds (VS Code updates diagnostics, trees and tabs asynchronously). The deadline only ends a
 * wait for something that never comes: a loaded machine makes the editor slow, so it is generous.
 */
export async function waitFor(check: () => boolean | Promise<boolean>, describe: () => string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out: ${describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A stored run of the fixture project (3 examples × model-a, model-b) with token_f1 verdicts, written before the
// panel opens (the panel and decision suites share it; writing it twice writes the same files).
export const RUN_ID = '29990101-000000-panel1';
export const answers: Record<string, [string, string]> = {
  'ex-1': ['Within 5 business days.', 'Refunds take about a week, according to the article.'],
  'ex-2': ['10 seats.', 'Ten seats are included.'],
  'ex-3': ['To the primary email address.', '<script>alert(1)</script> To the backup address.'],
};

export function writeFixtureRun(): void {
  const dir = workspaceUri(`.prompt-adapt/runs/${RUN_ID}`).fsPath;
  fs.mkdirSync(dir, { recursive: true });
  // The newest run in the store (the comparison takes the latest outputs per prompt and candidate): the outputs
  // suite stores a model-a run dated 2099 in the same workspace.
  const at = '2199-01-01T00:00:00.000Z';
  const candidates = [{ id: 'model-a', endpoint: 'loopback', model: 'model-a' }, { id: 'model-b', endpoint: 'loopback', model: 'model-b' }];
  const responses: string[] = [];
  const verdicts: string[] = [];
  for (const [exampleId, outs] of Object.entries(answers)) {
    candidates.forEach((c, k) => {
      const output = `<response><answer>${outs[k]}</answer></response>`;
      const hash = outputHash(output);
      responses.push(JSON.stringify({ exampleId, candidateId: c.id, model: c.model, requestHash: `${exampleId}-${c.id}`, output, outputHash: hash, latencyMs: 100 + k * 50, inputTokens: 50, outputTokens: 10, at }));
      verdicts.push(JSON.stringify({ exampleId, candidateId: c.id, metricId: 'token_f1', verdict: k === 0 || exampleId === 'ex-2' ? 1 : 0, score: 0.5, outputHash: hash, at }));
    });
  }
  fs.writeFileSync(path.join(dir, 'responses.jsonl'), responses.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'verdicts.jsonl'), verdicts.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    version: 1, runId: RUN_ID, planKey: 'panel-fixture', status: 'complete', createdAt: at, updatedAt: at,
    prompt: { path: workspaceUri('prompts/qa.prompt.yml').fsPath, name: 'Support QA' }, testSet: { id: 'support', path: workspaceUri('data/support.jsonl').fsPath },
    candidates, counts: { total: 6, requested: 6, cached: 0, resumed: 0, errors: 0, skipped: 0 }, inputTokens: 300, outputTokens: 60, cost: 0, issues: [],
  }, null, 2));
}
