// Lexical metrics with SQuAD-style normalisation: exact match and token F1 (max over ground truths).
import { type MetricInput, type MetricResult, precheck } from './types';

/** Lower case, strip punctuation and the articles a/an/the, collapse whitespace (the SQuAD evaluation recipe). */
export function normalizeAnswer(text: string): string {
  return text.toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\b(a|an|the)\b/gu, ' ')
    .split(/\s+/u).filter(Boolean).join(' ');
}

/** 1 when the normalised texts are equal. */
export function exactMatch(prediction: string, truth: string): number {
  return normalizeAnswer(prediction) === normalizeAnswer(truth) ? 1 : 0;
}

/** Token-overlap F1 of the normalised texts (both empty → 1, one empty → 0). */
export function tokenF1(prediction: string, truth: string): number {
  const p = normalizeAnswer(prediction).split(' ').filter(Boolean);
  const t = normalizeAnswer(truth).split(' ').filter(Boolean);
  if (p.length === 0 || t.length === 0) return p.length === t.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const w of t) counts.set(w, (counts.get(w) ?? 0) + 1);
  let common = 0;
  for (const w of p) {
    const c = counts.get(w);
    if (c) { common++; counts.set(w, c - 1); }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / t.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Exact match against the best ground truth. */
export function exactMatchMetric(input: MetricInput): MetricResult {
  const pre = precheck(input);
  if (pre) return pre;
  if (input.groundTruths.length === 0) return { verdict: null, reason: 'no ground truth' };
  const score = Math.max(...input.groundTruths.map((g) => exactMatch(input.parsed.answer, g)));
  return { verdict: score === 1 ? 1 : 0, score };
}

/** Token F1 against the best ground truth; verdict 1 when F1 ≥ threshold. */
export function tokenF1Metric(input: MetricInput, threshold: number): MetricResult {
  const pre = precheck(input);
  if (pre) return pre;
  if (input.groundTruths.length === 0) return { verdict: null, reason: 'no ground truth' };
  const score = Math.max(...input.groundTruths.map((g) => tokenF1(input.parsed.answer, g)));
  return { verdict: score >= threshold ? 1 : 0, score };
}
