// Reading judge replies. A reply we cannot read gives `undefined`, never a silent "incorrect".

/** Longest reasoning kept in a verdict record. */
export const MAX_REASONING = 8000;

/** A readable judge reply. */
export interface JudgeReading { verdict: 0 | 1; reasoning: string; score?: number; contradicted?: number[] }

const VERDICT_WORDS: Record<string, 0 | 1> = {
  correct: 1, incorrect: 0, pass: 1, fail: 0, yes: 1, no: 0, true: 1, false: 0, '1': 1, '0': 0,
};

function reasoningBefore(reply: string, index: number): string {
  return reply.slice(0, index).replace(/<\/?(?:reasoning|thinking|analysis)>/giu, '').trim().slice(0, MAX_REASONING);
}

/** Reads `<verdict>correct|incorrect</verdict>`; the last tag wins (earlier ones may quote the instructions). */
export function parseVerdictReply(reply: string): JudgeReading | undefined {
  const re = /<verdict>\s*([^<]{0,40}?)\s*<\/verdict>/giu;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(reply); m !== null; m = re.exec(reply)) last = m;
  if (!last) return undefined;
  const word = last[1]!.toLowerCase().replace(/[^a-z0-9]/gu, '');
  const verdict = VERDICT_WORDS[word];
  if (verdict === undefined) return undefined;
  return { verdict, reasoning: reasoningBefore(reply, last.index) };
}

/** Reads `<contradicted>2, 5</contradicted>` for statements numbered 1..count. Ids out of range make it unreadable. */
export function parseContradictionReply(reply: string, count: number): JudgeReading | undefined {
  const re = /<contradicted(?:\s*\/>|>([^<]{0,2000})<\/contradicted>)/giu;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(reply); m !== null; m = re.exec(reply)) last = m;
  if (!last) return undefined;
  const body = (last[1] ?? '').trim().replace(/^(?:none|n\/a|-)\.?$/iu, '');
  const ids: number[] = [];
  for (const token of body.split(/[\s,;]+/u).filter(Boolean)) {
    const id = Number(token.replace(/^#|\.$/gu, ''));
    if (!Number.isInteger(id) || id < 1 || id > count) return undefined;
    if (!ids.includes(id)) ids.push(id);
  }
  ids.sort((a, b) => a - b);
  return { verdict: ids.length ? 0 : 1, reasoning: reasoningBefore(reply, last.index), score: count ? 1 - ids.length / count : 1, contradicted: ids };
}
