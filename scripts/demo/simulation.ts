// The SIMULATED models behind the bundled example. Nothing here is a real model: each simulated model name
// has a designed answer quality, "I don't know" tendency, latency and style habits, and every choice is
// drawn deterministically from a hash of (model, example, …), so the same request always gets the same
// reply. That is what lets the committed (simulated) reviewer labels match outputs by hash.
//
// Used by the simulated model server (replies), makeLabels.ts (the known truth) and the demo's check.
import { createHash } from 'node:crypto';
import { parseOutput } from '../../src/core/answer/parse';
import type { OutputSpec } from '../../src/core/prompt/types';
import { type SupportExample, supportExamples } from './supportData';

/** How one simulated answering model behaves. Rates are fractions in [0, 1]. */
export interface ModelProfile {
  /** Share of answerable questions it gets right (before the per-model jitter). */
  quality: number;
  /** When it would get an answerable question wrong: chance it says "I don't know" instead. */
  idkWhenUnsure: number;
  /** Chance it says "I don't know" to a question the article cannot answer (else it makes something up). */
  idkUnanswerable: number;
  /** Median latency, ms, and the spread of its log-normal distribution. */
  latencyMs: number;
  latencySpread: number;
  /** Chance an answer starts with a stock phrase ("According to the sources, …"). */
  stockPhrase?: number;
  /** Chance an answer ends with a long, chatty paragraph (too many words). */
  padding?: number;
  /** Chance the reply breaks the XML output format. */
  schemaBreak?: number;
  /** How it lays out the XML (0–6): models have their own whitespace habits, so their outputs differ byte for byte. */
  layout: number;
  /** One line for the README and the logs. */
  design: string;
}

/** The simulated answering models, by model name. */
export const MODELS: Readonly<Record<string, ModelProfile>> = {
  'sim-baseline': { quality: 0.68, layout: 0, idkWhenUnsure: 0.35, idkUnanswerable: 0.8, latencyMs: 600, latencySpread: 0.3,
    design: 'the model in production today: decent, moderately fast, expensive' },
  'sim-fast': { quality: 0.9, layout: 1, idkWhenUnsure: 0.35, idkUnanswerable: 0.85, latencyMs: 300, latencySpread: 0.3,
    design: 'better and twice as fast as the baseline; no EU region' },
  'sim-cheap': { quality: 0.88, layout: 2, idkWhenUnsure: 0.3, idkUnanswerable: 0.8, latencyMs: 450, latencySpread: 0.3,
    design: 'better than the baseline and the cheapest good model; no APAC region' },
  'sim-verbose': { quality: 0.88, layout: 3, idkWhenUnsure: 0.3, idkUnanswerable: 0.8, latencyMs: 620, latencySpread: 0.3,
    stockPhrase: 0.5, padding: 0.4, design: 'good answers, but says "According to the sources" and rambles (fails style)' },
  'sim-loose': { quality: 0.88, layout: 4, idkWhenUnsure: 0.3, idkUnanswerable: 0.8, latencyMs: 480, latencySpread: 0.3,
    schemaBreak: 0.15, design: 'good answers, but about one reply in seven breaks the XML format (fails schema)' },
  'sim-slow': { quality: 0.9, layout: 5, idkWhenUnsure: 0.3, idkUnanswerable: 0.9, latencyMs: 1400, latencySpread: 0.3,
    design: 'the most accurate, but more than twice as slow as the baseline (fails latency)' },
  'sim-tiny': { quality: 0.45, layout: 6, idkWhenUnsure: 0.8, idkUnanswerable: 0.6, latencyMs: 250, latencySpread: 0.3,
    design: 'very cheap and fast, but much less accurate and says "I don\'t know" far more often (fails IDK and correctness)' },
};

/** How a simulated judge errs: chance of "correct" for a truly correct answer (TPR) and for a wrong one (FPR). */
export interface JudgeProfile { context: { tpr: number; fpr: number }; contradiction: { tpr: number; fpr: number }; latencyMs: number }

export const JUDGES: Readonly<Record<string, JudgeProfile>> = {
  'sim-judge': { context: { tpr: 0.92, fpr: 0.15 }, contradiction: { tpr: 0.95, fpr: 0.35 }, latencyMs: 40 },
};

/** A prompt's instructions as the simulated models read them: two cues change their behaviour. */
export type PromptMode = 'plain' | 'concise' | 'strict';

/**
 * "At most two sentences" makes answers tighter and fixes some rambling mistakes; a grounding rule in
 * capitals ("NEVER …") makes models refuse far more often, also when the article has the answer.
 */
