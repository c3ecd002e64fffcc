import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ComparisonReport } from '../../../src/protocol/comparison';
import type { Api } from '../../../src/extension';
import { CommandId } from '../../../src/vscode/commands/ids';
import type { ComparePanel } from '../../../src/vscode/panel/comparePanel';
import { extensionId, waitFor, writeFixtureRun } from './helpers';

const ComparePanelViewType = 'promptAdapt.comparePanel';

// Runs after the outputs suite (file order), whose figures assume only its own run is in the store.
// The decision end to end: "Compare with Baseline" opens the panel on the fixture run, the host's current
// comparison carries the decision table, and "Export report" (with arguments, so no dialog) writes a
// self-contained HTML report of it.
suite('Decision and report export', () => {
  let panel: ComparePanel;
  let api: Api;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-report-'));

  suiteSetup(async () => {
    writeFixtureRun();
    api = (await vscode.extensions.getExtension<Api>(extensionId)!.activate());
    await vscode.commands.executeCommand(CommandId.compareWithBaseline);
    panel = api.comparePanel()!;
  });
  suiteTeardown(() => { panel?.dispose(); fs.rmSync(out, { recursive: true, force: true }); });

  test('"Compare with Baseline" shows the panel and the host\'s current report has decisions', async () => {
    assert.ok(panel, 'Compare with Baseline opened no panel');
    const tabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
    const isPanelTab = (t: vscode.Tab): boolean => t.label === 'Prompt Adapt: Comparison'
      || (t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(ComparePanelViewType));
    await waitFor(() => panel.panel.visible && tabs().some(isPanelTab),
      () => `no visible comparison panel tab (tabs: ${tabs().map((t) => `${t.label} [${(t.input as { viewType?: string } | undefined)?.viewType ?? typeof t.input}]`).join(', ')})`);
    // The webview's ready handshake makes the host compute the report it then shows.
    await waitFor(() => panel.report !== undefined, () => 'the panel never computed its report (no ready from the webview?)', 30_000);
    const report: ComparisonReport = panel.report!;
    const ts = report.testSets.find((t) => t.testSetId === 'support');
    assert.ok(ts, 'support is compared');
    assert.deepEqual(ts.decisions.map((d) => d.systemId), ['model-b'], 'a decision row per candidate (the baseline has none)');
    const d = ts.decisions[0]!;
    for (const k of ['schema', 'idk', 'latency', 'correctness', 'style'] as const) {
      assert.ok(['pass', 'fail', 'unknown'].includes(d[k].status) && d[k].detail.length > 0, `${k} cell`);
    }
    assert.equal(d.latency.threshold, report.thresholds?.maxLatencyRatio, 'cells carry their threshold');
    assert.ok(report.selection, 'the selection (step 6) is computed');
  });

  test('the panel\'s Export button writes the report and ticks the walkthrough\'s Decide step, as the command does', async () => {
    assert.ok(!api.walkthrough.done.has('exported'), 'nothing was exported before');
    const exported = new Promise<vscode.Uri>((resolve) => { const d = api.review.onDidExportReport((u) => { d.dispose(); resolve(u); }); });
    // What the webview's "Export report" sends: a format, no path (the host asks where, as for a user).
    const answer = panel.handleMessage({ type: 'request', id: 7100, method: 'exportReport', params: { format: 'html' } });
    let answered = false;
    void answer.then(() => { answered = true; });
    // code-server's save dialog is the simple file dialog, a quick input holding the suggested path: accept it as Enter would.
    for (let i = 0; i < 150 && !answered; i++) {
      await new Promise((r) => setTimeout(r, 200));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    const r = await answer;
    assert.ok(r?.type === 'response' && r.error === undefined, JSON.stringify(r));
    const written = (r.result as { path?: string }).path;
    assert.ok(written && path.basename(written) === 'prompt-adapt-report.html', `written to ${written}`);
    assert.match(fs.readFileSync(written, 'utf8'), /<h3>Decision, rule by rule<\/h3>/);
    assert.equal((await exported).fsPath, written, 'the export event names the file');
    await waitFor(() => api.walkthrough.done.has('exported'), () => `walkthrough done: ${[...api.walkthrough.done].join(', ')}`);
    fs.rmSync(written, { force: true });
  });

  test('exportReport with a format and a path writes a self-contained HTML report with the decision table and an inline SVG', async () => {
    const file = path.join(out, 'report.html');
    const written = await vscode.commands.executeCommand<string | undefined>(CommandId.exportReport, { format: 'html', path: file });
    assert.equal(written, file);
    const html = fs.readFileSync(file, 'utf8');
    // The report's decision table sits under "Decision, rule by rule", in a wrapper that lets it scroll on narrow screens.
    assert.match(html, /<h3>Decision, rule by rule<\/h3>\s*<div class="wrap"><table[^>]*>/, 'the decision table');
    assert.match(html, /<th>Correctness<\/th>/);
    assert.match(html, /class="(pass|fail|unknown)">(PASS|FAIL|UNKNOWN)</, 'decision cells');
    assert.match(html, /<svg[\s>]/, 'an inline SVG forest plot');
    assert.doesNotMatch(html, /<(script|link|img|iframe|object|embed)\b/i, 'no scripts or external elements');
    assert.doesNotMatch(html, /\s(src|href|xlink:href)\s*=/i, 'no resource URLs');
    assert.doesNotMatch(html, /url\(|@import/i, 'no CSS resources');
    // The report is the host's current comparison (same estimator and figures).
    const est = panel.report?.testSets[0]?.estimator;
    if (est) assert.ok(html.includes(est), 'the estimator of the current comparison is named');

    const md = path.join(out, 'report.md');
    assert.equal(await vscode.commands.executeCommand(CommandId.exportReport, { format: 'md', path: md }), md);
    assert.match(fs.readFileSync(md, 'utf8'), /model-b/);
  });

  test('the panel\'s "Export report" message is validated on the host', async () => {
    for (const params of [{ format: 'pdf' }, { format: 'html', path: '/etc/passwd' }]) {
      assert.equal(await panel.handleMessage({ type: 'request', id: 7000, method: 'exportReport', params }), undefined, JSON.stringify(params));
    }
  });
});
