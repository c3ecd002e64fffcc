import { strict as assert } from 'node:assert';
import type { Window } from 'happy-dom';
import { renderHtml } from '../../../src/core/report/html';
import type { ComparisonReport, DecisionRow, SystemRow } from '../../../src/protocol/comparison';
import { costLatencyChart } from '../../../webview/views/costChart';
import { installDom } from './setup';

const EVIL = '<img src=x onerror="window.__pwned=1">';
const cell = (status: DecisionRow['overall']): DecisionRow['schema'] => ({ status, detail: 'd' });
const decision = (systemId: string, overall: DecisionRow['overall']): DecisionRow => ({
  systemId, schema: cell(overall), idk: cell(overall), latency: cell(overall), correctness: cell(overall), style: cell(overall), overall,
});
const row = (systemId: string, isBaseline: boolean, costPer1k?: number, medianLatencyMs?: number): SystemRow => ({ systemId, candidateId: systemId, model: 'm', prompt: 'p.prompt.yml',
  isBaseline, n: 10, idkRate: 0, schemaFailureRate: 0, badStyleRate: 0, styleRules: {}, inputTokens: 0, outputTokens: 0, errors: 0, noVerdict: 0, notes: [], costPer1k, medianLatencyMs });

/** What a chart shows, read back from the DOM: per bar its classes, width and tooltip; the visible texts; the legend. */
function shape(root: ParentNode): { bars: string[]; texts: string[]; legend: string[] } {
  const svg = root.querySelector('svg.cost-chart-svg')!;
  return {
    bars: [...svg.querySelectorAll('rect')].map((r) => `${r.getAttribute('class')} w=${r.getAttribute('width')} ${r.querySelector('title')!.textContent}`),
    texts: [...svg.querySelectorAll(':scope > text')].map((t) => t.textContent ?? ''),
    legend: [...root.querySelectorAll('.chart-legend li')].map((li) => li.textContent ?? ''),
  };
}

suite('cost and latency chart (happy-dom)', () => {
  let win: Window;
  setup(() => { win = installDom(); });
  teardown(async () => { await win.happyDOM.abort(); win.close(); });

  test('the panel and the HTML report draw the same chart: bars, numbers, colours by overall status, legend; names stay text', () => {
    const rows = [row('base', true, 0.5, 1000), row('cheap', false, 0.25, 1500), row(EVIL, false, undefined, 500)];
    const decisions = [decision('cheap', 'pass'), decision(EVIL, 'fail')];
    const panel = costLatencyChart(rows, decisions)!;
    const ts = { testSetId: 't', n: 10, baselineId: 'base', estimator: 'naive', level: 0.9, margin: 0.02, rows, variants: [], decisions, notes: [] };
    const report = { project: 'p', generatedAt: 'now', runs: [], testSets: [ts] } as unknown as ComparisonReport;
    const doc = new win.DOMParser().parseFromString(renderHtml(report), 'text/html') as unknown as Document;
    const fromPanel = shape(panel);
    assert.deepEqual(fromPanel, shape(doc));
    assert.deepEqual(fromPanel.bars.map((b) => b.split(' w=')[0]), ['bar cost baseline', 'bar cost overall-pass', 'bar latency baseline', 'bar latency overall-pass', 'bar latency overall-fail']);
    assert.ok(fromPanel.bars[4]!.endsWith(`${EVIL}: median latency 500 ms — FAIL`), fromPanel.bars[4]);
    assert.ok(fromPanel.texts.includes('no data') && fromPanel.texts.includes('$0.2500') && fromPanel.texts.includes('1,500 ms'), fromPanel.texts.join(' | '));
    assert.deepEqual(fromPanel.legend, ['✓ PASS', '✗ FAIL', '? UNKNOWN', 'the baseline']);
    assert.equal(panel.querySelector('img'), null);
    assert.equal(doc.querySelector('svg.cost-chart-svg img'), null);
  });

  test('no cost and no latency: no chart', () => {
    assert.equal(costLatencyChart([row('base', true), row('a', false)], []), null);
  });
});
