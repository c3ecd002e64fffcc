// A small generated project with a store: prompts (one variant), runs, verdicts and human labels whose
// systems differ by design, so tests can check that the comparison finds what was built in.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LabelRecord, ResponseRecord, VerdictRecord } from '../../../src/core/store/records';
import { outputHash } from '../../../src/core/runner/hash';
import { runDir, writeManifest } from '../../../src/core/store/runs';

/** How one simulated system behaves. */
export interface SystemSpec {
  /** True correctness rate. */
  correct: number;
  idk: number;
  latencyMs: number;
  /** Fraction of answers that say "according to the sources". */
  badStyle: number;
  /** Fraction of outputs that break the XML schema. */
  broken?: number;
  /** Requests that failed. */
  errors?: number;
}

export interface FixtureOptions {
  n?: number;
  systems?: Record<string, SystemSpec>;
  /** Systems of the variant prompt `qa.v2.prompt.yml`. */
  variantSystems?: Record<string, SystemSpec>;
  /** Labelled outputs per system. */
  labelsPerSystem?: number;
  /** Judge true/false positive rates. */
  tpr?: number;
  fpr?: number;
  /** Extra lines of the project file's decision section. */
  decision?: string[];
  candidates?: string[];
}

export const DEFAULT_SYSTEMS: Record<string, SystemSpec> = {
  base: { correct: 0.7, idk: 0.1, latencyMs: 1000, badStyle: 0 },
  good: { correct: 0.85, idk: 0.08, latencyMs: 800, badStyle: 0 },
  idky: { correct: 0.7, idk: 0.4, latencyMs: 900, badStyle: 0 },
  slow: { correct: 0.85, idk: 0.1, latencyMs: 2000, badStyle: 0 },
  wordy: { correct: 0.85, idk: 0.1, latencyMs: 900, badStyle: 0.3 },
};

export const DEFAULT_CANDIDATES = [
  '  - { id: base, endpoint: demo, model: base-1, regions: [us-east-1], price: { inputPerMTok: 1, outputPerMTok: 4 } }',
  '  - { id: good, endpoint: demo, model: good-1, regions: [us-east-1, eu-central-1], price: { inputPerMTok: 0.5, outputPerMTok: 2 } }',
  '  - { id: idky, endpoint: demo, model: idky-1, regions: [ap-southeast-2], price: { inputPerMTok: 0.1, outputPerMTok: 0.4 } }',
  '  - { id: slow, endpoint: demo, model: slow-1, regions: [ap-southeast-2], price: { inputPerMTok: 3, outputPerMTok: 15 } }',
  '  - { id: wordy, endpoint: demo, model: wordy-1, regions: [eu-central-1], price: { inputPerMTok: 0.2, outputPerMTok: 0.8 } }',
];

