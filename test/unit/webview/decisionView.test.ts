import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import type { Window } from 'happy-dom';
import type { ComparisonReport, DecisionRow, TestSetComparison } from '../../../src/protocol/comparison';
import { parseWebviewMessage, type PanelState } from '../../../src/protocol/messages';
import { installDom, until } from './setup';

// The webview modules touch `document` only when called, so they can be imported before the DOM exists.
import { h } from '../../../webview/dom';
import { App } from '../../../webview/app';
import { HostClient } from '../../../webview/host';
import type { ViewContext } from '../../../webview/views/context';
import { decisionView } from '../../../webview/views/decisionView';


const EVIL = '<img src=x onerror="window.__pwned=1">';
const EVIL_SCRIPT = '<script>window.__pwned=2</script>';

function row(systemId: string, over: Partial<DecisionRow> = {}): DecisionRow {
  return {
    systemId, candidateId: systemId,
    schema: { status: 'pass', value: 0.01, threshold: 0.05, detail: '1.0% schema failures ≤ 5.0%' },
    idk: { status: 'pass', value: 0.002, threshold: 0.02, detail: `IDK +0.2 pp [−1.0, +1.4], within +2.0 pp ${EVIL}` },
    latency: { status: 'pass', value: 0.8, threshold: 1.5, detail: 'median 800 ms vs 1000 ms = ×0.80 ≤ ×1.5' },
    correctness: { status: 'pass', value: -0.004, threshold: -0.02, detail: 'lower end above −2.0 pp' },
    style: { status: 'pass', value: 0, threshold: 0.05, detail: '0.0% bad style ≤ 5.0%' },
    overall: 'pass', ...over,
  };
}

function testSet(): TestSetComparison {
  const variantId = `good · ${EVIL}.prompt.yml`;
  return {
    testSetId: `support ${EVIL_SCRIPT}`, n: 200, baselineId: 'base', metricId: 'f1', estimator: 'paper', level: 0.9, margin: 0.02,
    rows: [], notes: [],
    variants: [{ systemId: variantId, candidateId: 'good', model: 'good-1', prompt: 'prompts/v2.prompt.yml', parentPrompt: `prompts/${EVIL}.prompt.yml`, isBaseline: false, n: 200,
      idkRate: 0, schemaFailureRate: 0, badStyleRate: 0, styleRules: {}, inputTokens: 0, outputTokens: 0, errors: 0, noVerdict: 0, notes: [] }],
    decisions: [
      row('good'),
      row(EVIL, { latency: { status: 'fail', value: 2.1, threshold: 1.5, detail: 'median 2100 ms vs 1000 ms = ×2.10 > ×1.5' }, overall: 'fail' }),
      row('idky', { idk: { status: 'unknown', value: 0.03, threshold: 0.02, detail: 'IDK +3.0 pp: above +2.0 pp but not significant' }, correctness: { status: 'unknown', detail: 'no verdicts' }, overall: 'unknown' }),
    ],
    variantDecisions: [row(variantId, { style: { status: 'fail', value: 0.3, threshold: 0.05, detail: '30.0% bad style > 5.0%' }, overall: 'fail' })],
  };
}

function report(selection: ComparisonReport['selection']): ComparisonReport {
  return { project: 'prompt-adapt.yml', generatedAt: '2026-01-01T00:00:00Z', testSets: [testSet()], runs: ['R1'], selection,
    thresholds: { margin: 0.02, maxIdkIncrease: 0.02, maxLatencyRatio: 1.5, maxSchemaFailure: 0.05, maxBadStyle: 0.05 } };
}

const withSelection = (): ComparisonReport => report({
  required: ['us-east-1', `eu-${EVIL}`, 'modality:image'], eligible: ['good', 'cheap'], priceBasis: 'measured cost per 1000 requests',
  best: { candidates: ['good', 'cheap'], cost: 0.35, covers: ['us-east-1', `eu-${EVIL}`, 'modality:image'] },
  runnersUp: [{ candidates: [EVIL], cost: 1.2, covers: ['us-east-1', `eu-${EVIL}`, 'modality:image'], unpriced: [EVIL] }],
});

