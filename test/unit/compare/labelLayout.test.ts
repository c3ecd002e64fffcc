import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { buildComparison } from '../../../src/core/compare';
import { compareSystems, statesFromStrings, type Confusion, type EstimatorChoice } from '../../../src/core/stats';
import { labelCounts, runBatchLine, type BatchDataset, type BatchResult } from '../../../src/core/stats/batch';
import { humanLabelCorrelation } from '../../../src/core/stats/labelLayout';
import { outputHash } from '../../../src/core/runner/hash';
import type { LabelRecord, ResponseRecord, VerdictRecord } from '../../../src/core/store/records';
import { runDir, writeManifest } from '../../../src/core/store/runs';
import { shownPoint, type SystemRow } from '../../../src/protocol/comparison';
import { makeCompareFixture, type SystemSpec } from './fixture';

// The comparison built from a store passes the label layout (which questions are labelled on which system), so the
// panel, reports and `prompt-adapt compare` give the numbers `stats compare --batch` gives for the same data. The batch
// line is written here from the store's own records, independently of the comparison's reading of them.

const SYSTEMS: Record<string, SystemSpec> = {
  base: { correct: 0.7, idk: 0.1, latencyMs: 1000, badStyle: 0 },
  good: { correct: 0.85, idk: 0.08, latencyMs: 800, badStyle: 0 },
  // Refuses often: many baseline labels sit on questions where it said IDK, and some of its labels are on IDK outputs.
  idky: { correct: 0.45, idk: 0.4, latencyMs: 900, badStyle: 0 },
};
const CANDIDATES = Object.keys(SYSTEMS).map((id) => `  - { id: ${id}, endpoint: demo, model: ${id}-1 }`);
const N = 200;

interface Output { state: '1' | '0' | 'i'; truth: 0 | 1; hash: string }

const readJsonl = <T>(file: string): T[] => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);

/** Each system's outputs in example order, from the run's files: the state (IDK, or the judge's verdict) and the truth built in. */
function outputsOf(root: string): Map<string, Output[]> {
  const dir = path.join(root, 'runs', 'R1');
  const verdicts = new Map(readJsonl<VerdictRecord>(path.join(dir, 'verdicts.jsonl')).map((v) => [`${v.candidateId}/${v.exampleId}`, v.verdict]));
  const out = new Map<string, Output[]>();
  for (const r of readJsonl<ResponseRecord>(path.join(dir, 'responses.jsonl'))) {
    const list = out.get(r.candidateId) ?? [];
    out.set(r.candidateId, list);
    const idk = r.output!.includes('<cannot_answer/>');
    list[Number(r.exampleId.slice(1))] = { state: idk ? 'i' : verdicts.get(`${r.candidateId}/${r.exampleId}`) === 1 ? '1' : '0',
      truth: !idk && r.output!.includes('right answer') ? 1 : 0, hash: r.outputHash! };
  }
  return out;
}

/** Labels every output of `system` on the questions `which` picks (IDK outputs too: both paths leave those out). */
function labelsFor(outputs: Map<string, Output[]>, system: string, which: (i: number) => boolean): LabelRecord[] {
  return outputs.get(system)!.flatMap((o, i) => which(i)
    ? [{ outputHash: o.hash, exampleId: `q${i}`, candidateId: system, label: o.truth ? 'correct' : 'incorrect', reviewer: 'r1', at: '' } as LabelRecord] : []);
}

/** The batch line of baseline `base` against `candidate`: states in example order, labels by question index. */
function batchLine(outputs: Map<string, Output[]>, labels: readonly LabelRecord[], candidate: string): BatchDataset {
  const states = (id: string): string => outputs.get(id)!.map((o) => o.state).join('');
  const labelled = (system: 'baseline' | 'candidate', id: string): [string, number, number][] => labels.filter((l) => l.candidateId === id)
    .map((l) => [system, Number(l.exampleId.slice(1)), l.label === 'correct' ? 1 : 0]);
  return { id: candidate, baseline: states('base'), candidate: states(candidate), labels: [...labelled('baseline', 'base'), ...labelled('candidate', candidate)] };
}

/** A store with the given labels, and the rows its comparison gives with an estimator. */
async function storeWith(which: Record<string, (i: number) => boolean>): Promise<{ root: string; outputs: Map<string, Output[]>; labels: LabelRecord[];
  rows: (estimator: EstimatorChoice) => Promise<Map<string, SystemRow>> }> {
  const f = makeCompareFixture({ n: N, systems: SYSTEMS, candidates: CANDIDATES, decision: [], labelsPerSystem: 0 });
  const outputs = outputsOf(f.root);
  const labels = Object.entries(which).flatMap(([system, pick]) => labelsFor(outputs, system, pick));
  fs.writeFileSync(path.join(f.root, 'labels', 't.jsonl'), labels.map((x) => JSON.stringify(x)).join('\n') + '\n');
  const rows = async (estimator: EstimatorChoice): Promise<Map<string, SystemRow>> => {
    const r = await buildComparison(f.project, { estimator, draws: 2000, seed: 3 });
    return new Map(r.testSets[0]!.rows.map((x) => [x.systemId, x]));
  };
  return { root: f.root, outputs, labels, rows };
}

const same = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-12, `${what}: ${actual} is not ${expected}`);

