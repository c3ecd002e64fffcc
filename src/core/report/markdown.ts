// The Markdown report (for pull requests and CI summaries) and the plain-text decision table the CLI prints.
import { shownPoint, type ComparisonReport, type DecisionRow, type Note, type Selection, type SystemRow, type TestSetComparison } from '../../protocol/comparison';
import { failingRules, labelCountText, labelCounts, LABEL_DEFINITION, mergedNotes, requirementWords, STATUS_ORDER, STATUS_STYLE } from '../../protocol/legend';
import { clean, escapeMarkdown as md, money, num, pct, pp, ppInterval, STATUS_WORD, VERDICT_TEXT } from './format';

const table = (head: string[], rows: string[][]): string[] =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];

const decisionCells = (d: DecisionRow): string[] =>
  [d.schema, d.idk, d.latency, d.correctness, d.style].map((c) => `**${STATUS_WORD[c.status]}** ${md(c.detail)}`);

function decisionTable(rows: readonly DecisionRow[]): string[] {
  return table(['System', 'Verdict', 'Schema', 'IDK', 'Latency', 'Correctness', 'Style', 'Overall'],
    rows.map((d) => [md(d.systemId), d.verdict ? `**${VERDICT_TEXT[d.verdict]}**` : '–', ...decisionCells(d), `**${STATUS_WORD[d.overall]}**`]));
}

/** One row per candidate, verdict first: overall status, statistics verdict, the failing rules in words, cost, what it serves. */
function verdictTable(decisions: readonly DecisionRow[], rows: readonly SystemRow[]): string[] {
  return table(['Candidate', 'Overall', 'Statistics verdict', 'Why', 'Cost / 1k', 'Serves'], decisions.map((d) => {
    const why = failingRules(d).map((w) => md(w.text)).join('; ');
    return [md(d.systemId), `**${STATUS_WORD[d.overall]}**`, d.verdict ? VERDICT_TEXT[d.verdict] : '–', why || 'passes every rule',
      money(rows.find((r) => r.systemId === d.systemId)?.costPer1k), d.covers?.map((c) => md(requirementWords(c))).join(', ') || '–'];
  }));
}

const legendLine = (): string => STATUS_ORDER.map((st) => `**${STATUS_STYLE[st].word}**: ${STATUS_STYLE[st].meaning}`).join(' · ');

function systemTable(rows: readonly SystemRow[], variants: boolean): string[] {
  return table([variants ? 'Variant' : 'System', 'n', 'Judged', 'Estimated', 'Difference [interval]', 'P(better)', 'Holm p', 'IDK', 'IDK change [interval]',
    'Schema failures', 'Bad style', 'Median latency', 'Median words', 'Tokens in / out', 'Cost / 1k'],
  rows.map((r) => [
    md(r.systemId) + (r.isBaseline ? ' (baseline)' : '') + (r.parentPrompt ? ` vs ${md(r.parentPrompt)}` : ''),
    String(r.n), pct(r.judgedRate), r.estimate ? `${pct(shownPoint(r.estimate))} [${pct(r.estimate.lo)}, ${pct(r.estimate.hi)}]` : '–',
    ppInterval(r.difference), num(r.pBetter, 3), num(r.pHolm, 3), pct(r.idkRate), ppInterval(r.idkDifference),
    pct(r.schemaFailureRate), pct(r.badStyleRate), r.medianLatencyMs === undefined ? '–' : `${num(r.medianLatencyMs)} ms`, num(r.medianWords),
    `${r.inputTokens} / ${r.outputTokens}`, money(r.costPer1k)]));
}

function styleTable(rows: readonly SystemRow[]): string[] {
  const rules = [...new Set(rows.flatMap((r) => Object.keys(r.styleRules)))];
  if (rules.length === 0) return [];
  return table(['System', ...rules.map(md)], rows.map((r) => [md(r.systemId), ...rules.map((id) => pct(r.styleRules[id]))]));
}

