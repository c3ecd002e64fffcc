import { strict as assert } from 'node:assert';
import { csvField, escapeMarkdown, renderReport, REPORT_FORMATS } from '../../../src/core/report';
import type { ComparisonReport, DecisionRow, SystemRow } from '../../../src/protocol/comparison';
import { STATUS_STYLE } from '../../../src/protocol/legend';

const HOSTILE = [
  '<script>alert(1)</script>', '<img src=x onerror="alert(2)">', '"><svg onload=alert(3)>', "javascript:alert('4')",
  '</style><style>body{background:url(https://evil.example/x)}</style>', '&lt;already-escaped&gt;', ']]><!--', 'bell\u0007and\u0000nul',
];

function row(systemId: string, over: Partial<SystemRow> = {}): SystemRow {
  return { systemId, candidateId: systemId, model: `<b>${systemId}</b>`, prompt: 'prompts/<qa>.prompt.yml', isBaseline: false, n: 50, idkRate: 0.1,
    schemaFailureRate: 0, badStyleRate: 0.1, styleRules: { [`regex:${HOSTILE[1]}`]: 0.1 }, inputTokens: 1, outputTokens: 2, errors: 0, noVerdict: 0,
    difference: { mean: -0.01, median: -0.01, lo: -0.05, hi: 0.03 }, pBetter: 0.3, medianLatencyMs: 900,
    notes: [{ code: 'x', severity: 'warning', message: HOSTILE.join(' ') }], ...over };
}

function decision(systemId: string, overall: DecisionRow['overall']): DecisionRow {
  const cell = { status: overall, detail: HOSTILE[0]! };
  return { systemId, schema: cell, idk: cell, latency: cell, correctness: cell, style: cell, overall };
}

function hostileReport(): ComparisonReport {
  const ids = HOSTILE.map((h, i) => `${h}#${i}`);
  return {
    project: HOSTILE[0]!, generatedAt: HOSTILE[2]!, runs: [HOSTILE[3]!],
    thresholds: { margin: 0.02, maxIdkIncrease: 0.03, maxLatencyRatio: 1.25, maxSchemaFailure: 0.02, maxBadStyle: 0.02 },
    notes: [{ code: 'n', severity: 'error', message: HOSTILE[4]! }],
    testSets: [{
      testSetId: HOSTILE[1]!, n: 50, baselineId: HOSTILE[2]!, metricId: HOSTILE[5], estimator: 'rogan-gladen', level: 0.9, margin: 0.02,
      rows: [row('base', { isBaseline: true, difference: undefined }), ...ids.map((id) => row(id))],
      variants: [row(`v ${HOSTILE[0]}`, { parentPrompt: HOSTILE[1] })],
      decisions: ids.map((id, i) => decision(id, i % 2 ? 'fail' : 'unknown')), variantDecisions: [decision(`v ${HOSTILE[0]}`, 'pass')],
      notes: [{ code: 'n', severity: 'warning', message: HOSTILE[6]! }],
      calibration: { metricId: HOSTILE[3]!, tp: 1, fn: 1, fp: 1, tn: 1, tpr: { mean: 0.5, median: 0.5, lo: 0.1, hi: 0.9 }, fpr: { mean: 0.5, median: 0.5, lo: 0.1, hi: 0.9 },
        pTprLeFpr: 0.5, uninformative: true, unsure: 0, unmatched: 0, notes: [], plan: { target: 0.03, floor: 1, message: HOSTILE[1]! } },
    }],
    selection: { required: [`region:${HOSTILE[0]}`], runnersUp: [{ candidates: [HOSTILE[2]!], cost: 1, covers: [] }], best: { candidates: [HOSTILE[1]!], cost: 0.5, covers: [] },
      reason: HOSTILE[4], eligible: [HOSTILE[0]!], priceBasis: HOSTILE[3] },
  };
}

