// The results grid in the real editor: "Show Results Grid" opens the panel on the grid tab, the real webview asks the
// host for its rows and gets the fixture run's examples × systems; a filter (from the command, so the real webview
// asks with it) and a search narrow them; opening a cell shows that example side by side. The webview cannot be
// clicked from the extension host: the click itself is covered in Chromium (test/e2e/gridBrowser.mjs) and happy-dom
// (gridView.test.ts); here the panel is put on the state a click produces, and the real webview asks for that example.
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { GridPage } from '../../../src/protocol/grid';
import type { HostToWebview, ReviewPage } from '../../../src/protocol/messages';
import type { Api } from '../../../src/extension';
import { CommandId } from '../../../src/vscode/commands/ids';
import type { ComparePanel } from '../../../src/vscode/panel/comparePanel';
import { answers, extensionId, waitFor, writeFixtureRun } from './helpers';

const isGridPage = (x: unknown): x is GridPage => typeof x === 'object' && x !== null && 'columns' in x && 'counts' in x;
const isReviewPage = (x: unknown): x is ReviewPage => typeof x === 'object' && x !== null && 'rows' in x && 'total' in x && !('columns' in x);

suite('Results grid', () => {
  let api: Api;
  let panel: ComparePanel;
  const posted: HostToWebview[] = [];
  /** The host's answers to the real webview's requests (and to ours), newest last. */
  const answered = <T>(is: (x: unknown) => x is T): T[] => posted.flatMap((m) => (m.type === 'response' && is(m.result) ? [m.result] : []));

  suiteSetup(async () => {
    writeFixtureRun();
    api = await vscode.extensions.getExtension<Api>(extensionId)!.activate();
    api.comparePanel()?.dispose();
    panel = (await vscode.commands.executeCommand<ComparePanel>(CommandId.showResultsGrid))!;
    assert.ok(panel, 'Show Results Grid opened no panel');
    panel.onDidPost((m) => posted.push(m));
  });
  suiteTeardown(() => { panel?.dispose(); });

  test('the real webview gets its rows from the host: the fixture run\'s examples, the baseline and the candidate', async () => {
    await waitFor(() => answered(isGridPage).length > 0, () => `the webview asked for no grid page (posted: ${posted.map((m) => m.type).join(', ')})`, 30_000);
    const page = answered(isGridPage)[0]!;
    assert.equal(page.testSetId, 'support');
    assert.equal(page.filter, 'all');
    assert.deepEqual(page.columns.map((c) => [c.systemId, c.kind]), [['model-a', 'baseline'], ['model-b', 'candidate']]);
    assert.deepEqual(page.rows.map((r) => r.exampleId), Object.keys(answers));
    // token_f1 verdicts of the fixture: model-a correct everywhere, model-b only on ex-2; the cells carry the answers as text.
    assert.deepEqual(page.rows.map((r) => r.cells.map((c) => c.status)), [['pass', 'fail'], ['pass', 'pass'], ['pass', 'fail']]);
    assert.equal(page.rows[2]!.cells[1]!.text, answers['ex-3']![1], 'markup in an answer is text in the cell');
    assert.deepEqual([page.counts.all, page.counts.failures, page.counts.regressions], [3, 2, 2]);
  });

  test('a filter and a search narrow the rows: given to the command, the real webview asks with them', async () => {
    const before = posted.length;
    await vscode.commands.executeCommand(CommandId.showResultsGrid, { filter: 'regressions' });
    await waitFor(() => posted.slice(before).some((m) => m.type === 'response' && isGridPage(m.result) && m.result.filter === 'regressions'),
      () => 'the webview did not ask for the regressions', 30_000);
    const page = answered(isGridPage).filter((p) => p.filter === 'regressions').at(-1)!;
    assert.deepEqual(page.rows.map((r) => r.exampleId), ['ex-1', 'ex-3'], 'model-b fails where model-a passes');
    assert.equal(page.total, 2);
    const searched = await panel.handleMessage({ type: 'request', id: 9100, method: 'getGridPage', params: { testSetId: 'support', filter: 'regressions', search: 'BACKUP', offset: 0, limit: 100 } });
    assert.ok(searched?.type === 'response' && isGridPage(searched.result));
    assert.deepEqual(searched.result.rows.map((r) => r.exampleId), ['ex-3'], 'the search looks in the outputs, case-insensitively');
  });

  test('opening a cell shows that example side by side: the baseline\'s output beside the cell\'s system', async () => {
    const page = answered(isGridPage).filter((p) => p.filter === 'regressions').at(-1)!;
    const row = page.rows.find((r) => r.exampleId === 'ex-3')!;
    const col = page.columns.findIndex((c) => c.systemId === 'model-b');
    // The state the grid's open() sets for that cell (gridView.ts): the review, unfiltered, at the example's index, with the cell's system.
    const before = posted.length;
    await vscode.commands.executeCommand(CommandId.showResultsGrid, { filter: 'regressions' });
    panel = api.comparePanel()!;
    (panel as unknown as { post(m: HostToWebview): void }).post({ type: 'init', state: { view: 'review', grid: { filter: 'regressions', row: 1, col }, review: { filter: 'all', index: row.index, systemId: 'model-b' } } });
    await waitFor(() => posted.slice(before).some((m) => m.type === 'response' && isReviewPage(m.result) && m.result.rows.some((r) => r.exampleId === 'ex-3')),
      () => 'the real webview never asked for the review page of ex-3', 30_000);
    const review = answered(isReviewPage).at(-1)!;
    const shown = review.rows.find((r) => r.exampleId === 'ex-3')!;
    assert.equal(shown.baseline?.systemId, 'model-a');
    assert.equal(shown.baseline?.text, answers['ex-3']![0]);
    assert.equal(shown.candidate?.systemId, 'model-b', 'the cell\'s system is beside the baseline');
    assert.equal(shown.candidate?.text, answers['ex-3']![1]);
  });
});
