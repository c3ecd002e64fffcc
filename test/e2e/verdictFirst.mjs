/* global getComputedStyle -- used inside page.evaluate callbacks, which run in the browser */
// Browser checks of the verdict-first panel and the HTML report (issue 13), called by webviewBrowser.mjs with its
// browser, page server and check(): the first tab leads with one row per candidate; the decision table fits the
// panel at 1000 and 1600 px; screenshots of the first tab in light and dark; hostile strings stay inert; the HTML
// report has no horizontal overflow at 800 px and no variant name is cut in its plots.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Page-level horizontal overflow (px the page would scroll sideways), and the widest element that sticks out. */
const overflow = (p) => p.evaluate(() => {
  const doc = document.documentElement;
  const out = [...document.querySelectorAll('#app *, body *')].filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 1 && getComputedStyle(e).position !== 'fixed');
  return { by: doc.scrollWidth - doc.clientWidth, culprit: out.slice(-1).map((e) => `${e.tagName}.${e.className}`)[0] ?? '' };
});

/** The HTML report of `report`, rendered by the real renderer (TypeScript, through tsx). */
function renderReportHtml(report) {
  const code = "import('./src/core/report/index.ts').then((m) => process.stdout.write(m.renderHtml(JSON.parse(require('node:fs').readFileSync(0, 'utf8')))))";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT, input: JSON.stringify(report), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`rendering the HTML report failed: ${r.stderr}`);
  return r.stdout;
}

