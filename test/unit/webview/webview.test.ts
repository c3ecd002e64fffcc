import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import type { Window } from 'happy-dom';
import { installDom, until } from './setup';

// The webview modules touch `document` only when called, so they can be imported before the DOM exists.
import { h, highlighted, s } from '../../../webview/dom';
import { HostClient } from '../../../webview/host';
import { App } from '../../../webview/app';
import { forestPlot } from '../../../webview/views/forestPlot';
// @ts-expect-error plain JS fixture module
import { fakeHost, report, hostile } from '../../fixtures/webview/fixtureData.mjs';

suite('webview (happy-dom)', () => {
  let win: Window;
  setup(() => { win = installDom(); });
  teardown(async () => { await win.happyDOM.abort(); win.close(); });

  test('h/s build text nodes only and refuse handler, style and URL attributes', () => {
    const el = h('div', {}, '<img src=x onerror=alert(1)>');
    assert.equal(el.childNodes.length, 1);
    assert.equal(el.firstChild!.nodeType, 3, 'a text node');
    assert.equal(el.querySelector('img'), null);
    for (const a of ['onclick', 'style', 'href', 'src', 'srcdoc', 'xlink:href', 'formaction']) assert.throws(() => h('a' as 'div', { [a]: 'javascript:alert(1)' }), /not allowed/, a);
    assert.equal(s('text', { x: 1 }, '<script>').textContent, '<script>');
  });

  test('highlighted() marks findings by offset and keeps the rest as text; bad offsets are clipped', () => {
    const text = 'Refunds, according to the <b>article</b>, take 5 days.';
    const start = text.indexOf('according to');
    const nodes = highlighted(text, [{ start, end: start + 12, ruleId: 'phrase:according-to', message: 'm' }, { start: 500, end: 900, ruleId: 'x', message: 'out of range' }, { start: start + 2, end: start + 5, ruleId: 'overlap', message: 'o' }]);
    const div = h('div', {}, ...nodes);
    assert.equal(div.textContent, text);
    const marks = div.querySelectorAll('mark');
    assert.equal(marks.length, 1);
    assert.equal(marks[0]!.textContent, 'according to');
    assert.equal(div.querySelector('b'), null);
  });

  test('forest plot: a row per candidate with interval, the zero line and the −margin line, numbers on hover', () => {
    const ts = report.testSets[0];
    const fig = forestPlot(ts);
    assert.equal(fig.querySelectorAll('.forest-row').length, 2);
    assert.equal(fig.querySelectorAll('.zero-line').length, 1);
    const margin = fig.querySelector('.margin-line')!;
    const zero = fig.querySelector('.zero-line')!;
    assert.ok(Number(margin.getAttribute('x1')) < Number(zero.getAttribute('x1')), 'the margin line is left of zero');
    const row = fig.querySelector('.forest-row')!;
    assert.match(row.querySelector('title')!.textContent!, /difference −1\.1 pp \[−1\.9 pp, −0\.4 pp\] at 90%, P\(better\) 0\.020/);
    row.dispatchEvent(new (globalThis as any).window.Event('mouseenter'));
    assert.match(fig.querySelector('.readout')!.textContent!, /−1\.1 pp/);
    assert.ok(fig.querySelectorAll('.forest-row')[1]!.getAttribute('class')!.includes('worse'), 'a candidate whose interval is below −margin is marked');
  });

  test('app: ready handshake, comparison from init, estimator switch, state persisted', async () => {
    const host = fakeHost(report, hostile, 1000, window);
    document.body.appendChild(h('div', { id: 'app' }));
    const app = new App(document.getElementById('app')!, new HostClient(host.api, window as unknown as Window['window'] & globalThis.Window));
    app.start();
    assert.deepEqual(host.log[0], { type: 'ready', version: 1 });
    await until(() => document.querySelectorAll('table.grid tbody tr').length > 0, 'the comparison from init renders');
    assert.equal(document.querySelectorAll('table.grid tbody tr').length, 3);
    assert.ok(document.getElementById('app')!.textContent!.includes('model-c <img src=x onerror="window.__pwned=\'system\'">'));
    assert.equal(document.querySelector('#app img'), null);
    const sel = document.getElementById('estimator-select') as HTMLSelectElement;
    sel.value = 'ppi++';
    sel.dispatchEvent(new (globalThis as any).window.Event('change'));
    await until(() => document.querySelector('.status')?.textContent === 'Estimator: ppi++.', 'the comparison is recomputed with ppi++');
    assert.ok(host.log.some((m: any) => m.method === 'getComparison' && m.params.estimator === 'ppi++'));
    assert.equal(host.api.getState().estimator, 'ppi++');
  });

  test('review: pages from the host, virtualised rows, keyboard moves the selection; labelling keys send labels', async () => {
    const host = fakeHost(report, hostile, 10_000, window);
    document.body.appendChild(h('div', { id: 'app' }));
    host.api.setState({ view: 'review' });
    const app = new App(document.getElementById('app')!, new HostClient(host.api, window as any));
    app.start();
    await until(() => document.querySelectorAll('.vrow').length > 0, 'the first review page renders');
    const pageReqs = host.log.filter((m: any) => m.method === 'getReviewPage');
    assert.equal(pageReqs.length, 1);
    assert.equal(pageReqs[0].params.limit, 100);
    const rows = document.querySelectorAll('.vrow');
    assert.ok(rows.length > 0 && rows.length <= 60, `${rows.length} row elements for 10000 examples`);
    const key = (k: string): void => { document.dispatchEvent(new (globalThis as any).window.KeyboardEvent('keydown', { key: k, bubbles: true })); };
    key('j'); key('j');
    await until(() => document.querySelector('.detail h2')?.textContent === 'Example ex-2', 'j j selects the third example');
    assert.equal(document.querySelector('.detail h2')!.textContent, 'Example ex-2');
    assert.equal(host.api.getState().review.index, 2);
    key('o');
    await until(() => host.log.some((m: any) => m.method === 'openInTestSet'), 'o asks the host to open the example');
    assert.ok(host.log.some((m: any) => m.method === 'openInTestSet' && m.params.exampleId === 'ex-2'));

    (document.querySelector('[data-view=label]') as HTMLElement).click();
    const shown = (): string | null | undefined => document.querySelector('.output.blind')?.getAttribute('data-key');
    await until(() => !!shown(), 'the first output to label is shown');
    assert.equal(document.querySelectorAll('.verdict').length, 0, 'no verdict in blind mode');
    for (const k of ['c', 'i', 'u']) {
      // A key pressed while a label is being saved is ignored: press the next one when the next output is shown.
      const before = shown();
      key(k);
      await until(() => shown() !== before, `after '${k}' the next output is shown`);
    }
    assert.deepEqual(host.log.filter((m: any) => m.method === 'label').map((m: any) => m.params.label), ['correct', 'incorrect', 'unsure']);
  });

  test('no webview source assigns HTML (innerHTML, outerHTML, insertAdjacentHTML, document.write)', () => {
    const dir = path.join(__dirname, '../../../webview');
    const files = fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 5);
    for (const f of files) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment|new Function|eval\(/, f);
    }
  });
});