/** METHOD §5/§6 as written (no layout), on the batch line's counts. */
function methodAsWritten(d: BatchDataset, estimator: EstimatorChoice): { lo: number; hi: number } {
  const c = labelCounts(d);
  const own = (x: Confusion): Confusion | undefined => (x.tp + x.fn + x.fp + x.tn > 0 ? x : undefined);
  const r = compareSystems(estimator, { states: statesFromStrings(d.baseline, d.candidate), baselineLabels: own(c.baseline), candidateLabels: own(c.candidate) });
  return r.difference!;
}

suite('compare: labels on the same questions (the label layout from the store)', () => {
  test('ppi++ and human-only from the store equal `stats compare --batch` on the same data, IDK-adjacent labels included', async () => {
    // Baseline labelled on even questions, candidates on every third: every sixth question is labelled on both.
    const s = await storeWith({ base: (i) => i % 2 === 0, good: (i) => i % 3 === 0, idky: (i) => i % 3 === 0 });
    for (const estimator of ['ppi++', 'human-only'] as const) {
      const rows = await s.rows(estimator);
      for (const candidate of ['good', 'idky']) {
        const line = batchLine(s.outputs, s.labels, candidate);
        const what = `${estimator}, ${candidate}`;
        const c = labelCounts(line);
        assert.ok(c.layout.tp.tp + c.layout.tp.tn + c.layout.tn.tp + c.layout.tn.tn + c.layout.fp.tp + c.layout.tp.fp > 10, `${what}: questions labelled on both`);
        if (candidate === 'idky') {
          const besideIdk = Object.values(c.layout).reduce((sum, row) => sum + row.idk, 0);
          assert.ok(besideIdk >= 10 && c.idkLabels >= 10, `${what}: baseline labels beside the candidate's IDK, and labels on IDK outputs`);
        }
        const batch = runBatchLine(JSON.stringify(line), 1, estimator, { level: 0.9 }) as BatchResult;
        const row = rows.get(candidate)!;
        assert.equal(row.estimator, estimator);
        assert.deepEqual(row.labels, c.candidate, `${what}: the same labels counted`);
        assert.equal(row.pairedN, N);
        same(shownPoint(row.difference!), batch.difference!.point, `${what} point`);
        same(row.difference!.lo, batch.difference!.lo, `${what} lo`);
        same(row.difference!.hi, batch.difference!.hi, `${what} hi`);
        // The layout matters here: METHOD's formulas as written give another interval — for human-only, whenever the
        // (continuity-shrunk) correlation of the labels on shared questions is not 0.
        const method = methodAsWritten(line, estimator);
        const differs = Math.abs(method.hi - method.lo - (row.difference!.hi - row.difference!.lo)) > 1e-4;
        const correlated = estimator === 'ppi++' || humanLabelCorrelation(c.layout).phi !== 0;
        if (estimator === 'human-only' && candidate === 'good') assert.ok(correlated, `${what}: the shared labels are correlated`);
        assert.equal(differs, correlated,
          `${what}: the store's interval ${row.difference!.lo}..${row.difference!.hi} against METHOD's as written (${method.lo}..${method.hi})`);
      }
    }
  });

  test('with no question labelled on both systems, human-only is METHOD §6 exactly', async () => {
    // Baseline on even questions, candidates on odd ones.
    const s = await storeWith({ base: (i) => i % 2 === 0, good: (i) => i % 2 === 1, idky: (i) => i % 2 === 1 });
    const rows = await s.rows('human-only');
    for (const candidate of ['good', 'idky']) {
      const method = methodAsWritten(batchLine(s.outputs, s.labels, candidate), 'human-only');
      same(rows.get(candidate)!.difference!.lo, method.lo, `${candidate} lo`);
      same(rows.get(candidate)!.difference!.hi, method.hi, `${candidate} hi`);
    }
  });

  test('a label on a question the other system has no verdict for cannot be placed: METHOD\'s formulas, as before', async () => {
    const s = await storeWith({ base: (i) => i % 2 === 0, good: (i) => i % 3 === 0, idky: (i) => i % 3 === 0 });
    // good's latest output on q0 (labelled on both) is a new one, not judged yet: the baseline's label there has no pair.
    const output = '<response><answer>A new answer.</answer></response>';
    writeManifest(s.root, { version: 1, runId: 'R9', planKey: 'R9', status: 'complete', createdAt: '2026-02-01T00:00:00.000Z', updatedAt: '', prompt: { path: 'prompts/qa.prompt.yml' },
      testSet: { id: 't' }, candidates: [], counts: { requested: 0, cached: 0, resumed: 0, errors: 0, skipped: 0 }, inputTokens: 0, outputTokens: 0, cost: 0, issues: [] });
    fs.writeFileSync(path.join(runDir(s.root, 'R9'), 'responses.jsonl'), JSON.stringify({ exampleId: 'q0', candidateId: 'good', model: 'good-1', requestHash: 'x',
      output, outputHash: outputHash(output), latencyMs: 800, at: '' } satisfies ResponseRecord) + '\n');
    const row = (await s.rows('ppi++')).get('good')!;
    assert.equal(row.pairedN, N - 1);
    // Expected: the 199 other questions, the baseline's labels all counted, good's q0 label gone with its output.
    const line = batchLine(s.outputs, s.labels.filter((l) => !(l.candidateId === 'good' && l.exampleId === 'q0')), 'good');
    const c = labelCounts(line);
    const method = compareSystems('ppi++', { states: statesFromStrings(line.baseline.slice(1), line.candidate.slice(1)), baselineLabels: c.baseline, candidateLabels: c.candidate });
    same(row.difference!.lo, method.difference!.lo, 'lo');
    same(row.difference!.hi, method.difference!.hi, 'hi');
  });
});
