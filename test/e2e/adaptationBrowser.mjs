// Browser test of the panel's Adaptation view in the REAL webview bundle (Debian's Chromium, the panel's CSP, a
// fake host): the variants render with both parts' figures and the Pareto plot; a hostile rewriter rationale,
// rule id and "why" stay inert text; Diff and Adopt post their requests, and the view shows the adopted row after
// refreshing; "nothing beat the parent" is said plainly with the best interval; the decision view's action on a
// failing candidate asks the host to adapt for it. Screenshots in light and dark.
//   node test/e2e/adaptationBrowser.mjs [outDir=test-results/adaptation]     (build first: node esbuild.mjs)
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, outDir, ROOT, startServer, THEMES } from './webviewHarness.mjs';

const OUT = outDir(process.argv[2] ?? path.join(ROOT, 'test-results/adaptation'));
const report = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/webview/report.json'), 'utf8'));
const hostile = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/webview/hostile.json'), 'utf8'));

const figures = (c, idk, style) => ({ n: 36, correctness: c, idkRate: idk, badStyleRate: style, schemaFailureRate: 0 });
const variant = (tag, strategy, extra) => ({ tag, file: `prompts/support.${tag}.prompt.yml`, strategy, round: 1, rules: [], onFront: true, verdict: 'inconclusive', ...extra });
/** Two adaptations: one where nothing beat the parent (hostile model text in it), one with an accepted variant. */
const adaptations = [
  { id: 'support-sim-verbose-1a2b3c4d', prompt: 'prompts/support.prompt.yml', candidateId: 'sim-verbose', strategies: ['guide', 'reflect', 'style'], rewriter: 'demo:sim-rewriter',
    spent: { calls: 512, usd: 0.0123 }, parentObjectives: { correctness: 0.72, idkRate: 0.05, badStyleRate: 0.7, promptChars: 900 }, anyAccepted: false, updatedAt: '2026-12-04T05:00:00.000Z',
    headline: 'Nothing beat the parent on the sealed part with evidence; undecided: style-1 (no evidence of gain …).',
    notWritten: [{ strategy: 'reflect', round: 2, reason: `unreadable: ${hostile[0]}` }],
    variants: [
      variant('style-1', 'style', { rationale: 'Tell the model not to open with "according to".', objectives: { correctness: 0.74, idkRate: 0.05, badStyleRate: 0, promptChars: 1010 },
        why: 'no evidence of gain: support correctness inconclusive: between 11 pp worse and 17 pp better',
        optimisation: [{ testSetId: 'support', variant: figures(0.74, 0.05, 0), parent: figures(0.72, 0.05, 0.7) }],
        sealed: [{ testSetId: 'support', difference: { mean: 0.028, lo: -0.11, hi: 0.17 }, variant: figures(0.75, 0.06, 0), parent: figures(0.72, 0.05, 0.71) }] }),
      variant('guide-1', 'guide', { rationale: hostile.join(' '), rules: [hostile[1]], objectives: { correctness: 0.8, idkRate: 0.2, badStyleRate: 0.6, promptChars: 1400 },
        verdict: 'rejected', why: `support idk: ${hostile[2]}`,
        optimisation: [{ testSetId: 'support', variant: figures(0.8, 0.2, 0.6), parent: figures(0.72, 0.05, 0.7) }],
        sealed: [{ testSetId: 'support', difference: { mean: -0.02, lo: -0.15, hi: 0.1 }, variant: figures(0.7, 0.22, 0.6), parent: figures(0.72, 0.05, 0.71) }] }),
      variant('reflect-1', 'reflect', { rationale: hostile[4], objectives: { correctness: 0.7, idkRate: 0.06, badStyleRate: 0.7, promptChars: 1200 }, onFront: false,
        verdict: 'not-evaluated', why: 'off the Pareto front', optimisation: [], sealed: [] }),
    ],
    best: { tag: 'style-1', sealed: [{ testSetId: 'support', difference: { mean: 0.028, lo: -0.11, hi: 0.17 }, variant: figures(0.75, 0.06, 0), parent: figures(0.72, 0.05, 0.71) }] } },
  // On the fixture comparison's own candidate and prompts, so the cost column has both rows to read.
  { id: 'qa-model-a-9f8e7d6c', prompt: 'prompts/qa.prompt.yml', candidateId: 'model-a', strategies: ['reflect'], spent: { calls: 90, usd: 0.001 },
    parentObjectives: { correctness: 0.5, idkRate: 0.3, badStyleRate: 0, promptChars: 900 }, anyAccepted: true, updatedAt: '2026-12-04T04:00:00.000Z',
    headline: 'One variant beats the parent on the sealed part: reflect-1 (support correctness +9.0 pp [+2.0 pp, +16.0 pp]).', notWritten: [],
    variants: [variant('reflect-1', 'reflect', { file: 'prompts/qa.concise.prompt.yml', rationale: 'Answer whenever the sources contain the answer.', objectives: { correctness: 0.6, idkRate: 0.1, badStyleRate: 0, promptChars: 980 },
      verdict: 'accepted', why: 'support correctness +9.0 pp [+2.0 pp, +16.0 pp]', adoptedAs: 'model-a.qa.concise',
      optimisation: [{ testSetId: 'support', variant: figures(0.6, 0.1, 0), parent: figures(0.5, 0.3, 0) }],
      sealed: [{ testSetId: 'support', difference: { mean: 0.09, lo: 0.02, hi: 0.16 }, variant: figures(0.59, 0.12, 0), parent: figures(0.5, 0.3, 0) }] })] },
];

