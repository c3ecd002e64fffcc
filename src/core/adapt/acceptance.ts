// Acceptance: each surviving variant against its parent on the same candidate, on the SEALED part of every
// test set, by the project's calibrated comparison and decision rules (correctness, IDK, style, schema,
// latency). The optimisation part's figures are read the same way and shown beside them, so a variant that
// only looked good on what the rewriter saw is plain to see. "Nothing beat the parent" is a result.
import { compareProject } from '../compare/buildComparison';
import { DEFAULT_THRESHOLDS } from '../decision/decisionTable';
import type { ComparisonReport, DecisionRow, SystemRow, Thresholds } from '../../protocol/comparison';
import type { ProjectFile } from '../project/types';
import type { PartFigures, VariantEntry, VariantVerdict } from './record';
import type { TestSetSplit } from './split';

const figures = (r: SystemRow | undefined): PartFigures => ({
  n: r?.n ?? 0, ...(r?.estimate ? { correctness: r.estimate.mean } : {}), idkRate: r?.idkRate ?? 0, badStyleRate: r?.badStyleRate ?? 0,
  schemaFailureRate: r?.schemaFailureRate ?? 0, ...(r?.medianLatencyMs !== undefined ? { medianLatencyMs: r.medianLatencyMs } : {}),
});

/** The parts of every test set as the comparison's example filter. */
export function partFilter(splits: readonly TestSetSplit[], part: 'optimisation' | 'sealed'): Map<string, Set<string>> {
  return new Map(splits.map((s) => [s.testSetId, new Set(part === 'sealed' ? s.sealed : s.optimisation)]));
}

/** The comparison of everything in the store, restricted to one part of every test set. */
export function compareOnPart(project: ProjectFile, splits: readonly TestSetSplit[], part: 'optimisation' | 'sealed'): Promise<ComparisonReport> {
  return compareProject(project, { onlyExamples: partFilter(splits, part) });
}

/** The row of (prompt, candidate) in a test set's comparison: a candidate row or a variant row. */
export function rowOf(report: ComparisonReport, testSetId: string, prompt: string, candidateId: string): SystemRow | undefined {
  const ts = report.testSets.find((t) => t.testSetId === testSetId);
  const same = (r: SystemRow): boolean => r.candidateId === candidateId && r.prompt === prompt;
  return ts?.rows.find(same) ?? ts?.variants.find(same);
}