export function promptMode(system: string): PromptMode {
  if (/\bNEVER\b/u.test(system)) return 'strict';
  if (/at most two sentences/iu.test(system)) return 'concise';
  return 'plain';
}

/**
 * Specific instructions the simulated models follow (the adaptation demo's levers), each recognised by its
 * wording: told not to open with "according to", sim-verbose stops; told to keep answers under N words, it
 * stops padding; told to answer whenever the articles contain the answer, a model refuses less (sim-tiny
 * then gets some of those right, and also starts answering some questions the articles cannot answer).
 */
export interface PromptCues { noStockPhrase: boolean; brief: boolean; eager: boolean }

export const NO_CUES: PromptCues = { noStockPhrase: false, brief: false, eager: false };

export function promptCues(system: string): PromptCues {
  return {
    noStockPhrase: /\b(?:never|do not|don't|avoid)\b[^.\n]*according to/iu.test(system),
    brief: /\b(?:under|at most|no more than|fewer than)\s+\d+\s+words\b/iu.test(system),
    eager: /answer whenever the (?:articles|sources) contain the answer/iu.test(system),
  };
}

/** Uniform in [0, 1) from a hash of the parts: the simulator's only source of "randomness". */
export function draw(...parts: string[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0) / 2 ** 32;
}

let difficulties: Map<string, number> | undefined;

/**
 * Difficulty of an answerable example in (0, 1): its rank among the answerable examples by a hash, so the
 * difficulties are evenly spread and a model of quality q gets very nearly the share q right.
 */
export function difficulty(ex: SupportExample): number {
  if (!difficulties) {
    const answerable = supportExamples().filter((e) => e.answerable).sort((a, b) => draw('difficulty', a.id) - draw('difficulty', b.id));
    difficulties = new Map(answerable.map((e, i) => [e.id, (i + 0.5) / answerable.length]));
  }
  return difficulties.get(ex.id) ?? draw('difficulty', ex.id);
}

/** What a simulated model does with one example. */
export type Outcome = 'correct' | 'wrong' | 'idk';

/** Ground truth of the simulation for one (model, example, prompt mode). */
export function outcome(model: string, p: ModelProfile, ex: SupportExample, mode: PromptMode, cues: PromptCues = NO_CUES): Outcome {
  if (!ex.answerable) {
    if (mode === 'strict') return 'idk';
    return draw(model, ex.id, 'unanswerable') < p.idkUnanswerable * (cues.eager ? 0.6 : 1) ? 'idk' : 'wrong';
  }
  // A difficulty shared by all models (some questions are hard for everyone) plus a little per-model jitter.
  let correct = difficulty(ex) < p.quality;
  if (draw(model, ex.id, 'jitter') < 0.03) correct = !correct;
  if (mode === 'concise' && !correct && draw(model, ex.id, 'concise') < 0.35) correct = true;
  if (mode === 'strict') {
    if (draw(model, ex.id, 'strict') < (correct ? 0.22 : 0.8)) return 'idk';
  }
  if (correct) return 'correct';
  if (draw(model, ex.id, 'idk') >= p.idkWhenUnsure) return 'wrong';
  // Told to answer whenever the articles hold the answer, most refusals become answers, half of them right.
  if (cues.eager && draw(model, ex.id, 'eager') < 0.7) return draw(model, ex.id, 'eager-right') < 0.5 ? 'correct' : 'wrong';
  return 'idk';
}

const PADDING = 'I hope this helps you get the most out of your Kestrel thermostat. If anything is still unclear, our support team is always glad to walk you through the remaining steps in more detail, and the help centre has further guides on related topics that you may also find useful.';

/** The element names the prompt asks for (`<response><answer>…</answer></response>`, `<response><cannot_answer/></response>`). */
export interface XmlShape { root: string; answer: string; idk: string }

export function xmlShape(system: string): XmlShape {
  const answer = /<(\w+)>\s*<(\w+)>[^<]*<\/\2>\s*<\/\1>/u.exec(system);
  const idk = /<(\w+)>\s*<(\w+)\s*\/>\s*<\/\1>/u.exec(system);
  return { root: answer?.[1] ?? idk?.[1] ?? 'response', answer: answer?.[2] ?? 'answer', idk: idk?.[2] ?? 'cannot_answer' };
}

const escapeXml = (s: string): string => s.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** The reply text of a simulated model: deterministic in (model, example, prompt mode, XML shape). */
export function modelReply(model: string, ex: SupportExample, mode: PromptMode, shape: XmlShape, cues: PromptCues = NO_CUES): string {
  const p = MODELS[model];
  if (!p) throw new Error(`not a simulated model: ${model}`);
  const o = outcome(model, p, ex, mode, cues);
  if (o === 'idk') return layout(p.layout, shape.root, `<${shape.idk}${p.layout % 2 ? ' ' : ''}/>`);
  let text = o === 'correct' ? ex.answer : ex.wrong;
  if (p.stockPhrase && !cues.noStockPhrase && draw(model, ex.id, 'phrase') < p.stockPhrase) text = `According to the sources, ${lowerFirst(text)}`;
  if (p.padding && mode !== 'concise' && !cues.brief && draw(model, ex.id, 'padding') < p.padding) text = `${text} ${PADDING}`;
  if (p.schemaBreak && draw(model, ex.id, 'schema') < p.schemaBreak) {
    // Two ways real models break a format: forgetting it, and not closing an element.
    return draw(model, ex.id, 'schema-kind') < 0.5 ? `Answer: ${text}` : `<${shape.root}><${shape.answer}>${escapeXml(text)}</${shape.root}>`;
  }
  return layout(p.layout, shape.root, `<${shape.answer}>${escapeXml(text)}</${shape.answer}>`);
}

/** The root element around `inner`, laid out in one of seven whitespace habits. */
function layout(habit: number, root: string, inner: string): string {
  const [open, close] = [`<${root}>`, `</${root}>`];
  switch (habit % 7) {
    case 1: return `${open}\n${inner}\n${close}`;
    case 2: return `${open}\n  ${inner}\n${close}`;
    case 3: return `${open}\n    ${inner}\n${close}`;
    case 4: return `${open} ${inner} ${close}`;
    case 5: return `${open}${inner}${close}\n`;
    case 6: return `${open}\n\t${inner}\n${close}`;
    default: return `${open}${inner}${close}`;
  }
}

const norm = (s: string): string => s.toLowerCase().replace(/\s+/gu, ' ').trim();

/** The simulation's truth about an answer text: 1 when it gives the expected answer, 0 otherwise. */
export function answerTruth(answer: string, ex: SupportExample): 0 | 1 {
  const a = norm(answer);
  if (a.includes(norm(ex.wrong))) return 0;
  return ex.answerable && a.includes(norm(ex.answer)) ? 1 : 0;
}

/**
 * The simulated judge's verdict. Its mistakes depend on the example and the truth only (some questions
 * fool a judge whoever answers them), at the profile's TPR/FPR, so it errs the same way on every system.
 */
export function judgeVerdict(judge: string, rubric: 'context' | 'contradiction', ex: SupportExample, truth: 0 | 1): 0 | 1 {
  const j = JUDGES[judge];
  if (!j) throw new Error(`not a simulated judge: ${judge}`);
  const { tpr, fpr } = j[rubric];
  return draw(judge, rubric, ex.id, String(truth)) < (truth ? tpr : fpr) ? 1 : 0;
}

/** Latency of one simulated request, ms: log-normal around the model's median. */
export function latencyMs(median: number, spread: number, ...key: string[]): number {
  const u1 = Math.max(draw(...key, 'latency-1'), 1e-9);
  const u2 = draw(...key, 'latency-2');
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.round(median * Math.exp(spread * z));
}

/** Examples by question text, for finding the example a rendered prompt or a judge request is about. */
export class ExampleIndex {
  readonly examples: readonly SupportExample[] = supportExamples();
  private readonly byQuestion = new Map(this.examples.map((e) => [e.question, e]));
  private readonly longestFirst = [...this.examples].sort((a, b) => b.question.length - a.question.length);

  /** The example whose question is exactly `q`. */
  exact(q: string): SupportExample | undefined { return this.byQuestion.get(q.trim()); }

  /** The example whose question appears in `text` (the longest match wins). */
  find(text: string): SupportExample | undefined { return this.longestFirst.find((e) => text.includes(e.question)); }
}

/**
 * The simulation's true correctness of a model's replies to a prompt: the share of examples it answers
 * correctly in a reply the product can read (what a perfect judge would score). For comparing estimates.
 */
export function trueCorrectShare(model: string, system: string, spec: OutputSpec | undefined): number {
  const mode = promptMode(system);
  const cues = promptCues(system);
  const shape = xmlShape(system);
  const examples = supportExamples();
  const correct = examples.filter((ex) => outcome(model, MODELS[model]!, ex, mode, cues) === 'correct'
    && parseOutput(modelReply(model, ex, mode, shape, cues), spec).schemaValid).length;
  return correct / examples.length;
}
