// Writes the bundled example's human labels: examples/support-qa/.prompt-adapt/labels/support.jsonl.
// They are SIMULATED reviewer labels: no person wrote them. For a sample of the outputs the simulated
// models give on the baseline prompt, the label is the simulation's known truth, with a little human
// noise (about 3% of labels wrong, 2% "unsure"), as a careful reviewer would produce. An output is
// correct when it gives the expected answer in a reply the product can read: "I don't know" and replies
// that break the output format are labelled incorrect, as the correctness metrics score them.
//
// The sample is a simple random sample of 60 answered outputs per system (enough for ppi++, which needs no assumption on the judge) (broken outputs included; IDK outputs
// are never offered for labelling, METHOD §1 v2: they are incorrect by definition), so the judge's error rates
// estimated from it are unbiased. It is deliberately not stratified on the judge's verdicts: picking outputs
// by verdict would skew the estimated TPR and FPR.
//
//   node --import tsx scripts/demo/makeLabels.ts [--check]
// --check only compares the committed file with what would be written (exit 1 when they differ).
import fs from 'node:fs';
import path from 'node:path';
import { appendLabel, labelsPath } from '../../src/core/store/labels';
import { parseOutput } from '../../src/core/answer/parse';
import { loadPromptFile } from '../../src/core/prompt/load';
import type { LabelRecord } from '../../src/core/store/records';
import { outputHash } from '../../src/core/runner/hash';
import { MODELS, draw, modelReply, outcome, promptMode, xmlShape } from './simulation';
import { supportExamples } from './supportData';

export const EXAMPLE_DIR = path.resolve(import.meta.dirname, '../../examples/support-qa');
const STORE = path.join(EXAMPLE_DIR, '.prompt-adapt');
const TEST_SET = 'support';
const PER_SYSTEM = 60;
const REVIEWERS = ['sim-reviewer-a', 'sim-reviewer-b'];
const NOTE = 'simulated reviewer label (scripts/demo/makeLabels.ts)';

/** The labels, in file order. Deterministic: the same simulation always gives the same file. */
export async function simulatedLabels(): Promise<LabelRecord[]> {
  const { prompt } = await loadPromptFile(path.join(EXAMPLE_DIR, 'prompts/support.prompt.yml'));
  const system = prompt.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
  const mode = promptMode(system);
  const shape = xmlShape(system);
  const examples = supportExamples();
  const labels: LabelRecord[] = [];
  const start = Date.parse('2026-02-02T09:00:00Z');
  for (const model of Object.keys(MODELS)) {
    const order = [...examples].sort((a, b) => draw('label-sample', model, a.id) - draw('label-sample', model, b.id));
    const answered = order.map((ex) => ({ ex, output: modelReply(model, ex, mode, shape) })).filter((x) => !parseOutput(x.output, prompt.adapt.output).idk);
    for (const { ex, output } of answered.slice(0, PER_SYSTEM)) {
      const truth = outcome(model, MODELS[model]!, ex, mode) === 'correct' && parseOutput(output, prompt.adapt.output).schemaValid;
      const noise = draw('reviewer-noise', model, ex.id);
      const label = noise < 0.02 ? 'unsure' : noise < 0.05 ? (truth ? 'incorrect' : 'correct') : truth ? 'correct' : 'incorrect';
      labels.push({
        outputHash: outputHash(output), exampleId: ex.id, candidateId: model, label,
        reviewer: REVIEWERS[draw('reviewer', model, ex.id) < 0.5 ? 0 : 1], note: NOTE,
        at: new Date(start + labels.length * 47_000).toISOString(),
      });
    }
  }
  return labels;
}

/** The file's expected text. */
export async function labelsText(): Promise<string> {
  return (await simulatedLabels()).map((l) => JSON.stringify(l)).join('\n') + '\n';
}

async function main(): Promise<void> {
  const file = labelsPath(STORE, TEST_SET);
  if (process.argv.includes('--check')) {
    const same = fs.existsSync(file) && fs.readFileSync(file, 'utf8') === await labelsText();
    console.log(same ? `${path.relative(process.cwd(), file)} is up to date` : `${path.relative(process.cwd(), file)} differs from the simulation; run scripts/demo/makeLabels.ts`);
    process.exitCode = same ? 0 : 1;
    return;
  }
  const labels = await simulatedLabels();
  fs.rmSync(file, { force: true });
  for (const l of labels) appendLabel(STORE, TEST_SET, l);
  const count = (k: string): number => labels.filter((l) => l.label === k).length;
  console.log(`wrote ${labels.length} simulated reviewer labels to ${path.relative(process.cwd(), file)}: `
    + `${count('correct')} correct, ${count('incorrect')} incorrect, ${count('unsure')} unsure`);
}

if (process.argv[1] && /makeLabels\.[cm]?[jt]s$/u.test(process.argv[1])) void main();
