// `prompt-adapt stats calibrate|estimate|compare`: the statistics engine from counts or from record files.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { UserError } from '../../core/errors';
import type { LabelRecord, VerdictRecord } from '../../core/store/records';
import {
  calibrate, compareSystems, confusionFromRecords, DEFAULT_ESTIMATOR, ESTIMATORS, estimateOne, estimatorOf, estimatorUsage, isEstimatorId, judgedFromRecords,
  pairedFromRecords, STATE_CELLS, statesFromPaired, VERDICT_WORDS, verdictLine, type Confusion, type Diagnostic, type EstimatorChoice, type StateTable, type Summary,
} from '../../core/stats';
import { runBatchLine } from '../../core/stats/batch';

const USAGE = `usage: prompt-adapt stats <calibrate|estimate|compare> [options]

  calibrate  --tp N --fn N --fp N --tn N
  estimate   --tp N --fn N --fp N --tn N --judged K --n N
             [--idk K]   (K of the N outputs are IDK; --judged counts answered outputs)
  compare    --tp N --fn N --fp N --tn N --n11 A --n10 B --n01 C --n00 D
             (n10 = baseline judged correct, candidate judged incorrect)
             or --states 11=A,10=B,1i=C,...  the 3 × 3 paired state table
             (first character baseline, second candidate: 1 judged correct, 0 judged incorrect, i IDK)
  compare --batch FILE.jsonl [--json]
             one dataset per line: {"id", "baseline": "10i1…", "candidate": "0i11…",
             "labels": [["baseline", 17, 1], ["candidate", 3, 0], …]} (0-based question index, human label);
             prints one JSON line per input line, in order; '-' reads standard input
  from files: --labels labels.jsonl --verdicts verdicts.jsonl [--metric ID]
             [--candidate ID] [--baseline ID] instead of the counts

options:
  --estimator E   (default ${DEFAULT_ESTIMATOR}: the one the labels support)
${estimatorUsage('      ')}
  --level 0.9   --draws 100000   --seed 1   --margin 0   --json
  --baseline-labels TP,FN,FP,TN  --candidate-labels TP,FN,FP,TN
             per-system labels of answered outputs (ppi++, human-only, non-differential test)
  labels and calibration counts are of answered outputs; IDK outputs are incorrect by definition
  all values are fractions; the difference is candidate - baseline`;

