// The framework's decision table (steps 2, 4 and 5) per candidate × test set, and the selection (step 6)
// over all test sets. Pure functions of the comparison's numbers and the project's thresholds.
import type { Candidate, DecisionConfig, ProjectFile } from '../project/types';
import { shownPoint, type CellStatus, type ComparisonReport, type CoverSet, type DecisionCell, type DecisionRow, type Selection, type SystemRow, type TestSetComparison, type Thresholds } from '../../protocol/comparison';
import { rangeInWords } from '../stats/verdict';
import { cheapestCover, EXACT_LIMIT, type CoverItem } from './setCover';

/** Thresholds used when the project file sets none (the values of the design's example project). */
export const DEFAULT_THRESHOLDS: Thresholds = { margin: 0.02, maxIdkIncrease: 0.03, maxLatencyRatio: 1.25, maxSchemaFailure: 0.02, maxBadStyle: 0.02 };

/** The project's thresholds with defaults filled in; `margin` may be overridden (CLI `--margin`). */
export function resolveThresholds(d: DecisionConfig, override: { margin?: number } = {}): Thresholds {
  return {
    margin: override.margin ?? d.nonInferiorityMargin ?? DEFAULT_THRESHOLDS.margin,
    maxIdkIncrease: d.maxIdkIncrease ?? DEFAULT_THRESHOLDS.maxIdkIncrease,
    maxLatencyRatio: d.maxLatencyRatio ?? DEFAULT_THRESHOLDS.maxLatencyRatio,
    maxSchemaFailure: d.maxSchemaFailure ?? DEFAULT_THRESHOLDS.maxSchemaFailure,
    maxBadStyle: d.maxBadStyle ?? DEFAULT_THRESHOLDS.maxBadStyle,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const pp = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)} pp`;
const unknown = (detail: string, threshold?: number): DecisionCell => ({ status: 'unknown', threshold, detail });

/**
 * Step 2: the observed schema-failure rate against its threshold (the paper eliminates on the rate seen). Replies
 * without a whole answer (cut at the token limit, empty) count as failures: the product could not use them either.
 */
export function schemaCell(row: SystemRow, t: Thresholds): DecisionCell {
  const unusable = row.unusableOutputs ?? 0;
  if (row.n === 0 && !unusable) return unknown('no outputs', t.maxSchemaFailure);
  const pass = row.schemaFailureRate <= t.maxSchemaFailure;
  const cut = unusable ? ` (${unusable} of them ${unusable === 1 ? 'a reply' : 'replies'} cut at the token limit or empty)` : '';
  return { status: pass ? 'pass' : 'fail', value: row.schemaFailureRate, threshold: t.maxSchemaFailure,
    detail: `${pct(row.schemaFailureRate)} schema failures${cut} ${pass ? '≤' : '>'} ${pct(t.maxSchemaFailure)}` };
}

/**
 * Steps 3–4, IDK: the threshold is the increase we tolerate. FAIL when the increase is significant (interval
 * above 0) and its estimate exceeds the tolerance; PASS when the estimate is within the tolerance; UNKNOWN
 * when the estimate exceeds it but the data cannot tell an increase from noise (more examples needed).
 * This keeps the paper's "eliminate on a significant increase" while not passing an estimate over the limit.
 */
export function idkCell(row: SystemRow, t: Thresholds): DecisionCell {
  const d = row.idkDifference;
  if (!d) return unknown('no IDK comparison (missing outputs)', t.maxIdkIncrease);
  const numbers = `${pp(d.mean)} [${pp(d.lo)}, ${pp(d.hi)}]`;
  if (d.mean <= t.maxIdkIncrease) return { status: 'pass', value: d.mean, threshold: t.maxIdkIncrease, detail: `IDK ${numbers}, within ${pp(t.maxIdkIncrease)}` };
  if (d.lo > 0) return { status: 'fail', value: d.mean, threshold: t.maxIdkIncrease, detail: `IDK ${numbers}: a significant increase over ${pp(t.maxIdkIncrease)}` };
  return { status: 'unknown', value: d.mean, threshold: t.maxIdkIncrease, detail: `IDK ${numbers}: above ${pp(t.maxIdkIncrease)} but not significant` };
}

/** Step 4, speed: the ratio of median latencies. */
export function latencyCell(row: SystemRow, reference: SystemRow | undefined, t: Thresholds): DecisionCell {
  const a = reference?.medianLatencyMs;
  const b = row.medianLatencyMs;
  if (a === undefined || b === undefined || !(a > 0)) return unknown('no latency for one of the systems', t.maxLatencyRatio);
  const ratio = b / a;
  const pass = ratio <= t.maxLatencyRatio;
  return { status: pass ? 'pass' : 'fail', value: ratio, threshold: t.maxLatencyRatio,
    detail: `median ${Math.round(b)} ms vs ${Math.round(a)} ms = ×${ratio.toFixed(2)} ${pass ? '≤' : '>'} ×${t.maxLatencyRatio}` };
}

/**
 * Step 4, correctness (METHOD §7): the candidate's verdict, shown first. better / non-inferior pass (the interval's
 * lower end above −margin, Holm-adjusted across the test set's candidates); worse and inconclusive fail; "do not
 * act on this number" (an assumption is known to fail) and no estimate are UNKNOWN: the interval must not be acted on.
 */
export function correctnessCell(row: SystemRow, t: Thresholds): DecisionCell {
  const d = row.difference;
  const error = row.notes.find((n) => n.severity === 'error');
  const how = row.estimator && row.estimator !== 'none' ? ` (${row.estimator})` : '';
  if (!d) return unknown(row.verdict === 'inconclusive' && row.estimatorReason ? `inconclusive: no estimate, ${row.estimatorReason}${row.resolve ? `; ${row.resolve}` : ''}` : error ? error.message : 'no calibrated difference', -t.margin);
  const numbers = `${pp(shownPoint(d))} [${pp(d.lo)}, ${pp(d.hi)}]${how}`;
  if (row.verdict === 'do-not-act' || (!row.verdict && error)) {
    return { status: 'unknown', value: d.lo, threshold: -t.margin, detail: `do not act on this number: ${rangeInWords(d.lo, d.hi)}${how}; ${error?.message ?? 'an assumption fails'}` };
  }
  const holm = row.pHolm !== undefined ? `, Holm p = ${row.pHolm.toFixed(3)}` : '';
  const pass = row.nonInferior ?? d.lo > -t.margin;
  if (row.verdict === 'inconclusive' || (!pass && row.verdict !== 'worse')) {
    return { status: 'fail', value: d.lo, threshold: -t.margin,
      detail: `inconclusive: ${rangeInWords(d.lo, d.hi)}${how}${row.resolve ? `; ${row.resolve}` : ''}${holm}` };
  }
  const verdict = row.verdict ?? (pass ? 'non-inferior' : 'worse');
  return { status: pass ? 'pass' : 'fail', value: d.lo, threshold: -t.margin,
    detail: pass ? `${verdict}: ${numbers}, lower end above ${pp(-t.margin)}${holm}` : `${verdict}: ${numbers}${holm}` };
}

/** Step 5: the bad-style rate (answered outputs with at least one style finding). */
export function styleCell(row: SystemRow, t: Thresholds): DecisionCell {
  if (row.n === 0) return unknown('no outputs', t.maxBadStyle);
  const pass = row.badStyleRate <= t.maxBadStyle;
  const worst = Object.entries(row.styleRules).sort((a, b) => b[1] - a[1])[0];
  const rule = !pass && worst && worst[1] > 0 ? ` (most: ${worst[0]} ${pct(worst[1])})` : '';
  return { status: pass ? 'pass' : 'fail', value: row.badStyleRate, threshold: t.maxBadStyle,
    detail: `${pct(row.badStyleRate)} bad style ${pass ? '≤' : '>'} ${pct(t.maxBadStyle)}${rule}` };
}

/** FAIL if any rule fails, else UNKNOWN if any is unknown, else PASS. */
export function overallOf(cells: readonly DecisionCell[]): CellStatus {
  if (cells.some((c) => c.status === 'fail')) return 'fail';
  if (cells.some((c) => c.status === 'unknown')) return 'unknown';
  return 'pass';
}

/** One row of the decision table: `row` against its `reference` (the baseline, or a variant's parent). */
export function decideRow(row: SystemRow, reference: SystemRow | undefined, t: Thresholds): DecisionRow {
  const schema = schemaCell(row, t);
  const idk = idkCell(row, t);
  const latency = latencyCell(row, reference, t);
  const correctness = correctnessCell(row, t);
  const style = styleCell(row, t);
  return { systemId: row.systemId, candidateId: row.candidateId, verdict: row.verdict, schema, idk, latency, correctness, style,
    overall: overallOf([schema, idk, latency, correctness, style]) };
}

/** The decision tables of one test set (candidates vs baseline; variants vs their parent on the same model). */
export function decideTestSet(ts: TestSetComparison, t: Thresholds): { decisions: DecisionRow[]; variantDecisions: DecisionRow[] } {
  const baseline = ts.rows.find((r) => r.isBaseline);
  const decisions = ts.rows.filter((r) => !r.isBaseline).map((r) => decideRow(r, baseline, t));
  const parentRow = (v: SystemRow): SystemRow | undefined => {
    // The parent is a row of this test set when it is the baseline prompt, else another variant row.
    const same = (r: SystemRow): boolean => r.candidateId === v.candidateId && r.prompt === v.parentPrompt;
    return ts.rows.find(same) ?? ts.variants.find(same);
  };
  return { decisions, variantDecisions: ts.variants.map((v) => decideRow(v, parentRow(v), t)) };
}

/** Cost basis of the selection, in words (shown in reports). */
export const PRICE_BASIS = 'USD per 1000 requests: measured cost per output on the baseline prompt (stored costs, else tokens × the candidate\'s price), averaged over test sets';

/** Requirement keys of the project: `region:<r>` and `modality:<m>`. */
export function requirements(d: DecisionConfig): string[] {
  return [...(d.requiredRegions ?? []).map((r) => `region:${r}`), ...(d.requiredModalities ?? []).map((m) => `modality:${m}`)];
}

const coversOf = (c: Candidate): string[] => [...(c.regions ?? []).map((r) => `region:${r}`), ...(c.modalities ?? []).map((m) => `modality:${m}`)];

/**
 * Step 6: candidates that pass on every compared test set form the pool; the cheapest irredundant set of
 * them covering every required region and modality is the selection, with up to three runners-up.
 * The baseline model is not in the pool: it is the model being replaced.
 */
export function selectCandidates(report: ComparisonReport, project: Pick<ProjectFile, 'candidates' | 'decision'>, baselineId: string | undefined): Selection {
  const required = requirements(project.decision);
  const eligible = project.candidates.filter((c) => c.id !== baselineId && report.testSets.length > 0
    && report.testSets.every((ts) => ts.decisions.some((d) => d.systemId === c.id && d.overall === 'pass')));
  const items: CoverItem[] = eligible.map((c) => {
    const rows = report.testSets.map((ts) => ts.rows.find((r) => r.systemId === c.id));
    const costs = rows.map((r) => r?.costPer1k).filter((x): x is number => x !== undefined);
    const diffs = rows.map((r) => r?.difference && shownPoint(r.difference)).filter((x): x is number => x !== undefined);
    return { id: c.id, covers: coversOf(c), cost: costs.length ? costs.reduce((a, b) => a + b, 0) / costs.length : undefined,
      quality: diffs.length ? diffs.reduce((a, b) => a + b, 0) / diffs.length : 0 };
  });
  const base = { required, eligible: eligible.map((c) => c.id), priceBasis: PRICE_BASIS, runnersUp: [] };
  if (eligible.length === 0) {
    const failing = report.testSets.length === 0 ? 'no test set was compared' : 'no candidate passes every rule on every test set';
    return { ...base, reason: `No selection: ${failing}.` };
  }
  const r = cheapestCover(items, required);
  if (!r.best) {
    const names = r.uncovered.map((k) => k.replace(/^region:/, 'region ').replace(/^modality:/, 'modality '));
    return { ...base, reason: `No selection: no passing candidate covers ${names.join(', ')}.` };
  }
  const toSet = (s: { ids: string[]; cost: number; covers: string[]; unpriced: string[] }) =>
    ({ candidates: s.ids, cost: s.cost, covers: s.covers, ...(s.unpriced.length ? { unpriced: s.unpriced } : {}), serving: servingOf(s.ids, items, required) });
  return { ...base, best: toSet(r.best), runnersUp: r.runnersUp.slice(0, 3).map(toSet),
    ...(r.exact ? {} : { reason: `More than ${EXACT_LIMIT} passing candidates: the set was found greedily and may not be the cheapest.` }) };
}

/**
 * Which member of a set serves each requirement: the cheapest member that covers it (a priced one before an
 * unpriced one), with its cost per 1000 requests. With nothing required, each member serves "all requests".
 */
export function servingOf(ids: readonly string[], items: readonly CoverItem[], required: readonly string[]): NonNullable<CoverSet['serving']> {
  const members = ids.map((id) => items.find((i) => i.id === id)!).filter(Boolean);
  if (required.length === 0) return members.map((m) => ({ requirement: 'all requests', candidate: m.id, ...(m.cost !== undefined ? { costPer1k: m.cost } : {}) }));
  return required.flatMap((req) => {
    const best = members.filter((m) => m.covers.includes(req)).sort((a, b) => (a.cost ?? Infinity) - (b.cost ?? Infinity) || (a.id < b.id ? -1 : 1))[0];
    return best ? [{ requirement: req, candidate: best.id, ...(best.cost !== undefined ? { costPer1k: best.cost } : {}) }] : [];
  });
}

/** Fills the decision tables of every test set and the selection, in place. */
export function applyDecisions(report: ComparisonReport, project: Pick<ProjectFile, 'candidates' | 'decision' | 'baseline'>, t: Thresholds): ComparisonReport {
  for (const ts of report.testSets) {
    const d = decideTestSet(ts, t);
    ts.decisions = d.decisions;
    ts.variantDecisions = d.variantDecisions;
    for (const row of [...d.decisions, ...d.variantDecisions]) {
      const c = project.candidates.find((x) => x.id === row.candidateId);
      if (c) row.covers = coversOf(c);
    }
  }
  report.thresholds = t;
  report.selection = selectCandidates(report, project, report.testSets[0]?.baselineId ?? project.baseline?.candidate);
  return report;
}