function ctx(r: ComparisonReport | undefined): ViewContext {
  const state: PanelState = { view: 'decision' };
  return { state, report: r, host: undefined as unknown as HostClient, update: () => undefined, status: () => undefined, testSet: () => r?.testSets[0] };
}

suite('decision view (happy-dom)', () => {
  let win: Window;
  setup(() => { win = installDom(); });
  teardown(async () => { await win.happyDOM.abort(); win.close(); });

  test('candidate table: a row per candidate, PASS/FAIL/UNKNOWN as icon + word + colour class, number and threshold in the cell, detail as title', () => {
    const el = decisionView(ctx(withSelection()));
    document.body.appendChild(el);
    const table = el.querySelector('table.decision-table')!;
    const rows = table.querySelectorAll('tbody tr');
    assert.equal(rows.length, 3);
    const latency = rows[1]!.querySelector('[data-rule=latency]')!;
    assert.equal(latency.getAttribute('data-status'), 'fail');
    assert.ok(latency.getAttribute('class')!.split(' ').includes('fail'), 'a colour class');
    assert.ok(latency.querySelector('.badge.error'), 'the badge carries the colour');
    assert.equal(latency.querySelector('.status-icon')!.textContent, '✗', 'an icon, so status is not colour-only');
    assert.equal(latency.querySelector('.status-word')!.textContent, 'FAIL', 'and the word');
    assert.equal(latency.querySelector('.decision-value')!.textContent, '×2.10');
    assert.equal(latency.querySelector('.decision-threshold')!.textContent, ' (limit ≤ ×1.50)');
    assert.equal(latency.getAttribute('title'), 'median 2100 ms vs 1000 ms = ×2.10 > ×1.5');
    const schema = rows[0]!.querySelector('[data-rule=schema]')!;
    assert.equal(schema.querySelector('.decision-value')!.textContent, '1.0%');
    assert.match(schema.textContent!, /PASS/);
    assert.match(schema.textContent!, /limit ≤ 5\.0%/);
    const corr = rows[0]!.querySelector('[data-rule=correctness]')!;
    assert.equal(corr.querySelector('.decision-value')!.textContent, '−0.4 pp');
    assert.match(corr.textContent!, /limit > −2\.0 pp/);
    const unknown = rows[2]!.querySelector('[data-rule=correctness]')!;
    assert.equal(unknown.querySelector('.status-word')!.textContent, 'UNKNOWN');
    assert.equal(unknown.querySelector('.status-icon')!.textContent, '?');
    assert.equal(unknown.querySelector('.decision-value')!.textContent, '—', 'no number is shown as a dash');
    assert.deepEqual([...rows].map((r) => r.getAttribute('data-overall')), ['pass', 'fail', 'unknown']);
    assert.deepEqual([...rows].map((r) => r.querySelector('[data-rule=overall] .status-word')!.textContent), ['PASS', 'FAIL', 'UNKNOWN']);
  });

  test('prompt variants get the same table, with the parent prompt', () => {
    const el = decisionView(ctx(withSelection()));
    const tables = el.querySelectorAll('table.decision-table');
    assert.equal(tables.length, 2);
    const v = tables[1]!.querySelector('tbody tr')!;
    assert.equal(v.querySelector('[data-rule=style] .status-word')!.textContent, 'FAIL');
    assert.match(v.querySelector('th')!.textContent!, /vs prompts\/<img src=x onerror="window\.__pwned=1">\.prompt\.yml/);
  });

  test('selection: the chosen set with cost and coverage, runner-up sets; or the reason there is none', () => {
    const el = decisionView(ctx(withSelection()));
    const best = el.querySelector('#selection-best')!;
    assert.equal(best.querySelector('.selection-set')!.textContent, 'good + cheap');
    assert.equal(best.querySelector('.selection-cost')!.textContent, '$0.3500 per 1000 requests');
    assert.equal(best.querySelector('.selection-covers')!.textContent, `us-east-1, eu-${EVIL}, modality:image`);
    assert.match(el.querySelector('#selection')!.textContent!, /Required regions\/modalities: us-east-1/);
    const runner = el.querySelectorAll('#runners-up tbody tr');
    assert.equal(runner.length, 1);
    assert.equal(runner[0]!.querySelector('th')!.textContent, EVIL);
    assert.match(runner[0]!.textContent!, /\$1\.20 per 1000 requests \(no price: <img/);

    const none = decisionView(ctx(report({ required: ['ap-south-1'], runnersUp: [], reason: `Nothing covers ap-south-1 ${EVIL_SCRIPT}` })));
    assert.equal(none.querySelector('#selection-best'), null);
    assert.equal(none.querySelector('#selection-none')!.textContent, `FAIL No selection: Nothing covers ap-south-1 ${EVIL_SCRIPT}`.replace('FAIL', '✗ FAIL'));
    assert.equal(none.querySelector('#runners-up'), null);
    assert.match(decisionView(ctx(report(undefined))).textContent!, /No selection was computed/);
    assert.match(decisionView(ctx(undefined)).textContent!, /Computing/);
  });

  test('hostile ids, details and regions stay text: no element, no attribute, no script from data', () => {
    const el = decisionView(ctx(withSelection()));
    document.body.appendChild(el);
    assert.equal(document.querySelector('img'), null);
    assert.equal(document.querySelector('script'), null);
    assert.ok(el.textContent!.includes(EVIL) && el.textContent!.includes(EVIL_SCRIPT), 'shown literally');
    const evilRow = [...el.querySelectorAll('tbody tr')].find((r) => r.getAttribute('data-system') === EVIL)!;
    assert.ok(evilRow, 'the id is an attribute value, not markup');
    for (const n of el.querySelectorAll('*')) {
      for (const a of n.getAttributeNames()) assert.ok(!/^on/i.test(a) && a !== 'style' && a !== 'src' && a !== 'href', `attribute ${a}`);
    }
    assert.equal((globalThis as Record<string, unknown>).__pwned, undefined);
    assert.equal((window as unknown as Record<string, unknown>).__pwned, undefined);
  });

  test('app: a Decision tab renders the view; "Export report" sends a request the host accepts', async () => {
    const log: any[] = [];
    let state: unknown;
    const r = withSelection();
    const api = {
      postMessage(m: any) {
        log.push(m);
        if (m.type === 'ready') setTimeout(() => window.postMessage({ type: 'init', report: r }, '*'), 0);
        else if (m.type === 'request') setTimeout(() => window.postMessage({ type: 'response', id: m.id, result: m.method === 'exportReport' ? { path: '/tmp/prompt-adapt-report.html' } : r }, '*'), 0);
      },
      getState: () => state,
      setState: (s: unknown) => { state = s; },
    };
    document.body.appendChild(h('div', { id: 'app' }));
    const app = new App(document.getElementById('app')!, new HostClient(api, window as any));
    app.start();
    await until(() => document.getElementById('app')!.hasAttribute('data-first-paint-ms'), 'the report from init renders');
    (document.querySelector('[data-view=decision]') as HTMLElement).click();
    assert.equal((state as PanelState).view, 'decision');
    assert.equal(document.querySelectorAll('#app table.decision-table').length, 2);
    (document.getElementById('export-report') as HTMLElement).click();
    await until(() => /Report written/.test(document.querySelector('.status')!.textContent!), 'the host\'s answer shows in the status line');
    const req = log.find((m) => m.method === 'exportReport');
    assert.ok(req, 'the button posts exportReport');
    assert.deepEqual(parseWebviewMessage(req), req, 'the host validator accepts it as sent');
    assert.match(document.querySelector('.status')!.textContent!, /Report written to \/tmp\/prompt-adapt-report\.html/);
  });

  test('the host rejects malformed exportReport messages', () => {
    const ok = { type: 'request', id: 1, method: 'exportReport', params: { format: 'html', estimator: 'paper' } };
    assert.deepEqual(parseWebviewMessage(ok), ok);
    assert.ok(parseWebviewMessage({ type: 'request', id: 2, method: 'exportReport', params: {} }));
    for (const params of [{ format: 'pdf' }, { format: 'html', path: '/etc/passwd' }, { estimator: 'magic' }, { format: 1 }]) {
      assert.equal(parseWebviewMessage({ type: 'request', id: 3, method: 'exportReport', params }), undefined, JSON.stringify(params));
    }
  });

  test('the decision view assigns no HTML', () => {
    const src = fs.readFileSync(path.join(__dirname, '../../../webview/views/decisionView.ts'), 'utf8');
    assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser|createContextualFragment/);
  });
});