const pp = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)} pp`;

/** What got better against the parent on a sealed part, if anything (in words). */
function gains(v: SystemRow, parent: SystemRow, t: Thresholds): string[] {
  const out: string[] = [];
  if (v.difference && v.difference.lo > 0) out.push(`correctness ${pp(v.difference.mean)} [${pp(v.difference.lo)}, ${pp(v.difference.hi)}]`);
  if (parent.badStyleRate > t.maxBadStyle && v.badStyleRate <= t.maxBadStyle) out.push(`style ${(100 * parent.badStyleRate).toFixed(0)}% → ${(100 * v.badStyleRate).toFixed(0)}% bad`);
  if (parent.schemaFailureRate > t.maxSchemaFailure && v.schemaFailureRate <= t.maxSchemaFailure) out.push(`schema failures ${(100 * parent.schemaFailureRate).toFixed(0)}% → ${(100 * v.schemaFailureRate).toFixed(0)}%`);
  if (v.idkDifference && v.idkDifference.hi < 0) out.push(`IDK ${pp(v.idkDifference.mean)}`);
  return out;
}

const CELLS = ['correctness', 'idk', 'style', 'schema', 'latency'] as const;

/** The verdict on one variant from the sealed-part and optimisation-part comparisons. */
export function judgeVariant(v: VariantEntry, parentPrompt: string, candidateId: string, sealed: ComparisonReport, optimisation: ComparisonReport, splits: readonly TestSetSplit[]): VariantVerdict {
  const verdict: VariantVerdict = { tag: v.tag, verdict: 'not-evaluated', why: '', sealed: [], optimisation: [] };
  const fails: string[] = [];
  const unknown: string[] = [];
  const inconclusive: string[] = [];
  const got: string[] = [];
  for (const split of splits) {
    const id = split.testSetId;
    const vs = rowOf(sealed, id, v.file, candidateId);
    const ps = rowOf(sealed, id, parentPrompt, candidateId);
    if (split.optimisation.length) verdict.optimisation.push({ testSetId: id, variant: figures(rowOf(optimisation, id, v.file, candidateId)), parent: figures(rowOf(optimisation, id, parentPrompt, candidateId)) });
    const d: DecisionRow | undefined = vs && sealed.testSets.find((t) => t.testSetId === id)?.variantDecisions?.find((x) => x.systemId === vs.systemId);
    if (!vs || !ps || !d) { unknown.push(`${id}: not run on the sealed part`); continue; }
    verdict.sealed.push({ testSetId: id, ...(vs.difference ? { difference: { mean: vs.difference.mean, lo: vs.difference.lo, hi: vs.difference.hi } } : {}),
      cells: Object.fromEntries(CELLS.map((k) => [k, d[k].status])), variant: figures(vs), parent: figures(ps) });
    for (const k of CELLS) {
      // An inconclusive correctness interval is no evidence either way, not a failure: it is reported as such.
      if (k === 'correctness' && vs.verdict === 'inconclusive') inconclusive.push(`${id} correctness ${d[k].detail}`);
      else if (d[k].status === 'fail') fails.push(`${id} ${k}: ${d[k].detail}`);
      else if (d[k].status === 'unknown') unknown.push(`${id} ${k}: ${d[k].detail}`);
    }
    got.push(...gains(vs, ps, sealed.thresholds ?? DEFAULT_THRESHOLDS).map((g) => `${id} ${g}`));
  }
  if (verdict.sealed.length === 0) return { ...verdict, why: unknown.join('; ') || 'no sealed part was run' };
  if (fails.length) return { ...verdict, verdict: 'rejected', why: fails.join('; ') };
  if (inconclusive.length) {
    const also = [...unknown, ...got];
    return { ...verdict, verdict: 'inconclusive', why: `no evidence of gain: ${inconclusive.join('; ')}${also.length ? ` (also: ${also.join('; ')})` : ''}` };
  }
  if (unknown.length) return { ...verdict, verdict: 'no-gain', why: `undecided: ${unknown.join('; ')}` };
  if (got.length === 0) return { ...verdict, verdict: 'no-gain', why: 'passes every rule against the parent but improves nothing measurably' };
  return { ...verdict, verdict: 'accepted', why: got.join('; ') };
}

/** One sentence for the whole adaptation: what beat the parent, or plainly that nothing did. */
export function headline(verdicts: readonly VariantVerdict[]): string {
  const accepted = verdicts.filter((v) => v.verdict === 'accepted');
  if (accepted.length) return `${accepted.length === 1 ? 'One variant beats' : `${accepted.length} variants beat`} the parent on the sealed part: ${accepted.map((v) => `${v.tag} (${v.why})`).join('; ')}.`;
  const open = verdicts.filter((v) => v.verdict === 'inconclusive');
  if (open.length) return `Nothing beat the parent on the sealed part with evidence; undecided: ${open.map((v) => `${v.tag} (${v.why})`).join('; ')}.`;
  const withDiff = verdicts.flatMap((v) => v.sealed.filter((s) => s.difference).map((s) => ({ tag: v.tag, s })));
  if (withDiff.length === 0) return 'Nothing beat the parent on the sealed part: no variant reached an evaluation there.';
  const best = withDiff.sort((a, b) => b.s.difference!.mean - a.s.difference!.mean)[0]!;
  const d = best.s.difference!;
  return `Nothing beat the parent on the sealed part. The best variant, ${best.tag}, differs by ${pp(d.mean)} [${pp(d.lo)}, ${pp(d.hi)}] in correctness on ${best.s.testSetId}.`;
}