const OPTIONS = {
  json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  estimator: { type: 'string' }, level: { type: 'string' }, draws: { type: 'string' }, seed: { type: 'string' }, margin: { type: 'string' },
  tp: { type: 'string' }, fn: { type: 'string' }, fp: { type: 'string' }, tn: { type: 'string' },
  judged: { type: 'string' }, n: { type: 'string' }, idk: { type: 'string' }, states: { type: 'string' }, batch: { type: 'string' },
  n11: { type: 'string' }, n10: { type: 'string' }, n01: { type: 'string' }, n00: { type: 'string' },
  'baseline-labels': { type: 'string' }, 'candidate-labels': { type: 'string' },
  labels: { type: 'string' }, verdicts: { type: 'string' }, metric: { type: 'string' }, candidate: { type: 'string' }, baseline: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** Entry point of `prompt-adapt stats`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n\n${USAGE}`);
  }
  const { values: v, positionals } = parsed;
  const [sub, ...extra] = positionals;
  if (v.help || !sub) {
    console.log(USAGE);
    return v.help ? 0 : 1;
  }
  if (extra.length) throw new UserError(`unexpected argument '${extra[0]}'`);
  if (v.batch !== undefined) {
    if (sub !== 'compare') throw new UserError('--batch works with `stats compare` only');
    return runBatch(v.batch, options(v));
  }
  const files = v.labels !== undefined || v.verdicts !== undefined ? await loadFiles(v) : undefined;
  let out: { json: object; text: string };
  switch (sub) {
    case 'calibrate': out = runCalibrate(v, files); break;
    case 'estimate': out = runEstimate(v, files); break;
    case 'compare': out = runCompare(v, files); break;
    default: throw new UserError(`unknown stats command '${sub}'; use calibrate, estimate or compare`);
  }
  console.log(v.json ? JSON.stringify(out.json, null, 2) : out.text);
  return 0;
}

function count(v: Values, name: 'tp' | 'fn' | 'fp' | 'tn' | 'judged' | 'n' | 'idk' | 'n11' | 'n10' | 'n01' | 'n00'): number {
  const raw = v[name];
  if (raw === undefined) throw new UserError(`missing --${name}`);
  return toCount(raw, `--${name}`);
}

function toCount(raw: string, what: string): number {
  const x = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(x) || x < 0) throw new UserError(`${what} must be a non-negative integer, got '${raw}'`);
  return x;
}

function num(raw: string | undefined, what: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const x = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(x)) throw new UserError(`--${what} must be a number, got '${raw}'`);
  return x;
}

function confusionArg(v: Values): Confusion {
  return { tp: count(v, 'tp'), fn: count(v, 'fn'), fp: count(v, 'fp'), tn: count(v, 'tn') };
}

function labelsArg(raw: string | undefined, what: string): Confusion | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(',');
  if (parts.length !== 4) throw new UserError(`--${what} takes TP,FN,FP,TN, got '${raw}'`);
  const [tp, fn, fp, tn] = parts.map((p) => toCount(p, `--${what}`));
  return { tp, fn, fp, tn };
}

function statesArg(raw: string): StateTable {
  const s = statesFromPaired({ n11: 0, n10: 0, n01: 0, n00: 0 });
  for (const part of raw.split(',')) {
    const [cell, value, ...rest] = part.split('=');
    const key = cell?.trim() as keyof StateTable;
    if (rest.length || value === undefined || !(STATE_CELLS as readonly string[]).includes(key)) {
      throw new UserError(`--states takes CELL=COUNT pairs with CELL in ${STATE_CELLS.join(', ')}, got '${part}'`);
    }
    s[key] = toCount(value, `--states ${key}`);
  }
  return s;
}

function options(v: Values): { estimator: EstimatorChoice; level: number; draws: number; seed: number; margin: number } {
  const estimator = v.estimator ?? DEFAULT_ESTIMATOR;
  if (!isEstimatorId(estimator)) throw new UserError(`unknown estimator '${v.estimator}'; use ${ESTIMATORS.join(', ')}`);
  const level = num(v.level, 'level', 0.9);
  if (!(level > 0 && level < 1)) throw new UserError(`--level must be between 0 and 1, got ${level}`);
  const draws = num(v.draws, 'draws', 100_000);
  if (!Number.isInteger(draws) || draws < 1) throw new UserError(`--draws must be a positive integer, got ${v.draws}`);
  const seed = num(v.seed, 'seed', 1);
  if (!Number.isInteger(seed)) throw new UserError(`--seed must be an integer, got ${v.seed}`);
  const margin = num(v.margin, 'margin', 0);
  if (!(margin >= 0 && margin < 1)) throw new UserError(`--margin must be a fraction in [0, 1), got ${margin}`);
  return { estimator, level, draws, seed, margin };
}

// ---- files

interface Files {
  labels: LabelRecord[];
  verdicts: VerdictRecord[];
  metricId?: string;
  candidates: string[];
}

async function readJsonl<T>(path: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${path}: ${(err as Error).message}`);
  }
  const out: T[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      throw new UserError(`${path}:${i + 1}: not valid JSON`);
    }
  });
  return out;
}

