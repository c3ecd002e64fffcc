// The CSV report: one line per system × test set (baseline, candidates and variants) with the numbers and
// the decision, for spreadsheets. Formula-like text is neutralised (see csvField).
import { shownPoint, type ComparisonReport, type DecisionRow, type SystemRow } from '../../protocol/comparison';
import { csvField } from './format';

const HEAD = ['testSet', 'kind', 'systemId', 'candidateId', 'model', 'prompt', 'parentPrompt', 'n', 'pairedN', 'judgedRate',
  'estimate', 'estimateLo', 'estimateHi', 'difference', 'differenceLo', 'differenceHi', 'pBetter', 'pHolm', 'idkRate', 'idkDifference',
  'idkDifferenceLo', 'idkDifferenceHi', 'schemaFailureRate', 'badStyleRate', 'medianLatencyMs', 'medianWords', 'inputTokens', 'outputTokens',
  'cost', 'costPer1k', 'errors', 'noVerdict', 'schema', 'idk', 'latency', 'correctness', 'style', 'overall'];

function line(testSet: string, kind: string, r: SystemRow, d: DecisionRow | undefined): string {
  const values: (string | number | boolean | undefined)[] = [testSet, kind, r.systemId, r.candidateId, r.model, r.prompt, r.parentPrompt, r.n, r.pairedN,
    r.judgedRate, r.estimate && shownPoint(r.estimate), r.estimate?.lo, r.estimate?.hi, r.difference && shownPoint(r.difference), r.difference?.lo, r.difference?.hi, r.pBetter, r.pHolm,
    r.idkRate, r.idkDifference?.mean, r.idkDifference?.lo, r.idkDifference?.hi, r.schemaFailureRate, r.badStyleRate, r.medianLatencyMs, r.medianWords,
    r.inputTokens, r.outputTokens, r.cost, r.costPer1k, r.errors, r.noVerdict,
    d?.schema.status, d?.idk.status, d?.latency.status, d?.correctness.status, d?.style.status, d?.overall];
  return values.map(csvField).join(',');
}

/** The comparison as CSV (CRLF line ends, as RFC 4180 asks). */
export function renderCsv(r: ComparisonReport): string {
  const lines = [HEAD.join(',')];
  for (const ts of r.testSets) {
    for (const row of ts.rows) lines.push(line(ts.testSetId, row.isBaseline ? 'baseline' : 'candidate', row, ts.decisions.find((d) => d.systemId === row.systemId)));
    for (const row of ts.variants) lines.push(line(ts.testSetId, 'variant', row, ts.variantDecisions?.find((d) => d.systemId === row.systemId)));
  }
  return lines.join('\r\n') + '\r\n';
}
