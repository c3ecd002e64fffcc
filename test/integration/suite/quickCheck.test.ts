// The quick side-by-side check in the real editor against the loopback server: replies stream into the view piece
// by piece, each candidate gets its figures, nothing is stored until Save.
import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import * as vscode from 'vscode';
import type { Api } from '../../../src/extension';
import { CommandId } from '../../../src/vscode/commands/ids';
import type { QuickCheckPanel } from '../../../src/vscode/quickCheck/quickCheckPanel';
import type { QuickCheckHostMessage } from '../../../src/protocol/quickCheck';
import { startMockServer, type MockServer } from '../../servers/mockModelServer';
import { extensionId, openWorkspaceFile, workspaceUri } from './helpers';

suite('Quick side-by-side check', () => {
  let server: MockServer;
  let api: Api;
  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<Api>(extensionId)!.activate();
    // Each reply is held after its first piece until the view has both first pieces, then 300 ms more: the pieces
    // certainly come before the end, whatever the machine's load (gaps of 120 ms alone were a race).
    server = await startMockServer('openai', { latencyMs: 30, streamPieces: 5, streamGapMs: 120, streamHoldAfterFirst: true,
      answers: { 'model-a': '<response><answer>Within 5 business days.</answer></response>', 'model-b': '<response><cannot_answer/></response>' } });
    await vscode.workspace.getConfiguration('promptAdapt').update('endpoints', { loopback: { kind: 'openai', baseURL: server.url } }, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand(CommandId.configureEndpoint, 'loopback', 'test-key-123', true), true);
  });
  suiteTeardown(async () => { api.quickCheck()?.dispose(); await server.close(); });

  test('the CodeLens offers it; a test row runs on two candidates at once, streamed, with figures, and nothing is stored', async () => {
    const doc = await openWorkspaceFile('prompts/qa.prompt.yml');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
    assert.ok(lenses.some((l) => l.command?.command === CommandId.quickCheck), 'a Quick check CodeLens');
    const storeBefore = fs.existsSync(workspaceUri('.prompt-adapt').fsPath) ? fs.readdirSync(workspaceUri('.prompt-adapt').fsPath, { recursive: true }).length : 0;

    const panel = await vscode.commands.executeCommand<QuickCheckPanel>(CommandId.quickCheck, doc.uri, { testSetId: 'support', rowId: 'ex-1', candidateIds: ['model-a', 'model-b'] });
    assert.ok(panel, 'the quick check opened');
    const posted: { m: QuickCheckHostMessage; at: number }[] = [];
    const firstPieces = new Set<string>();
    panel.onDidPost((m) => {
      posted.push({ m, at: Date.now() });
      if (m.type !== 'text' || firstPieces.size === 2) return;
      for (const x of m.pieces) firstPieces.add(x.candidateId);
      if (firstPieces.size === 2) setTimeout(() => server.releaseStreams(), 300);
    });
    const results = await panel.handleMessage({ type: 'run', candidateIds: ['model-a', 'model-b'],
      values: { context: 'Refunds are issued within 5 business days.', question: 'How long do refunds take?' }, row: { testSetId: 'support', id: 'ex-1' } }).then(() => panel.last?.results);
    assert.ok(results && results.length === 2, 'both candidates answered');

    // Streamed: the view got pieces of each reply over time, before that candidate was done.
    for (const id of ['model-a', 'model-b']) {
      const pieces = posted.filter((p) => p.m.type === 'text' && p.m.pieces.some((x) => x.candidateId === id));
      const done = posted.find((p) => p.m.type === 'done' && p.m.result.candidateId === id)!;
      assert.ok(pieces.length >= 3, `${id}: ${pieces.length} text messages`);
      assert.ok(done.at - pieces[0]!.at >= 200, `${id}: the first piece came ${done.at - pieces[0]!.at} ms before the end`);
      const text = pieces.flatMap((p) => (p.m.type === 'text' ? p.m.pieces.filter((x) => x.candidateId === id).map((x) => x.text) : [])).join('');
      assert.equal(text, done.m.type === 'done' ? done.m.result.text : '');
    }
    const a = results.find((r) => r.candidateId === 'model-a')!;
    const b = results.find((r) => r.candidateId === 'model-b')!;
    assert.equal(a.answer, 'Within 5 business days.');
    assert.equal(b.idk, true);
    for (const r of results) {
      assert.equal(r.error, undefined);
      assert.equal(r.streamed, true);
      assert.ok(r.firstTokenMs! > 0 && r.firstTokenMs! < r.latencyMs! - 200, `${r.candidateId}: first token ${r.firstTokenMs} ms of ${r.latencyMs} ms`);
      assert.ok(r.inputTokens! > 0 && r.outputTokens! > 0);
    }
    // model-a costs $1 / $2 per million tokens (the fixture project's prices).
    assert.equal(a.cost, (a.inputTokens! * 1 + a.outputTokens! * 2) / 1e6);
    assert.equal(server.stats.streamed, 2);
    const storeAfter = fs.existsSync(workspaceUri('.prompt-adapt').fsPath) ? fs.readdirSync(workspaceUri('.prompt-adapt').fsPath, { recursive: true }).length : 0;
    assert.equal(storeAfter, storeBefore, 'nothing was stored: no run, no cache entry');

    const target = workspaceUri('scratch/quick-check.json');
    const saved = await panel.save(target);
    assert.equal(saved?.toString(), target.toString());
    const record = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(target)).toString('utf8'));
    assert.equal(record.kind, 'prompt-adapt.quick-check');
    assert.deepEqual(record.row, { testSetId: 'support', id: 'ex-1' });
    assert.deepEqual(record.results.map((r: { candidateId: string }) => r.candidateId), ['model-a', 'model-b']);
    await vscode.workspace.fs.delete(target);
  });

  test('a variable left empty refuses the check before anything is sent; malformed messages are dropped', async () => {
    const panel = api.quickCheck()!;
    const requests = server.stats.requests;
    const posted: QuickCheckHostMessage[] = [];
    panel.onDidPost((m) => posted.push(m));
    await panel.handleMessage({ type: 'run', candidateIds: ['model-a'], values: { context: 'x', question: '' } });
    assert.equal(server.stats.requests, requests);
    assert.ok(posted.some((m) => m.type === 'error' && /No value for \{\{question\}\}/.test(m.message)), JSON.stringify(posted));
    for (const bad of [{ type: 'run', candidateIds: [], values: {} }, { type: 'run', candidateIds: ['a'], values: { q: 1 } }, { type: 'eval' }, 'run', null]) {
      await panel.handleMessage(bad);
    }
    assert.equal(server.stats.requests, requests, 'nothing was sent');
  });

  test('the view is locked down: nonce CSP, its own bundle, no command URIs', () => {
    const panel = api.quickCheck()!;
    const html = panel.panel.webview.html;
    assert.match(html, /default-src 'none'/);
    assert.match(html, /script-src 'nonce-[A-Za-z0-9+/=]{20,}'/);
    assert.ok(!/<script(?![^>]*nonce)/.test(html), 'no script without the nonce');
    assert.match(html, /quickCheck\.js/);
    assert.equal(panel.panel.webview.options.enableCommandUris, false);
  });
});
