// The JUnit XML report for CI: one test case per candidate × test set (and per prompt variant), failed when
// its overall decision is FAIL and skipped when it is UNKNOWN (the data cannot decide it yet).
import type { ComparisonReport, DecisionRow } from '../../protocol/comparison';
import { cellText, escapeHtml as x, STATUS_WORD, VERDICT_TEXT } from './format';

function testCase(suite: string, d: DecisionRow): string {
  const cells = (['schema', 'idk', 'latency', 'correctness', 'style'] as const).map((k) => `${k}: ${cellText(d[k])}`);
  // METHOD §7: the verdict is the first thing a CI log shows for the candidate.
  const verdict = d.verdict ? `verdict: ${VERDICT_TEXT[d.verdict]}` : undefined;
  const body = [verdict, ...cells].filter(Boolean).join('\n');
  const open = `    <testcase classname="${x(`prompt-adapt.${suite}`)}" name="${x(d.systemId)}"`;
  if (d.overall === 'pass') return `${open}><system-out>${x(body)}</system-out></testcase>`;
  const failed = (['schema', 'idk', 'latency', 'correctness', 'style'] as const).filter((k) => d[k].status === d.overall);
  const message = `${verdict ? `${verdict}; ` : ''}${STATUS_WORD[d.overall]}: ${failed.map((k) => `${k} (${d[k].detail})`).join('; ')}`;
  return d.overall === 'fail'
    ? `${open}><failure message="${x(message)}" type="decision">${x(body)}</failure></testcase>`
    : `${open}><skipped message="${x(message)}"/><system-out>${x(body)}</system-out></testcase>`;
}

function suiteXml(name: string, rows: readonly DecisionRow[]): string {
  const failures = rows.filter((d) => d.overall === 'fail').length;
  const skipped = rows.filter((d) => d.overall === 'unknown').length;
  return `  <testsuite name="${x(name)}" tests="${rows.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${
    rows.map((d) => testCase(name, d)).join('\n')}\n  </testsuite>`;
}

/** The decision tables as JUnit XML. */
export function renderJunit(r: ComparisonReport): string {
  const suites: { name: string; rows: DecisionRow[] }[] = [];
  for (const ts of r.testSets) {
    suites.push({ name: ts.testSetId, rows: ts.decisions });
    if (ts.variantDecisions?.length) suites.push({ name: `${ts.testSetId}.variants`, rows: ts.variantDecisions });
  }
  const all = suites.flatMap((s) => s.rows);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${x(`prompt-adapt compare ${r.project}`)}" tests="${all.length}" failures="${
    all.filter((d) => d.overall === 'fail').length}" skipped="${all.filter((d) => d.overall === 'unknown').length}">\n${
    suites.map((s) => suiteXml(s.name, s.rows)).join('\n')}\n</testsuites>\n`;
}