/** Runs in the page: answers like the extension host (Adopt marks the variant adopted, as the reloaded project would). */
function fakeHost(report, adaptations, win) {
  const log = [];
  let state;
  const handlers = {
    getComparison: () => report,
    getAdaptations: () => adaptations,
    openVariantDiff: () => true,
    adaptFor: () => true,
    adoptVariant: (p) => {
      const v = adaptations.find((a) => a.id === p.adaptationId).variants.find((x) => x.tag === p.tag);
      v.adoptedAs = `sim-verbose.support.${p.tag}`;
      return { candidateId: v.adoptedAs, added: true };
    },
  };
  const api = {
    postMessage(m) {
      log.push(m);
      if (m.type === 'ready') { setTimeout(() => win.postMessage({ type: 'init', report }, '*'), 0); return; }
      if (m.type === 'request') setTimeout(() => win.postMessage({ type: 'response', id: m.id, result: handlers[m.method](m.params) }, '*'), 0);
    },
    getState() { return state; },
    setState(s) { state = s; },
  };
  return { api, log };
}

const { base, server } = await startServer(`window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
const fh = (${fakeHost.toString()})(${JSON.stringify(report)}, ${JSON.stringify(adaptations)}, window);
window.__hostLog = fh.log; window.acquireVsCodeApi = () => fh.api;`);

