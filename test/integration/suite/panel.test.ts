import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { outputHash } from '../../../src/core/runner/hash';
import type { ComparisonReport } from '../../../src/protocol/comparison';
import type { HostToWebview, LabelProgress, LabelQueue, ReviewPage } from '../../../src/protocol/messages';
import type { Api } from '../../../src/extension';
import { CommandId } from '../../../src/vscode/commands/ids';
import type { ComparePanel } from '../../../src/vscode/panel/comparePanel';
import { answers, extensionId, waitFor, workspaceUri, writeFixtureRun } from './helpers';

// The webview cannot be clicked from the extension host, so the test sends exactly the messages the webview's
// keys send (c / i / c) through the panel's message handler. The fixture run comes from helpers.ts.
const labelled = (r: ComparisonReport | undefined): number => {
  const c = r?.testSets.find((t) => t.testSetId === 'support')?.calibration;
  return c ? c.tp + c.fn + c.fp + c.tn : -1;
};

suite('Comparison panel, review and blind labelling', () => {
  let panel: ComparePanel;
  let api: Api;
  const posted: HostToWebview[] = [];
  let nextId = 1000;
  const request = async <T>(method: string, params: unknown): Promise<T> => {
    const r = await panel.handleMessage({ type: 'request', id: nextId++, method, params });
    assert.ok(r && r.type === 'response', `${method}: no response`);
    assert.equal(r.error, undefined, `${method}: ${r.error}`);
    return r.result as T;
  };
  const labelsFile = (): string => workspaceUri('.prompt-adapt/labels/support.jsonl').fsPath;

  suiteSetup(async () => {
    writeFixtureRun();
    api = (await vscode.extensions.getExtension<Api>(extensionId)!.activate());
    await vscode.commands.executeCommand(CommandId.compareWithBaseline);
    panel = api.comparePanel()!;
    assert.ok(panel, 'Compare with Baseline opened no panel');
    panel.onDidPost((m) => posted.push(m));
  });
  suiteTeardown(() => { panel?.dispose(); });

  test('the panel is locked down: nonce CSP, no command URIs, resources from the bundle and media only', () => {
    const html = panel.panel.webview.html;
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]{24})'/.exec(html)?.[1];
    assert.ok(html.includes("default-src 'none'"), 'default-src none');
    assert.ok(nonce && html.includes(`<script nonce="${nonce}"`), 'the one script carries the nonce');
    assert.ok(!/<script(?![^>]*nonce)/.test(html), 'no script without the nonce');
    const opts = panel.panel.webview.options;
    assert.equal(opts.enableCommandUris, false);
    assert.deepEqual(opts.localResourceRoots?.map((u) => path.relative(api.review ? vscode.extensions.getExtension(extensionId)!.extensionUri.fsPath : '', u.fsPath)).sort(), [path.join('dist', 'webview'), 'media']);
  });

  test('malformed or unknown messages are rejected and change nothing', async () => {
    for (const m of [{ type: 'evil' }, { type: 'request', id: 1, method: 'eval', params: {} }, { type: 'request', id: 2, method: 'label', params: { testSetId: 'support', key: 'x', label: 'correct', extra: 1 } },
      { type: 'request', id: 3, method: 'label', params: { testSetId: '../../etc', key: 'x', label: 'maybe' } }, { type: 'request', id: 4, method: 'getReviewPage', params: { testSetId: 'support', filter: 'all', offset: -1, limit: 10 } },
      'ready', null, { type: 'request', id: 'x', method: 'getComparison' }]) {
      assert.equal(await panel.handleMessage(m), undefined, JSON.stringify(m));
    }
    assert.ok(!fs.existsSync(labelsFile()), 'no label was written');
  });

  test('the comparison and the review come from the fixture run', async () => {
    const report = await request<ComparisonReport>('getComparison', {});
    const ts = report.testSets.find((t) => t.testSetId === 'support');
    assert.ok(ts, 'support is compared');
    assert.deepEqual(ts.rows.map((r) => r.systemId).sort(), ['model-a', 'model-b']);
    assert.ok(ts.rows.find((r) => r.systemId === 'model-b')?.difference, 'model-b has a difference (the pinned estimator)');
    // Without labels, auto has nothing to calibrate with: no number, an inconclusive verdict and the labels it needs.
    const auto = (await request<ComparisonReport>('getComparison', { estimator: 'auto' })).testSets.find((t) => t.testSetId === 'support')!;
    const b = auto.rows.find((r) => r.systemId === 'model-b')!;
    assert.equal(b.difference, undefined, 'auto gives no number without labels');
    assert.equal(b.verdict, 'inconclusive');
    assert.match(`${b.estimatorReason ?? ''} ${b.resolve ?? ''}`, /label/i, 'says labels are needed');
    // The panel keeps the estimator last asked for: back to the fixture's own for the suites that follow.
    await request<ComparisonReport>('getComparison', { estimator: 'naive' });
    assert.equal(labelled(report), 0);
    const page = await request<ReviewPage>('getReviewPage', { testSetId: 'support', filter: 'all', offset: 0, limit: 50 });
    assert.equal(page.total, 3);
    assert.equal(page.rows[0]!.baseline?.systemId, 'model-a');
    assert.equal(page.rows[0]!.candidate?.systemId, 'model-b');
    assert.equal(page.rows[2]!.candidate?.text, '<script>alert(1)</script> To the backup address.', 'output text is passed as data, unchanged');
    const styled = page.rows[0]!.candidate!;
    assert.ok(styled.findings.some((f) => styled.text.slice(f.start, f.end) === 'according to'), 'style findings point into the text');
    const failures = await request<ReviewPage>('getReviewPage', { testSetId: 'support', filter: 'disagreements', offset: 0, limit: 50 });
    assert.deepEqual(failures.rows.map((r) => r.exampleId), ['ex-1', 'ex-3']);
  });

  test('labelling three outputs appends them to the labels file and the calibration view updates', async () => {
    const queue = await request<LabelQueue>('getLabelQueue', { testSetId: 'support', size: 10 });
    assert.equal(queue.items.length, 6, 'every judged output is in the sample');
    assert.ok(queue.items.every((i) => !('systemId' in i) && !('verdict' in i)), 'the sample is blind');
    const keys = ['correct', 'incorrect', 'correct'] as const;
    const progress: LabelProgress[] = [];
    for (let k = 0; k < 3; k++) progress.push(await request<LabelProgress>('label', { testSetId: 'support', key: queue.items[k]!.key, label: keys[k], ...(k === 1 ? { note: 'wrong number' } : {}) }));
    assert.deepEqual(progress.map((p) => p.labelled), [1, 2, 3]);
    const lines = fs.readFileSync(labelsFile(), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.map((l) => l.label), ['correct', 'incorrect', 'correct']);
    assert.equal(lines[1].note, 'wrong number');
    const byOutput = new Set(Object.values(answers).flatMap((o) => o.map((a) => outputHash(`<response><answer>${a}</answer></response>`))));
    assert.ok(lines.every((l) => byOutput.has(l.outputHash) && typeof l.exampleId === 'string' && typeof l.candidateId === 'string'), 'labels are keyed by the output hash');

    await waitFor(() => posted.some((m) => m.type === 'comparison' && labelled(m.report) === 3), () => `no comparison with 3 labels was pushed (${posted.filter((m) => m.type === 'comparison').map((m) => labelled((m as { report: ComparisonReport }).report)).join(', ')})`);

    const undone = await request<{ progress: LabelProgress; item?: { key: string } }>('undoLabel', { testSetId: 'support' });
    assert.equal(undone.progress.labelled, 2);
    assert.ok(undone.item, 'the withdrawn output comes back');
    const after = fs.readFileSync(labelsFile(), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(after.length, 4);
    assert.equal(after[3].label, 'withdrawn');
    assert.equal(after[3].outputHash, lines[2].outputHash);
    await waitFor(() => { const last = posted.filter((m) => m.type === 'comparison').at(-1); return last?.type === 'comparison' && labelled(last.report) === 2; }, () => 'the comparison did not drop the withdrawn label');
  });

  test('Test Explorer lists the run lazily; a failure carries a diff and can be labelled from the peek', async () => {
    const ctrl = api.tests.controller;
    await ctrl.resolveHandler!(undefined);
    const ts = ctrl.items.get('ts:support');
    assert.ok(ts);
    await ctrl.resolveHandler!(ts);
    const sys = ts.children.get('sys:support:model-b');
    assert.ok(sys, 'model-b is listed under the test set');
    await ctrl.resolveHandler!(sys);
    const ids: string[] = [];
    sys.children.forEach((c) => ids.push(c.id));
    assert.ok(ids.includes('ex:support:model-b:ex-1') && ids.includes('ex:support:model-b:ex-3'), `failures listed: ${ids.join(', ')}`);
    const item = sys.children.get('ex:support:model-b:ex-1')!;
    assert.equal(item.range?.start.line, 0, 'the item points at the example\'s line');
    const before = fs.readFileSync(labelsFile(), 'utf8').trim().split('\n').length;
    assert.equal(await vscode.commands.executeCommand(CommandId.labelIncorrect, { test: item, message: new vscode.TestMessage('x') }), true);
    const lines = fs.readFileSync(labelsFile(), 'utf8').trim().split('\n');
    assert.equal(lines.length, before + 1);
    assert.equal(JSON.parse(lines.at(-1)!).label, 'incorrect');
  });
});
