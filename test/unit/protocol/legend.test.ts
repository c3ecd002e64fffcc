import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { countsAsLabel, failingRules, labelCountText, labelCounts, labelLines, mergedNotes, STATUS_ORDER, STATUS_STYLE } from '../../../src/protocol/legend';
import type { DecisionRow } from '../../../src/protocol/comparison';

suite('shared legend (protocol/legend)', () => {
  test('the panel stylesheet colours each status with the theme colour the legend names', () => {
    const css = fs.readFileSync(path.join(__dirname, '../../../webview/main.css'), 'utf8');
    for (const st of STATUS_ORDER) {
      assert.match(css, new RegExp(`\\.status-${st} \\{ --status-color: var\\(--vscode-${STATUS_STYLE[st].themeColor}`), st);
      assert.match(css, new RegExp(`\\.overall-${st} \\.point \\{ fill: var\\(--vscode-${STATUS_STYLE[st].themeColor}`), `forest ${st}`);
    }
  });

  test('failing rules in words, in table order; none when every rule passes', () => {
    const ok = { status: 'pass' as const, detail: 'fine' };
    const d: DecisionRow = { systemId: 'x', schema: ok, idk: ok, latency: { status: 'fail', detail: 'median 2100 ms vs 1000 ms = ×2.10 > ×1.5' }, correctness: ok,
      style: { status: 'unknown', detail: 'no outputs' }, overall: 'fail' };
    assert.deepEqual(failingRules(d).map((w) => w.text), ['Speed: median 2100 ms vs 1000 ms = ×2.10 > ×1.5', 'Style: no outputs']);
    assert.deepEqual(failingRules({ ...d, latency: ok, style: ok, overall: 'pass' }), []);
  });

  test('one label definition: answered, correct or incorrect, with a verdict; the rest counted apart', () => {
    assert.equal(countsAsLabel({ label: 'correct', idk: false, verdict: 1 }), true);
    assert.equal(countsAsLabel({ label: 'incorrect', idk: false, verdict: 1 }), true);
    assert.equal(countsAsLabel({ label: 'correct', idk: true, verdict: 1 }), false, 'IDK outputs are not labelled');
    assert.equal(countsAsLabel({ label: 'unsure', idk: false, verdict: 0 }), false);
    assert.equal(countsAsLabel({ label: 'correct', idk: false, verdict: null }), false, 'no verdict: not compared');
    const c = labelCounts({ tp: 100, fn: 20, fp: 10, tn: 20, unsure: 3, unmatched: 15, idkLabels: 0 });
    assert.deepEqual(c, { labels: 150, unsure: 3, idk: 0, unmatched: 15, lines: 168 });
    assert.equal(labelCountText(c), '150 labels (not counted: 3 unsure, 15 of outputs no longer compared)');
  });

  test('repeated notes merge into one naming every system; a system\'s own name does not keep them apart', () => {
    const few = (who: string) => ({ code: 'few', severity: 'warning' as const, message: `Too few labels on ${who}.` });
    const merged = mergedNotes([{ systemId: 'sim-a', notes: [few('sim-a')] }, { systemId: 'sim-b', notes: [few('sim-b')] }, { systemId: 'a', notes: [{ code: 'x', severity: 'error', message: 'a alone' }] }]);
    assert.deepEqual(merged.map((m) => [m.systems.join(','), m.note.message]), [['sim-a,sim-b', 'Too few labels on this system.'], ['a', 'a alone']]);
  });

  test('plot labels are wrapped, never cut: every character is kept', () => {
    const name = 'sim-baseline · support.concise.prompt.yml';
    const lines = labelLines(name);
    assert.ok(lines.length > 1 && lines.every((l) => l.length <= 30));
    assert.equal(lines.join(' '), name);
    const long = 'x'.repeat(75);
    assert.equal(labelLines(long).join(''), long);
  });
});