const failures = [];
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures.push(what); };
const browser = await launchBrowser();
const requests = (p, method) => p.evaluate((m) => window.__hostLog.filter((x) => x.method === m).map((x) => x.params), method);
try {
  for (const theme of ['light', 'dark']) {
    const ctx = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
    const p = await ctx.newPage();
    const errors = [], dialogs = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    p.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await p.goto(`${base}?theme=${theme}`);
    await p.waitForSelector('#app[data-first-paint-ms]');
    await p.click('[data-view=adaptation]');
    await p.waitForSelector('table.adaptation-variants');
    await p.screenshot({ path: path.join(OUT, `adaptation-${theme}.png`), fullPage: true });
    check(THEMES[theme] !== undefined && await p.locator('section.adaptation-record').count() === 2, `${theme}: both adaptations render`);
    const first = p.locator('section[data-adaptation="support-sim-verbose-1a2b3c4d"]');
    check(await first.locator('tbody tr').count() === 3, `${theme}: one row per variant`);
    check(await first.locator('.pareto-point').count() === 4 && await first.locator('.pareto-point.parent').count() === 1, `${theme}: the Pareto plot has the parent and each measured variant`);
    if (theme === 'light') { await ctx.close(); check(!errors.length && !dialogs.length, 'light: no page errors or dialogs'); continue; }

    // Both parts side by side, the deltas on the sealed part, the plain outcome with the best interval.
    const style = first.locator('tr[data-tag="style-1"]');
    check((await style.locator('.opt-figures').textContent()) === '74.0% vs 72.0%' && (await style.locator('.sealed-figures').textContent()).includes('Δ +2.8 pp [−11.0 pp, +17.0 pp]'),
      'optimisation and sealed figures side by side, with the sealed interval');
    check((await style.locator('.delta-style').textContent()) === '−71.0 pp' && (await style.locator('.delta-idk').textContent()) === '+1.0 pp', 'Δstyle and ΔIDK on the sealed part');
    const outcome = await first.locator('.adapt-outcome').textContent();
    check(outcome.includes('Nothing beat the parent on the sealed part.') && outcome.includes('The best variant, style-1: support +2.8 pp [−11.0 pp, +17.0 pp] in correctness'), `nothing beat the parent, said plainly with the best interval (${outcome.slice(0, 120)})`);
    check((await p.locator('section[data-adaptation="qa-model-a-9f8e7d6c"] .adapt-outcome').textContent()).includes('One variant beats the parent'), 'an accepted variant is reported as such');
    const second = p.locator('section[data-adaptation="qa-model-a-9f8e7d6c"]');
    check((await second.locator('.adopted').textContent()) === 'adopted as model-a.qa.concise', 'an adopted variant says so instead of offering Adopt');
    check((await second.locator('td.cost').textContent()) === '$0.4900 vs $0.5320' && (await style.locator('td.cost').textContent()) === '—',
      'cost per 1k requests of the variant vs the parent, from the comparison (— when it has no such row)');

    // Hostile model text stays text: nothing executes, no element is created from it.
    await first.locator('tr[data-tag="guide-1"] details.rationale summary').click();
    check((await first.locator('tr[data-tag="guide-1"] .rationale-text').textContent()) === hostile.join(' '), 'the hostile rationale shows literally');
    check((await first.locator('tr[data-tag="guide-1"] .variant-rules').textContent()) === `rules: ${hostile[1]}`, 'a hostile rule id shows literally');
    const injected = await p.evaluate(() => ({ pwned: window.__pwned, scripts: document.querySelectorAll('script').length, imgs: document.querySelectorAll('.adaptation img, .adaptation iframe, .adaptation a, .adaptation style').length }));
    check(injected.pwned === undefined && injected.scripts === 2 && injected.imgs === 0, `nothing executed or injected (${JSON.stringify(injected)})`);

    // Diff and Adopt post their requests; the view refreshes and shows the new row's id.
    await style.locator('text=Diff').click();
    await p.waitForFunction(() => window.__hostLog.some((m) => m.method === 'openVariantDiff'));
    check(JSON.stringify((await requests(p, 'openVariantDiff'))[0]) === JSON.stringify({ adaptationId: 'support-sim-verbose-1a2b3c4d', tag: 'style-1' }), 'Diff asks the host for that variant');
    await p.click('#adopt-support-sim-verbose-1a2b3c4d-style-1');
    await p.waitForSelector('tr[data-tag="style-1"] .adopted');
    check(JSON.stringify(await requests(p, 'adoptVariant')) === JSON.stringify([{ adaptationId: 'support-sim-verbose-1a2b3c4d', tag: 'style-1' }]), 'Adopt posts adoptVariant once for that variant');
    check((await p.textContent('.status')).includes('Added candidate sim-verbose.support.style-1'), 'the status line names the new candidate');
    check((await requests(p, 'getAdaptations')).length >= 2, 'the view asks for the adaptations again after adopting');
    await p.screenshot({ path: path.join(OUT, 'adaptation-adopted-dark.png'), fullPage: true });

    // The decision view: a failing candidate's row offers "Adapt the prompt for …", which asks the host.
    await p.click('[data-view=decision]');
    await p.waitForSelector('table.verdicts');
    await p.click('text=Adapt the prompt for model-b');
    await p.waitForFunction(() => window.__hostLog.some((m) => m.method === 'adaptFor'));
    check(JSON.stringify((await requests(p, 'adaptFor'))[0]) === JSON.stringify({ candidateId: 'model-b' }), 'the decision action asks the host to adapt for model-b');
    const rows = await p.$$eval('table.verdicts tbody tr', (trs) => trs.map((tr) => ({ overall: tr.getAttribute('data-overall'), action: (tr.querySelector('.row-actions')?.textContent ?? '').includes('Adapt the prompt for') })));
    check(rows.length > 0 && rows.every((r) => r.action === (r.overall === 'fail')), `only failing rows offer the action (${JSON.stringify(rows)})`);
    await p.screenshot({ path: path.join(OUT, 'decision-action-dark.png'), fullPage: false });
    check(!(await p.evaluate(() => window.__csp)).length, 'no CSP violations');
    check(!errors.length && !dialogs.length, `dark: no page errors or dialogs (${errors.join('; ')})`);
    await ctx.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(failures.length ? `\n${failures.length} check(s) failed` : `\nall adaptation view checks passed; screenshots in ${path.relative(ROOT, OUT)}`);
process.exit(failures.length ? 1 : 0);