async function loadFiles(v: Values): Promise<Files> {
  if (v.labels === undefined || v.verdicts === undefined) throw new UserError('file mode needs both --labels and --verdicts');
  const [labels, allVerdicts] = await Promise.all([readJsonl<LabelRecord>(v.labels), readJsonl<VerdictRecord>(v.verdicts)]);
  const metrics = [...new Set(allVerdicts.map((x) => x.metricId))];
  const metricId = v.metric ?? (metrics.length === 1 ? metrics[0] : undefined);
  if (metricId === undefined) {
    throw new UserError(metrics.length ? `the verdicts hold several metrics (${metrics.join(', ')}); pass --metric` : `no verdicts in ${v.verdicts}`);
  }
  const verdicts = allVerdicts.filter((x) => x.metricId === metricId);
  if (!verdicts.length) throw new UserError(`no verdicts for metric '${metricId}' in ${v.verdicts}`);
  return { labels, verdicts, metricId, candidates: [...new Set(verdicts.map((x) => x.candidateId))] };
}

function requireCandidate(f: Files, id: string | undefined, flag: string): string {
  if (id !== undefined) {
    if (!f.candidates.includes(id)) throw new UserError(`no verdicts for ${flag} '${id}' (found: ${f.candidates.join(', ')})`);
    return id;
  }
  if (f.candidates.length === 1) return f.candidates[0];
  throw new UserError(`pass ${flag} (found: ${f.candidates.join(', ')})`);
}

// ---- subcommands

function runCalibrate(v: Values, f: Files | undefined): { json: object; text: string } {
  const level = options(v).level;
  let confusion: Confusion;
  let extra: object = {};
  if (f) {
    const join = confusionFromRecords(f.labels, f.verdicts, { metricId: f.metricId, candidateIds: v.candidate !== undefined ? [requireCandidate(f, v.candidate, '--candidate')] : undefined });
    confusion = join.confusion;
    extra = { confusion, excluded: { unsure: join.unsure, noVerdict: join.noVerdict, unmatchedLabels: join.unmatchedLabels } };
  } else confusion = confusionArg(v);
  const c = calibrate(confusion, level);
  const json = { tpr: { mean: c.tpr.mean, lo: c.tpr.lo, hi: c.tpr.hi }, fpr: { mean: c.fpr.mean, lo: c.fpr.lo, hi: c.fpr.hi },
    pTprLeFpr: c.pTprLeFpr, uninformative: c.uninformative, ...extra };
  const pct = `${Math.round(level * 100)}%`;
  const text = [
    table([['rate', 'mean', `${pct} interval`],
      ['TPR', f3(c.tpr.mean), interval(c.tpr)], ['FPR', f3(c.fpr.mean), interval(c.fpr)]]),
    `P(TPR <= FPR) = ${c.pTprLeFpr.toPrecision(3)}${c.uninformative ? '  UNINFORMATIVE' : ''}`,
    `labels: ${c.positives} positive, ${c.negatives} negative`,
    ...diagnosticLines(c.diagnostics),
  ].join('\n');
  return { json, text };
}