suite('reports', () => {
  test('HTML: hostile strings stay text; no scripts, handlers or external resources', () => {
    const html = renderReport(hostileReport(), 'html');
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /<svg onload/i);
    // Data never opens a tag (every '<' in it is escaped), so checking our tags covers every attribute.
    const tags = [...html.matchAll(/<[a-z][^>]*>/gi)].map((m) => m[0]);
    assert.ok(tags.length > 50);
    for (const t of tags) assert.doesNotMatch(t, /\son\w+\s*=|javascript:/i, t);
    const names = new Set(tags.map((t) => /^<([a-z][a-z0-9]*)/i.exec(t)![1]!.toLowerCase()));
    // div: the boxes a wide table scrolls in (the page itself never scrolls sideways); tspan: plot labels wrap instead of being cut;
    // rect: the bars of the cost and latency chart.
    for (const n of names) assert.ok(['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'h2', 'h3', 'p', 'strong', 'span', 'ol', 'ul', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'svg', 'g', 'line', 'text', 'tspan', 'circle', 'div', 'rect'].includes(n), n);
    assert.doesNotMatch(html, /<style><\/style>|<\/style><style>/);
    assert.doesNotMatch(html, /(src|href)\s*=\s*["']?(https?:|javascript:|\/\/)/i);
    assert.ok(!html.includes('\u0000') && !html.includes('\u0007'), 'control characters are dropped');
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /&amp;lt;already-escaped&amp;gt;/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    // Exactly one <style> element (ours) and the forest plot is inline SVG with a zero and a margin line.
    assert.equal(html.match(/<style>/g)!.length, 1);
    assert.match(html, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(html, /stroke-dasharray/);
    // Only the SVG namespace URL may appear as an absolute URL.
    for (const m of html.matchAll(/https?:\/\/[^\s"'<)]+/g)) assert.ok(m[0].startsWith('http://www.w3.org/2000/svg') || m[0].startsWith('https://evil.example'), m[0]);
    // (Plot labels wrap long names onto lines (tspans), so the hostile id appears there in pieces, as text.)
    assert.ok(!/url\(https/.test(html.replace(/<tspan[^>]*>[^<]*<\/tspan>/g, '').replace(/body\{background:url\(https:\/\/evil\.example\/x\)\}/g, '')), 'the hostile url only appears as escaped text');
  });

  test('HTML: the cost and latency chart, bars coloured by the overall status as the legend says, no cost means "no data"', () => {
    const r = hostileReport();
    const ts = r.testSets[0]!;
    ts.rows = [row('base', { isBaseline: true, difference: undefined, costPer1k: 0.5, medianLatencyMs: 1000 }),
      row('cheap', { costPer1k: 0.25, medianLatencyMs: 1500 }), row(HOSTILE[1]!, { medianLatencyMs: 500 })];
    ts.decisions = [decision('cheap', 'pass'), decision(HOSTILE[1]!, 'fail')];
    const html = renderReport(r, 'html');
    const chart = /<svg [^>]*class="cost-chart-svg"[^>]*>(.*?)<\/svg><ul class="legend chart-legend">(.*?)<\/ul>/s.exec(html);
    assert.ok(chart, 'the chart and its legend are in the report');
    const bars = [...chart[1]!.matchAll(/<rect class="bar (\w+) ([\w-]+)" x="[\d.]+" y="[\d.]+" width="([\d.]+)"[^>]*><title>(.*?): /g)]
      .map((m) => ({ measure: m[1], status: m[2], width: Number(m[3]), system: m[4] }));
    assert.deepEqual(bars.map((b) => `${b.measure} ${b.status} ${b.system}`), ['cost baseline base', 'cost overall-pass cheap',
      'latency baseline base', 'latency overall-pass cheap', 'latency overall-fail &lt;img src=x onerror=&quot;alert(2)&quot;&gt;']);
    // Bars scale to the largest value of their panel: cost 0.25 is half of the baseline's 0.5, latency 500 a third of 1500.
    assert.equal(bars[1]!.width * 2, bars[0]!.width);
    assert.ok(Math.abs(bars[4]!.width * 3 - bars[3]!.width) < 0.2, `${bars[4]!.width} vs ${bars[3]!.width}`);
    assert.match(chart[1]!, /\$0\.2500<\/text>/);
    assert.match(chart[1]!, /1,500 ms<\/text>/);
    assert.match(chart[1]!, />no data<\/text>/, 'a system without a price says so instead of a zero bar');
    // The colours are the legend's (protocol/legend STATUS_STYLE), light and dark; the chart's legend names every colour.
    for (const st of ['pass', 'fail', 'unknown'] as const) {
      assert.match(html, new RegExp(`\\.bar\\.overall-${st},[^{]*\\{fill:${STATUS_STYLE[st].light}`));
      assert.match(html, new RegExp(`prefers-color-scheme:dark\\).*\\.bar\\.overall-${st},[^{]*\\{fill:${STATUS_STYLE[st].dark}`, 's'));
    }
    assert.deepEqual([...chart[2]!.matchAll(/<li><span class="sw ([\w-]+)"><\/span>([^<]*)<\/li>/g)].map((m) => `${m[1]} ${m[2]}`),
      ['overall-pass ✓ PASS', 'overall-fail ✗ FAIL', 'overall-unknown ? UNKNOWN', 'baseline the baseline']);
    // No cost and no latency anywhere: no chart.
    for (const x of [...ts.rows, ...ts.variants]) { x.costPer1k = undefined; x.medianLatencyMs = undefined; }
    assert.doesNotMatch(renderReport(r, 'html'), /class="cost-chart-svg"/);
  });

  test('JUnit: well-formed, one test case per system with failures and skips, escaped attributes', () => {
    const xml = renderReport(hostileReport(), 'junit');
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
    assert.equal((xml.match(/<testcase /g) ?? []).length, HOSTILE.length + 1);
    assert.equal((xml.match(/<failure /g) ?? []).length, 4);
    assert.equal((xml.match(/<skipped /g) ?? []).length, 4);
    assert.doesNotMatch(xml, /<script|<img|<!--|\]\]>/);
    assert.ok(![...xml].some((c) => c.charCodeAt(0) < 9), 'no characters XML 1.0 forbids');
    // Every attribute value is quoted and free of raw quotes/angle brackets.
    for (const m of xml.matchAll(/\s[\w-]+="([^"]*)"/g)) assert.doesNotMatch(m[1]!, /[<>]/);
  });

  test('CSV: quoted fields, neutralised formulas, one line per system', () => {
    const csv = renderReport(hostileReport(), 'csv');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines.length, 1 + 1 + HOSTILE.length + 1);
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('-1+2'), "'-1+2");
    assert.equal(csvField(-0.5), '-0.5');
    assert.equal(csvField('a,b'), '"a,b"');
    // Spreadsheets that split on ';' (or tabs) would start a formula in the second cell unless it is quoted.
    assert.equal(csvField('ok;=HYPERLINK("x")'), '"ok;=HYPERLINK(""x"")"');
    assert.equal(csvField('ok\t@SUM(A1)'), '"ok\t@SUM(A1)"');
  });

  test('Markdown: no raw HTML, no table breaks; every format renders', () => {
    const md = renderReport(hostileReport(), 'md');
    assert.doesNotMatch(md, /<script|<img|<svg|<style/);
    assert.equal(escapeMarkdown('a|b\nc [x](javascript:y)'), 'a\\|b c \\[x\\](javascript:y)');
    for (const f of REPORT_FORMATS) assert.ok(renderReport(hostileReport(), f).length > 100, f);
    assert.deepEqual(JSON.parse(renderReport(hostileReport(), 'json')).project, HOSTILE[0]);
  });
});
