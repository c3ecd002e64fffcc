import { strict as assert } from 'node:assert';
import type { Window } from 'happy-dom';
import { gridOf } from '../../../src/core/grid/grid';
import { ReviewData } from '../../../src/core/review/data';
import { parseWebviewMessage, type PanelState, type ReviewOutput, type ReviewSystem } from '../../../src/protocol/messages';
import { installDom, until } from './setup';

// The webview modules touch `document` only when called, so they can be imported before the DOM exists.
import { h } from '../../../webview/dom';
import { App } from '../../../webview/app';
import { HostClient } from '../../../webview/host';
// @ts-expect-error plain JS fixture module
import { report } from '../../fixtures/webview/fixtureData.mjs';

const EVIL = '<img src=x onerror="window.__pwned=1"> \u001b[2J';

/** 1000 examples × 2 systems from the real core; the baseline fails on multiples of 4, the candidate on 3s. */
function host(win: Window) {
  const systems: ReviewSystem[] = [{ systemId: 'model-a', candidateId: 'model-a', model: 'gpt-base', prompt: 'p.prompt.yml', isBaseline: true },
    { systemId: 'model-b', candidateId: 'model-b', model: 'nova-lite', prompt: 'p.prompt.yml', isBaseline: false }];
  const examples = Array.from({ length: 1000 }, (_, i) => ({ exampleId: `ex-${i}`, line: i + 1, question: `Q${i} ${EVIL}`, context: '', groundTruth: [] }));
  const out = (s: ReviewSystem, i: number, verdict: 0 | 1): ReviewOutput => ({ systemId: s.systemId, candidateId: s.candidateId, model: s.model, outputHash: `${s.systemId}-${i}`,
    text: `${s.systemId} says ${i} ${EVIL}`, idk: false, schemaValid: true, findings: [], verdicts: [{ metricId: 'judge', verdict }] });
  const outputs = new Map([[systems[0]!.systemId, new Map(examples.map((e, i) => [e.exampleId, out(systems[0]!, i, i % 4 === 0 ? 0 : 1)]))],
    [systems[1]!.systemId, new Map(examples.map((e, i) => [e.exampleId, out(systems[1]!, i, i % 3 === 0 ? 0 : 1)]))]]);
  const data = new ReviewData({ testSetId: 'support', examples, systems, outputs, primaryMetric: 'judge' });
  const grid = gridOf(data);
  const sent: unknown[] = [];
  let state: unknown = { view: 'grid' } satisfies PanelState;
  const handlers: Record<string, (p: any) => unknown> = {
    getGridPage: (p) => grid.page({ filter: p.filter, search: p.search, systemId: p.systemId }, p.offset, p.limit),
    getReviewPage: (p) => data.page(p.filter, p.offset, p.limit, p.systemId),
    getComparison: () => report,
    exportGrid: (p) => ({ path: '/tmp/grid.csv', rows: grid.csv(p).rows }),
  };
  const api = {
    postMessage(m: any) {
      sent.push(m);
      if (m.type === 'ready') setTimeout(() => win.postMessage({ type: 'init', report }, '*'), 0);
      else setTimeout(() => win.postMessage({ type: 'response', id: m.id, result: handlers[m.method]!(m.params) }, '*'), 0);
    },
    getState: () => state, setState: (s: unknown) => { state = s; },
  };
  return { api, sent, grid, state: () => state as PanelState };
}

suite('results grid view (happy-dom, real core)', () => {
  let win: Window;
  setup(() => { win = installDom(); });
  teardown(async () => { await win.happyDOM.abort(); win.close(); });

  test('rows and cells as text, keyboard moves the focused cell, filters ask the host, Enter opens the review', async function () {
    this.timeout(60_000); // happy-dom's timers under a loaded machine
    const fh = host(win);
    document.body.appendChild(h('div', { id: 'app' }));
    new App(document.getElementById('app')!, new HostClient(fh.api, window as any)).start();
    await until(() => document.querySelectorAll('.gcell').length > 0, 'the grid renders');
    const rows = document.querySelectorAll('.grid-row');
    assert.ok(rows.length > 0 && rows.length <= 60, `${rows.length} row elements for 1000 examples`);
    assert.equal(document.getElementById('grid-count')!.textContent, '1000 of 1000 examples');
    assert.deepEqual([...rows[0]!.querySelectorAll('.gcell')].map((c) => c.className.split(' ')[1]), ['s-fail', 's-fail']);
    assert.ok(rows[0]!.textContent!.includes('<img src=x onerror="window.__pwned=1"> \u241b[2J'), 'markup as characters, the escape as a symbol');
    assert.equal(document.querySelectorAll('#app img, #app script').length, 0);

    const key = (k: string, ctrlKey = false): void => { document.dispatchEvent(new (globalThis as any).window.KeyboardEvent('keydown', { key: k, ctrlKey, bubbles: true })); };
    key('ArrowDown'); key('ArrowDown'); key('ArrowRight');
    await until(() => document.querySelector('.gcell.focused')?.id === 'gcell-2-1', 'arrows move the focused cell');
    assert.deepEqual([fh.state().grid?.row, fh.state().grid?.col], [2, 1]);
    key('ArrowRight'); key('Home', true);
    await until(() => document.querySelector('.gcell.focused')?.id === 'gcell-0-1', 'the last column stays the last; Ctrl+Home goes to the first row');

    await until(() => document.getElementById('grid-filter') !== null, 'the filter menu follows the rows');
    const filter = document.getElementById('grid-filter') as HTMLSelectElement;
    filter.value = 'regressions';
    filter.dispatchEvent(new (globalThis as any).window.Event('change'));
    const n = fh.grid.rows({ filter: 'regressions' }).length;
    await until(() => document.getElementById('grid-count')!.textContent === `${n} of 1000 examples`, 'the filter asks the host and shows its count');
    assert.ok(fh.sent.filter((m: any) => m.method === 'getGridPage').every((m) => parseWebviewMessage(m)), 'every request passes the host validator');

    // The grid's own Export, and the header's Export CSV on this tab, export what the grid shows: its filter, search and column.
    for (const id of ['grid-export', 'export-csv']) {
      const before = fh.sent.length;
      (document.getElementById(id) as HTMLElement).click();
      await until(() => document.querySelector('#app .status')?.textContent === `Exported ${n} rows to /tmp/grid.csv.`, `${id}: the status says how many rows`);
      const asked = fh.sent.slice(before).filter((m: any) => m.method === 'exportGrid');
      assert.deepEqual(asked.map((m: any) => m.params), [{ testSetId: 'support', filter: 'regressions' }], id);
      assert.ok(parseWebviewMessage(asked[0]), 'the host validator accepts it');
      (document.querySelector('#app .status') as HTMLElement).textContent = '';
    }

    key('Enter');
    const first = fh.grid.rows({ filter: 'regressions' })[0]!;
    await until(() => document.querySelector('.detail h2')?.textContent === `Example ex-${first}`, 'Enter opens the focused cell\'s example in the review');
    assert.equal(fh.state().view, 'review');
    assert.deepEqual(fh.state().review, { filter: 'all', index: first, systemId: 'model-b' });
  });
});