function runEstimate(v: Values, f: Files | undefined): { json: object; text: string } {
  const o = options(v);
  let input: { confusion: Confusion; judged: number; n: number; idk?: number; labels?: Confusion };
  let extra: object = {};
  if (f) {
    const id = requireCandidate(f, v.candidate, '--candidate');
    const pooled = confusionFromRecords(f.labels, f.verdicts, { metricId: f.metricId });
    const own = confusionFromRecords(f.labels, f.verdicts, { metricId: f.metricId, candidateIds: [id] });
    const judged = judgedFromRecords(f.verdicts, id, f.metricId);
    input = { confusion: pooled.confusion, judged: judged.judged, n: judged.n, labels: own.confusion };
    extra = { candidate: id, confusion: pooled.confusion, labels: own.confusion,
      excluded: { unsure: pooled.unsure, noVerdictLabelled: pooled.noVerdict, unmatchedLabels: pooled.unmatchedLabels, noVerdict: judged.noVerdict } };
  } else input = { confusion: confusionArg(v), judged: count(v, 'judged'), n: count(v, 'n'), idk: v.idk !== undefined ? count(v, 'idk') : 0 };
  if (input.judged + (input.idk ?? 0) > input.n) throw new UserError(`--judged (${input.judged}) plus --idk (${input.idk ?? 0}) cannot exceed --n (${input.n})`);
  const r = estimateOne(o.estimator, input, o);
  const json = { estimator: r.estimator, reason: r.reason, estimate: r.estimate ?? null, judgedRate: r.judgedRate, idkRate: r.idkRate, level: r.level, n: r.n, draws: r.draws, seed: o.seed,
    ...(r.rejectedFraction !== undefined ? { rejectedFraction: r.rejectedFraction } : {}), ...(r.crossCheck ? { crossCheck: r.crossCheck } : {}),
    diagnostics: r.diagnostics, ...extra };
  const text = [
    `${r.estimator}: ${r.reason}`,
    table([['estimator', 'estimate', `${Math.round(o.level * 100)}% interval`],
      [r.estimator, r.estimate ? f3(r.estimate.point) : 'none', r.estimate ? interval(r.estimate) : ''],
      ...(r.crossCheck ? [['delta method', f3(r.crossCheck.estimate), interval(r.crossCheck)]] : []),
      ['judged rate', f3(r.judgedRate), `n = ${r.n}`]]),
    ...diagnosticLines(r.diagnostics),
  ].join('\n');
  return { json, text };
}

function runCompare(v: Values, f: Files | undefined): { json: object; text: string } {
  const o = options(v);
  let input: { confusion?: Confusion; states: StateTable; baselineLabels?: Confusion; candidateLabels?: Confusion };
  let extra: object = {};
  if (f) {
    if (v.baseline === undefined || v.candidate === undefined) throw new UserError(`compare from files needs --baseline and --candidate (found: ${f.candidates.join(', ')})`);
    const a = requireCandidate(f, v.baseline, '--baseline');
    const b = requireCandidate(f, v.candidate, '--candidate');
    if (a === b) throw new UserError('--baseline and --candidate must differ');
    const pooled = confusionFromRecords(f.labels, f.verdicts, { metricId: f.metricId });
    const la = confusionFromRecords(f.labels, f.verdicts, { metricId: f.metricId, candidateIds: [a] }).confusion;
    const lb = confusionFromRecords(f.labels, f.verdicts, { metricId: f.metricId, candidateIds: [b] }).confusion;
    const paired = pairedFromRecords(f.verdicts, a, b, f.metricId);
    const has = (c: Confusion): boolean => c.tp + c.fn + c.fp + c.tn > 0;
    input = { confusion: pooled.confusion, states: statesFromPaired(paired.paired), baselineLabels: has(la) ? la : undefined, candidateLabels: has(lb) ? lb : undefined };
    extra = { baseline: a, candidate: b, confusion: pooled.confusion, baselineLabels: la, candidateLabels: lb, paired: paired.paired,
      excluded: { unsure: pooled.unsure, noVerdictLabelled: pooled.noVerdict, unmatchedLabels: pooled.unmatchedLabels, missingPairs: paired.missingPairs } };
  } else {
    const baselineLabels = labelsArg(v['baseline-labels'], 'baseline-labels');
    const candidateLabels = labelsArg(v['candidate-labels'], 'candidate-labels');
    const anyCount = v.tp !== undefined || v.fn !== undefined || v.fp !== undefined || v.tn !== undefined;
    const confusion = anyCount || !(baselineLabels && candidateLabels) ? confusionArg(v) : undefined;
    const states = v.states !== undefined ? statesArg(v.states) : statesFromPaired({ n11: count(v, 'n11'), n10: count(v, 'n10'), n01: count(v, 'n01'), n00: count(v, 'n00') });
    input = { confusion, states, baselineLabels, candidateLabels };
  }
  if (estimatorOf(o.estimator).labels === 'per-system' && !(input.baselineLabels && input.candidateLabels)) {
    throw new UserError(`${o.estimator} needs labelled outputs of both systems (pass --baseline-labels and --candidate-labels, or label files)`);
  }
  let r;
  try {
    r = compareSystems(o.estimator, input, o);
  } catch (err) {
    if (err instanceof RangeError) throw new UserError(err.message, estimatorOf(o.estimator).labels === 'per-system' ? '(pass --baseline-labels and --candidate-labels, or label files)' : undefined);
    throw err;
  }
  const json = { verdict: r.verdict, estimator: r.estimator, reason: r.reason, difference: r.difference ?? null, pBetter: r.pBetter ?? null,
    pNotInferior: r.pNotInferior ?? null, margin: r.margin, level: r.level, judgedRates: r.judgedRates, idkRates: r.idkRates, n: r.n, draws: r.draws, seed: o.seed,
    beside: r.beside,
    ...(r.rejectedFraction !== undefined ? { rejectedFraction: r.rejectedFraction } : {}), ...(r.crossCheck ? { crossCheck: r.crossCheck } : {}),
    diagnostics: r.diagnostics, ...extra };
  const shown = r.verdict !== 'inconclusive' && r.verdict !== 'do-not-act' && r.difference;
  const text = [
    `${VERDICT_WORDS[r.verdict]}: ${verdictLine(r.verdict, r.difference, r.margin).replace(/^[^:]*: /, '')}`,
    `${r.estimator}: ${r.reason}`,
    table([['estimator', 'difference', `${Math.round(o.level * 100)}% interval`, 'P(better)'],
      [r.estimator, shown ? f3(r.difference!.point) : '', r.difference ? interval(r.difference) : 'none', shown && r.pBetter !== undefined ? f3(r.pBetter) : ''],
      ...r.beside.map((b) => [`${b.estimator} (${b.note})`, f3(b.difference.point), interval(b.difference), '']),
      ...(r.crossCheck ? [['delta method', f3(r.crossCheck.estimate), interval(r.crossCheck), '']] : []),
      ['judged rates', `${f3(r.judgedRates.baseline)} -> ${f3(r.judgedRates.candidate)}`, `n = ${r.n}`, ''],
      ...(r.idkRates.baseline || r.idkRates.candidate ? [['IDK rates', `${f3(r.idkRates.baseline)} -> ${f3(r.idkRates.candidate)}`, '', '']] : [])]),
    'difference = candidate - baseline (fractions)',
    ...diagnosticLines(r.diagnostics),
  ].join('\n');
  return { json, text };
}