const noteLines = (notes: readonly Note[], where = ''): string[] =>
  notes.map((n) => `- **${n.severity}**${where ? ` (${md(where)})` : ''}: ${md(n.message)}`);

/** The selection in Markdown lines. */
export function selectionLines(s: Selection | undefined): string[] {
  if (!s) return ['No selection was computed.'];
  const out: string[] = [];
  if (s.required.length) out.push(`Required: ${s.required.map((k) => md(requirementWords(k))).join(', ')}.`);
  if (s.eligible) out.push(`Passing on every test set: ${s.eligible.length ? s.eligible.map(md).join(', ') : 'none'}.`);
  if (s.best) {
    out.push(`**Selected: ${s.best.candidates.map(md).join(' + ')}** (${money(s.best.cost)} per 1k requests${s.best.unpriced?.length ? `; no price for ${s.best.unpriced.map(md).join(', ')}` : ''}).`);
    for (const x of s.best.serving ?? []) out.push(`- ${md(requirementWords(x.requirement))}: served by ${md(x.candidate)}, ${x.costPer1k === undefined ? 'no price' : `${money(x.costPer1k)} per 1000 requests`}`);
    for (const [i, r] of s.runnersUp.entries()) out.push(`${i + 1}. Runner-up: ${r.candidates.map(md).join(' + ')} (${money(r.cost)} per 1k requests)`);
  }
  if (s.reason) out.push(md(s.reason));
  if (s.priceBasis) out.push(`_Cost: ${md(s.priceBasis)}._`);
  return out;
}

function testSetSection(ts: TestSetComparison): string[] {
  const out = [`## Test set ${md(ts.testSetId)}`, '',
    `${ts.n} examples with a baseline output; baseline ${md(ts.baselineId)}; metric ${md(ts.metricId ?? 'none')}; estimator ${md(ts.estimator)}; ` +
    `${Math.round(ts.level * 100)}% intervals; non-inferiority margin ${pp(-ts.margin)}.`, ''];
  if (ts.decisions.length) out.push('### Verdict per candidate', '', ...verdictTable(ts.decisions, ts.rows), '', legendLine(), '');
  if (ts.decisions.length) out.push('### Decision, rule by rule', '', ...decisionTable(ts.decisions), '');
  if (ts.rows.length) out.push('### Candidates against the baseline', '', ...systemTable(ts.rows, false), '');
  const style = styleTable(ts.rows);
  if (style.length) out.push('### Style rules (share of answered outputs)', '', ...style, '');
  const c = ts.calibration;
  if (c) {
    out.push('### Judge calibration', '', ...table(['Metric', 'TP', 'FN', 'FP', 'TN', 'TPR [interval]', 'FPR [interval]', 'P(TPR ≤ FPR)', 'Unsure', 'Unmatched'],
      [[md(c.metricId), String(c.tp), String(c.fn), String(c.fp), String(c.tn), `${pct(c.tpr.mean)} [${pct(c.tpr.lo)}, ${pct(c.tpr.hi)}]`,
        `${pct(c.fpr.mean)} [${pct(c.fpr.lo)}, ${pct(c.fpr.hi)}]`, num(c.pTprLeFpr, 3) + (c.uninformative ? ' (uninformative)' : ''), String(c.unsure), String(c.unmatched)]]), '');
    out.push(`Labels: ${labelCountText(labelCounts(c))}. _(${md(LABEL_DEFINITION)}.)_`, '');
    if (c.plan) out.push(`Planner: ${md(c.plan.message)}`, '');
    if (c.notes.length) out.push(...noteLines(c.notes, 'calibration'), '');
  }
  if (ts.variants.length) {
    out.push('### Prompt variants against their parent prompt', '', ...systemTable(ts.variants, true), '');
    if (ts.variantDecisions?.length) out.push(...decisionTable(ts.variantDecisions), '');
  }
  // One diagnostic repeated on several systems is one line naming them.
  const notes = [...noteLines(ts.notes), ...mergedNotes([...ts.rows, ...ts.variants], (n) => n.severity !== 'info').flatMap(({ note, systems }) => noteLines([note], systems.join(', ')))];
  if (notes.length) out.push('### Notes', '', ...notes, '');
  return out;
}

