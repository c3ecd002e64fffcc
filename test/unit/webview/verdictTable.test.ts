import { strict as assert } from 'node:assert';
import type { Window } from 'happy-dom';
import type { DecisionRow, SystemRow, TestSetComparison } from '../../../src/protocol/comparison';
import type { HostClient } from '../../../webview/host';
import { h } from '../../../webview/dom';
import type { ViewContext } from '../../../webview/views/context';
import { candidateActions, verdictTable } from '../../../webview/views/decisionView';
import { installDom } from './setup';

const EVIL = '<img src=x onerror="window.__pwned=1">';
const cell = (status: DecisionRow['overall'], detail: string): DecisionRow['schema'] => ({ status, detail });
const decision = (systemId: string, over: Partial<DecisionRow>): DecisionRow => ({
  systemId, candidateId: systemId, schema: cell('pass', 'ok'), idk: cell('pass', 'ok'), latency: cell('pass', 'ok'), correctness: cell('pass', 'ok'), style: cell('pass', 'ok'), overall: 'pass', ...over,
});
const row = (systemId: string, costPer1k?: number): SystemRow => ({ systemId, candidateId: systemId, model: `${systemId}-1`, prompt: 'p.prompt.yml', isBaseline: false, n: 10,
  idkRate: 0, schemaFailureRate: 0, badStyleRate: 0, styleRules: {}, inputTokens: 0, outputTokens: 0, errors: 0, noVerdict: 0, notes: [], costPer1k, estimator: 'ppi++' });
const ts = { testSetId: 'support', rows: [], variants: [], decisions: [], notes: [] } as unknown as TestSetComparison;
const ctx = { state: { view: 'comparison' }, report: undefined, host: undefined as unknown as HostClient, update: () => undefined, status: () => undefined, testSet: () => ts } as ViewContext;

suite('verdict table (happy-dom)', () => {
  let win: Window;
  setup(() => { win = installDom(); });
  teardown(async () => { candidateActions.length = 0; await win.happyDOM.abort(); win.close(); });

  test('one row per candidate: overall, statistics verdict, failing rules in words, cost, regions; hostile text stays text', () => {
    const t = verdictTable(ctx, ts, [
      decision('good', { verdict: 'better', covers: ['region:us-east-1', 'modality:image'] }),
      decision(EVIL, { verdict: 'inconclusive', style: cell('fail', `30.0% bad style > 5.0% ${EVIL}`), correctness: cell('fail', 'inconclusive: between 4 pp worse and 9 pp better'), overall: 'fail' }),
    ], [row('good', 0.25), row(EVIL)], 'caption');
    const rows = [...t.querySelectorAll('tbody tr')];
    assert.deepEqual(rows.map((r) => r.getAttribute('data-overall')), ['pass', 'fail']);
    assert.equal(rows[0]!.querySelector('.status-word')!.textContent, 'PASS');
    assert.equal(rows[0]!.querySelector('.verdict-cell strong')!.textContent, 'better');
    assert.equal(rows[0]!.querySelector('.why')!.textContent, 'passes every rule');
    assert.equal(rows[0]!.querySelector('.cost')!.textContent, '$0.2500');
    assert.equal(rows[0]!.querySelector('.serves')!.textContent, 'us-east-1, modality image');
    assert.deepEqual([...rows[1]!.querySelectorAll('.failing-rules li')].map((li) => li.textContent),
      ['Correctness: inconclusive: between 4 pp worse and 9 pp better', `Style: 30.0% bad style > 5.0% ${EVIL}`]);
    assert.equal(t.querySelector('img'), null);
  });

  test('actions registered for a row appear in its last cell', () => {
    candidateActions.push((_c, _t, d) => (d.overall === 'fail' ? h('button', { class: 'adapt' }, `Adapt the prompt for ${d.systemId}`) : null));
    const t = verdictTable(ctx, ts, [decision('good', {}), decision('bad', { overall: 'fail', latency: cell('fail', 'slow') })], [row('good'), row('bad')], 'c');
    const rows = [...t.querySelectorAll('tbody tr')];
    assert.equal(rows[0]!.querySelector('.row-actions button'), null);
    assert.equal(rows[1]!.querySelector('.row-actions button.adapt')!.textContent, 'Adapt the prompt for bad');
  });
});
