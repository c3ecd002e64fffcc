import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { RunResult } from '../../../src/core/runner/runner';
import type { Api } from '../../../src/extension';
import { CommandId } from '../../../src/vscode/commands/ids';
import { extensionId, waitFor, workspaceUri } from '../suite/helpers';

// The walkthrough's path through the bundled example in a real VS Code: the simulated server is started
// from the extension, the baseline prompt runs on two candidates (then the judges), and "Compare with
// Baseline" shows the panel with a calibrated comparison that uses the example's reviewer labels.
suite('The bundled example, as the walkthrough goes', () => {
  let api: Api;
  suiteSetup(async () => { api = await vscode.extensions.getExtension<Api>(extensionId)!.activate(); });

  test('"Open the example" copies the inputs and the labels, never runs or caches', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-example-'));
    try {
      const uri = await vscode.commands.executeCommand<vscode.Uri>(CommandId.openExample, parent, false);
      const files = fs.readdirSync(uri.fsPath, { recursive: true }).map(String).sort();
      for (const f of ['prompt-adapt.yml', path.join('prompts', 'support.prompt.yml'), path.join('data', 'support.jsonl'), path.join('.prompt-adapt', 'labels', 'support.jsonl')]) {
        assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
      }
      assert.ok(!files.some((f) => f.startsWith(path.join('.prompt-adapt', 'runs')) || f.startsWith(path.join('.prompt-adapt', 'cache')) || f === 'report.html'));
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  test('run → judge → compare on the simulated server', async function () {
    this.timeout(240_000);
    const url = await vscode.commands.executeCommand<string>(CommandId.startSimulatedServer, false);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    await waitFor(() => (vscode.workspace.getConfiguration('promptAdapt').get<Record<string, { baseURL?: string }>>('endpoints')?.demo?.baseURL === url),
      () => 'endpoint demo was not set in user settings');

    const result = await vscode.commands.executeCommand<RunResult>(CommandId.runPrompt, workspaceUri('prompts/support.prompt.yml'),
      { testSet: 'support', candidates: ['sim-baseline', 'sim-fast'], confirm: false });
    assert.equal(result.status, 'complete');
    assert.equal(result.missing, 0);
    const verdicts = fs.readFileSync(path.join(workspaceUri(`.prompt-adapt/runs/${result.runId}/verdicts.jsonl`).fsPath), 'utf8').split('\n').filter(Boolean);
    assert.ok(verdicts.length >= 144 * 2, `judges ran (${verdicts.length} verdicts)`);

    await vscode.commands.executeCommand(CommandId.compareWithBaseline);
    const panel = api.comparePanel();
    assert.ok(panel, 'no panel');
    await waitFor(() => panel.report !== undefined, () => 'the panel computed no report', 120_000);
    const ts = panel.report!.testSets.find((t) => t.testSetId === 'support')!;
    assert.equal(ts.n, 72);
    const fast = ts.rows.find((r) => r.candidateId === 'sim-fast');
    assert.ok(fast?.difference, 'sim-fast has a calibrated difference against sim-baseline');
    assert.ok(fast.difference.lo < fast.difference.hi);
    assert.ok((ts.calibration?.tp ?? 0) + (ts.calibration?.fn ?? 0) >= 30, 'the example labels calibrate the judge');
  });
});