/** The whole report as Markdown. */
export function renderMarkdown(r: ComparisonReport): string {
  const t = r.thresholds;
  const out = [`# Model comparison: ${md(r.project)}`, '', `Computed ${md(r.generatedAt)} from runs ${r.runs.map((x) => md(x)).join(', ') || 'none'}.`, ''];
  if (t) {
    out.push(`Rules: schema failures ≤ ${pct(t.maxSchemaFailure)}; IDK increase ≤ ${pp(t.maxIdkIncrease)}; median latency ≤ ×${t.maxLatencyRatio} the baseline; ` +
      `correctness interval's lower end above ${pp(-t.margin)} (Holm-adjusted across candidates); bad style ≤ ${pct(t.maxBadStyle)}.`, '');
  }
  out.push('## Which candidates to use', '', ...selectionLines(r.selection), '');
  if (r.notes?.length) out.push(...noteLines(r.notes), '');
  for (const ts of r.testSets) out.push(...testSetSection(ts));
  return out.join('\n');
}

/** The decision tables and the selection as plain text for a terminal (no escaping beyond control characters). */
export function renderDecisionText(r: ComparisonReport): string {
  const out: string[] = [];
  const plain = (s: string): string => clean(s).replace(/[\r\n\t]+/gu, ' ');
  for (const ts of r.testSets) {
    out.push(`Test set ${plain(ts.testSetId)} (n = ${ts.n}, ${ts.estimator}, ${Math.round(ts.level * 100)}% intervals, margin ${pp(-ts.margin)})`);
    const rows = [...ts.decisions, ...(ts.variantDecisions ?? [])];
    const width = Math.max(8, ...rows.map((d) => plain(d.systemId).length));
    for (const d of rows) {
      // METHOD §7: the verdict comes first; "do not act" and inconclusive say so before any pass/fail.
      out.push(`  ${plain(d.systemId).padEnd(width)}  ${(d.verdict ? VERDICT_TEXT[d.verdict] : '').padEnd(13)}  ${STATUS_WORD[d.overall].padEnd(7)}  ` +
        (['schema', 'idk', 'latency', 'correctness', 'style'] as const).map((k) => `${k} ${STATUS_WORD[d[k].status]}`).join(', '));
      for (const k of ['schema', 'idk', 'latency', 'correctness', 'style'] as const) {
        if (d[k].status !== 'pass') out.push(`  ${''.padEnd(width)}    ${k}: ${plain(d[k].detail)}`);
      }
    }
    if (ts.calibration) out.push(`  labels: ${labelCountText(labelCounts(ts.calibration))}`);
    for (const n of ts.notes.filter((x) => x.severity !== 'info')) out.push(`  ${n.severity}: ${plain(n.message)}`);
    out.push('');
  }
  for (const n of r.notes ?? []) out.push(`${n.severity}: ${plain(n.message)}`);
  const s = r.selection;
  if (s?.best) {
    out.push(`Selected: ${s.best.candidates.map(plain).join(' + ')} (${money(s.best.cost)} per 1k requests)${s.required.length ? `, covering ${s.required.map((k) => plain(requirementWords(k))).join(', ')}` : ''}`);
    for (const x of s.best.serving ?? []) out.push(`  ${plain(requirementWords(x.requirement))}: ${plain(x.candidate)}, ${x.costPer1k === undefined ? 'no price' : `${money(x.costPer1k)} per 1000 requests`}`);
    for (const ru of s.runnersUp) out.push(`  runner-up: ${ru.candidates.map(plain).join(' + ')} (${money(ru.cost)} per 1k requests)`);
  }
  if (s?.reason) out.push(plain(s.reason));
  return out.join('\n');
}