// ---- batch

/**
 * Streams a JSONL file (or standard input for '-') line by line: one JSON result per non-empty line, in order,
 * in constant memory. A bad line prints {"id", "line", "error"} in its place and on stderr; the rest still run,
 * and the exit code is 1 when any line was bad.
 */
async function runBatch(file: string, o: { estimator: EstimatorChoice; level: number; draws: number; seed: number; margin: number }): Promise<number> {
  const input = file === '-' ? process.stdin : createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    if (file === '-') { resolve(); return; }
    input.once('open', () => resolve());
    input.once('error', (err: Error) => reject(new UserError(`cannot read ${file}: ${err.message}`)));
  });
  await opened;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let bad = 0;
  const out: string[] = [];
  const flush = (): void => { if (out.length) { process.stdout.write(out.join('')); out.length = 0; } };
  for await (const line of lines) {
    lineNo++;
    if (!line.trim()) continue;
    const r = runBatchLine(line, lineNo, o.estimator, o);
    if ('error' in r) { bad++; console.error(`${file}:${r.error}`); }
    out.push(`${JSON.stringify(r)}\n`);
    if (out.length >= 64) flush();
  }
  flush();
  return bad > 0 ? 1 : 0;
}

// ---- text output

function f3(x: number): string {
  return x.toFixed(3);
}

function interval(s: Pick<Summary, 'lo' | 'hi'>): string {
  return `[${f3(s.lo)}, ${f3(s.hi)}]`;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function diagnosticLines(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => `${d.severity}: ${d.message}`);
}