/** Deterministic uniform numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PROMPT = (extra: string[] = []): string => [
  'name: QA', 'model: openai/gpt-4o-mini', 'messages:', '  - role: user', '    content: "{{context}} {{question}}"',
  'adapt:', ...extra, '  output: { format: xml, answer: response.answer, idk: response.cannot_answer }', ''].join('\n');

/** Writes the project into a fresh temp directory and returns the project file's path. */
export function makeCompareFixture(o: FixtureOptions = {}): { dir: string; project: string; root: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-compare-'));
  const root = path.join(dir, '.prompt-adapt');
  const n = o.n ?? 200;
  fs.mkdirSync(path.join(dir, 'prompts'));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'prompts', 'qa.prompt.yml'), PROMPT());
  fs.writeFileSync(path.join(dir, 'prompts', 'qa.v2.prompt.yml'), PROMPT(['  variantOf: qa.prompt.yml']));
  fs.writeFileSync(path.join(dir, 'data', 't.jsonl'), Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: `q${i}`, context: `c${i}`, question: `q${i}?`, answer: `a${i}` })).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'prompt-adapt.yml'), [
    'baseline: { prompt: prompts/qa.prompt.yml, candidate: base }',
    'candidates:', ...(o.candidates ?? DEFAULT_CANDIDATES),
    'testSets:', '  - { id: t, path: data/t.jsonl, fields: { id: id, context: context, question: question, groundTruth: answer } }',
    'metrics:', '  - { id: f1, kind: token-f1, threshold: 0.5 }',
    'style:', '  phrases: ["according to"]',
    'decision:', '  primaryMetric: f1', ...(o.decision ?? ['  requiredRegions: [us-east-1, eu-central-1]']), ''].join('\n'));
  const labels: LabelRecord[] = [];
  const tpr = o.tpr ?? 0.9;
  const fpr = o.fpr ?? 0.15;
  const writeRun = (runId: string, prompt: string, systems: Record<string, SystemSpec>, seed: number): void => {
    const ids = Object.keys(systems);
    writeManifest(root, {
      version: 1, runId, planKey: runId, status: 'complete', createdAt: `2026-01-0${seed}T00:00:00.000Z`, updatedAt: '', prompt: { path: prompt },
      testSet: { id: 't' }, candidates: ids.map((id) => ({ id, endpoint: 'demo', model: `${id}-1` })),
      counts: { requested: 0, cached: 0, resumed: 0, errors: 0, skipped: 0 }, inputTokens: 0, outputTokens: 0, cost: 0, issues: [],
    });
    const responses: ResponseRecord[] = [];
    const verdicts: VerdictRecord[] = [];
    for (const id of ids) {
      const s = systems[id]!;
      const r = rng(seed * 1000 + id.length * 7 + id.charCodeAt(0));
      let labelled = 0;
      for (let i = 0; i < n; i++) {
        const exampleId = `q${i}`;
        if (r() < (s.errors ?? 0)) {
          responses.push({ exampleId, candidateId: id, model: `${id}-1`, requestHash: `${id}${i}`, error: { kind: 'transient', message: 'boom' }, at: '' });
          continue;
        }
        const idk = r() < s.idk;
        const truth = !idk && r() < s.correct / (1 - s.idk);
        const style = r() < s.badStyle ? 'According to the sources, ' : '';
        const broken = r() < (s.broken ?? 0);
        const answer = idk ? '<response><cannot_answer/></response>'
          : `<response><answer>${style}${truth ? "right" : "wrong"} answer ${i} from ${id}.</answer></response>`;
        const output = broken ? `${style}${truth ? 'right' : 'wrong'} answer ${i} (no tags)` : answer;
        const hash = outputHash(output);
        responses.push({ exampleId, candidateId: id, model: `${id}-1`, requestHash: `${id}${i}`, output, outputHash: hash,
          latencyMs: s.latencyMs * (0.8 + 0.4 * r()), inputTokens: 500, outputTokens: 50, at: '' });
        const verdict: 0 | 1 = idk ? 0 : (truth ? r() < tpr : r() < fpr) ? 1 : 0;
        verdicts.push({ exampleId, candidateId: id, metricId: 'f1', verdict, outputHash: hash, at: '' });
        if (labelled < (o.labelsPerSystem ?? 40) && i % 3 === 0) {
          labelled++;
          labels.push({ outputHash: hash, exampleId, candidateId: id, label: truth ? 'correct' : 'incorrect', reviewer: 'r1', at: '' });
        }
      }
    }
    fs.writeFileSync(path.join(runDir(root, runId), 'responses.jsonl'), responses.map((x) => JSON.stringify(x)).join('\n') + '\n');
    fs.writeFileSync(path.join(runDir(root, runId), 'verdicts.jsonl'), verdicts.map((x) => JSON.stringify(x)).join('\n') + '\n');
  };
  writeRun('R1', 'prompts/qa.prompt.yml', o.systems ?? DEFAULT_SYSTEMS, 1);
  if (o.variantSystems) writeRun('R2', 'prompts/qa.v2.prompt.yml', o.variantSystems, 2);
  fs.mkdirSync(path.join(root, 'labels'), { recursive: true });
  fs.writeFileSync(path.join(root, 'labels', 't.jsonl'), labels.map((x) => JSON.stringify(x)).join('\n') + '\n');
  return { dir, project: path.join(dir, 'prompt-adapt.yml'), root };
}