async function panelChecks(browser, base, check, out) {
  for (const theme of ['light', 'dark']) {
    for (const width of [1000, 1600]) {
      const ctx = await browser.newContext({ viewport: { width, height: 900 } });
      const p = await ctx.newPage();
      const errors = [];
      p.on('pageerror', (e) => errors.push(String(e)));
      await p.goto(`${base}?theme=${theme}`);
      await p.waitForSelector('table.verdicts');
      const rows = await p.$$eval('table.verdicts tbody tr', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-system'), overall: tr.getAttribute('data-overall'), text: tr.textContent })));
      check(rows.length === 2 && rows.every((r) => r.overall === 'fail') && rows[0].text.includes('FAIL') && rows[0].text.includes('non-inferior')
        && rows[0].text.includes('Style: 20.0% bad style > 5.0%') && rows[0].text.includes('$0.1100') && rows[0].text.includes('us-east-1, eu-central-1'),
      `${theme} ${width}px: the first tab leads with one row per candidate: overall, statistics verdict, failing rules in words, cost, regions`);
      const colours = await p.$$eval('.forest-row', (gs) => gs.map((g) => [g.getAttribute('data-overall'), getComputedStyle(g.querySelector('.point')).fill]));
      const legend = await p.$$eval('.forest-legend li', (lis) => lis.map((li) => li.textContent));
      check(colours.length === 2 && colours.every(([o]) => o === 'fail') && colours[0][1] === colours[1][1] && legend.some((t) => t.startsWith('FAIL')),
        `${theme} ${width}px: the forest plot is coloured by the overall verdict, with a legend (${JSON.stringify(colours)})`);
      const o1 = await overflow(p);
      check(o1.by <= 0, `${theme} ${width}px: the first tab has no horizontal overflow (${o1.by} px ${o1.culprit})`);
      if (width === 1000) await p.screenshot({ path: path.join(out, `first-tab-${theme}.png`), fullPage: true });
      await p.click('[data-view=decision]');
      await p.waitForSelector('table.decision-table');
      const fit = await p.evaluate(() => {
        const t = document.querySelector('table.decision-table');
        const right = Math.max(...[...t.querySelectorAll('[data-rule=overall], [data-rule=style]')].map((c) => c.getBoundingClientRect().right));
        return { table: t.getBoundingClientRect().right, right, viewport: document.documentElement.clientWidth, scroll: t.parentElement.scrollWidth - t.parentElement.clientWidth };
      });
      const o2 = await overflow(p);
      check(o2.by <= 0 && fit.right <= fit.viewport && fit.scroll <= 0,
        `${theme} ${width}px: the decision table fits the panel, Style and Overall on screen (${JSON.stringify(fit)}, page overflow ${o2.by} px ${o2.culprit})`);
      if (width === 1000 && theme === 'dark') await p.screenshot({ path: path.join(out, 'decision-dark.png'), fullPage: true });
      const probe = await p.evaluate(() => ({ pwned: window.__pwned, bad: document.querySelectorAll('#app script, #app img, #app iframe, #app a').length, text: document.getElementById('app').textContent }));
      check(probe.pwned === undefined && probe.bad === 0 && probe.text.includes("ap-southeast-2 <script>window.__pwned='region'</script>") && !errors.length,
        `${theme} ${width}px: hostile ids, rules and regions stay inert text (${errors.join('; ')})`);
      await ctx.close();
    }
  }
}

async function reportChecks(browser, report, check, out) {
  // A variant whose name is longer than the old label column, as in the bundled example.
  const long = 'sim-baseline · support.concise.prompt.yml';
  const r = JSON.parse(JSON.stringify(report));
  const ts = r.testSets[0];
  ts.variants.push({ ...ts.variants[0], systemId: long, difference: { mean: 0.09, median: 0.09, lo: -0.006, hi: 0.185 } });
  ts.variantDecisions.push({ ...ts.variantDecisions[0], systemId: long, overall: 'pass' });
  const html = renderReportHtml(r);
  fs.writeFileSync(path.join(out, 'report.html'), html);
  const ctx = await browser.newContext({ viewport: { width: 800, height: 900 } });
  const p = await ctx.newPage();
  await p.setContent(html);
  const o = await overflow(p);
  check(o.by <= 0, `HTML report at 800 px: no horizontal overflow (${o.by} px ${o.culprit})`);
  const labels = await p.$$eval('svg g', (gs) => gs.map((g) => {
    const t = g.querySelector('text');
    const svg = g.ownerSVGElement;
    const box = t.getBBox();
    return { text: [...t.querySelectorAll('tspan')].map((s) => s.textContent).join(' '), inside: box.x >= 0 && box.x + box.width <= svg.viewBox.baseVal.width };
  }));
  const names = [...ts.rows.filter((x) => x.difference).map((x) => x.systemId), ...ts.variants.filter((x) => x.difference).map((x) => x.systemId)];
  const whole = (n) => labels.some((l) => l.text.replace(/\s+/g, '') === n.replace(/\s+/g, '') && l.inside);
  check(names.every(whole) && labels.every((l) => !l.text.includes('…')), `HTML report at 800 px: every plotted name is whole and inside its plot (${labels.map((l) => l.text).join(' | ')})`);
  check(await p.locator('.legend li').count() >= 3 && (await p.textContent('body')).includes('FAIL: breaks at least one rule'), 'HTML report: the same legend as the panel');
  // The panel's cost and latency chart: every bar inside its SVG, every name whole, the bars in the legend's colours.
  const chart = await p.$$eval('svg.cost-chart-svg', (svgs) => svgs.map((svg) => {
    const w = svg.viewBox.baseVal.width;
    const inside = (el) => { const b = el.getBBox(); return b.x >= 0 && b.x + b.width <= w; };
    return {
      names: [...svg.querySelectorAll('text.row-label')].map((t) => ({ text: [...t.querySelectorAll('tspan')].map((x) => x.textContent).join(''), inside: inside(t) })),
      bars: [...svg.querySelectorAll('rect')].map((r) => ({ cls: r.getAttribute('class'), fill: getComputedStyle(r).fill, inside: inside(r) })),
      shown: svg.getBoundingClientRect().right <= document.documentElement.clientWidth,
    };
  }));
  const charted = [...ts.rows, ...ts.variants].filter((x) => x.costPer1k !== undefined || x.medianLatencyMs !== undefined).length;
  // The verdict legend's swatch colours (protocol/legend STATUS_STYLE, as the report's CSS sets them).
  const legendColour = Object.fromEntries(await Promise.all(['pass', 'fail', 'unknown'].map(async (st) => [st, await p.$eval(`.legend .sw-${st}`, (e) => getComputedStyle(e).backgroundColor)])));
  const coloured = chart.flatMap((c) => c.bars).filter((b) => /overall-(pass|fail|unknown)/.test(b.cls));
  check(chart.length >= 1 && chart.every((c) => c.shown && c.names.every((n) => n.inside) && c.bars.every((b) => b.inside))
    && chart.flatMap((c) => c.names).length >= charted && coloured.length > 0
    && coloured.every((b) => b.fill === legendColour[/overall-(\w+)/.exec(b.cls)[1]]),
  `HTML report at 800 px: the cost and latency chart fits, names whole, bars in the legend's colours (${JSON.stringify(chart.map((c) => c.names.map((n) => n.text)))})`);
  check(await p.locator('.chart-legend li').count() >= 4, 'HTML report: the chart has its colour legend');
  check(await p.evaluate(() => window.__pwned) === undefined, 'HTML report: hostile strings stay inert');
  await p.screenshot({ path: path.join(out, 'report-800.png'), fullPage: true });
  await ctx.close();
}

export async function verdictFirstChecks({ browser, base, check, out, report }) {
  await panelChecks(browser, base, check, out);
  await reportChecks(browser, report, check, out);
}
