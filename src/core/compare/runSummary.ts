// What one run contributes to a comparison: the response that stands for each (candidate, example) pair, and,
// for outputs, the facts the comparison takes from their text (IDK, schema, style). A full read parses, hashes
// and checks every line; its result is kept in the run's summary (src/core/store/summary.ts), which later
// comparisons read instead while the responses file is exactly the one it was made from.
import { parseOutput } from '../answer/parse';
import type { ProjectFile } from '../project/types';
import type { OutputSpec, PromptFile } from '../prompt/types';
import type { ResponseRecord } from '../store/records';
import type { OnStoreProblem, StoreProblem, StoreProblemKind } from '../store/problems';
import type { RunManifest } from '../store/runs';
import type { Store } from '../store/store';
import { runningCode, SourceDigest } from '../store/summary';
import { StyleChecker } from '../style/check';
import { resolveStyle } from '../style/config';
import type { ResolvedStyle } from '../style/types';
import type { Chosen } from './gather';
import { encodeSummary, idsSection, indexIn, SummaryDecoder } from './summaryCodec';

/** What the comparison takes from an output's text: IDK, schema, and its style as the aggregates count it. */
export interface OutputFacts {
  idk: boolean;
  schemaValid: boolean;
  /** Word count (unused for IDK outputs). */
  words: number;
  /** The style findings (only their rules are counted; none for IDK outputs). */
  findings: readonly { ruleId: string }[];
}

/**
 * How many runs a comparison read from their summaries, read in full, and summaries it wrote (responses), and the
 * same for verdict summaries (for tests and the bench).
 */
export interface SummaryUse { read: number; fullReads: number; written: number; verdictsRead: number; verdictsWritten: number }

/** Bump when what parseOutput or the style checker make of a text changes (the build's stamp also keys facts). */
const FACTS_VERSION = 1;

const NO_FINDINGS: readonly { ruleId: string }[] = Object.freeze([]);

/** Facts without findings repeat (the same flags and word count): one shared, frozen object each, not one per output. */
function factsWithoutFindings(): (idk: boolean, schemaValid: boolean, words: number) => OutputFacts {
  const shared = new Map<number, OutputFacts>();
  return (idk, schemaValid, words) => {
    const id = Number.isSafeInteger(words * 4) ? words * 4 + (idk ? 1 : 0) + (schemaValid ? 2 : 0) : NaN;   // (a word count is a whole number)
    let f = shared.get(id);
    if (!f) {
      f = Object.freeze({ idk, schemaValid, words, findings: NO_FINDINGS });
      if (!Number.isNaN(id)) shared.set(id, f);
    }
    return f;
  };
}

/** Reads the facts of outputs under one output spec and style; its `key` names them in a summary. */
export class OutputFactsReader {
  readonly key: string;
  private readonly checker: StyleChecker;
  private readonly shared = factsWithoutFindings();

  private constructor(private readonly spec: OutputSpec | undefined, style: ResolvedStyle) {
    this.checker = new StyleChecker(style);
    this.key = JSON.stringify([FACTS_VERSION, runningCode(), spec ?? null, style, this.checker.ruleIds]);
  }

  /**
   * A reader for a prompt's outputs; undefined when the style has regex rules (they run batched under a time limit,
   * so their findings are not a function of one text alone, and are not kept).
   */
  static of(spec: OutputSpec | undefined, style: ResolvedStyle): OutputFactsReader | undefined {
    return style.regex.length ? undefined : new OutputFactsReader(spec, style);
  }

  /** The reader of a prompt's outputs in a project's comparison (its output spec; the project's style with the prompt's). */
  static forPrompt(project: ProjectFile, prompt: PromptFile | undefined): OutputFactsReader | undefined {
    return OutputFactsReader.of(prompt?.adapt.output, resolveStyle(project.style, prompt?.adapt.style));
  }

  /** The facts of each output, in order. */
  many(outputs: readonly string[]): OutputFacts[] {
    const parsed = outputs.map((o) => parseOutput(o, this.spec));
    const answered = parsed.flatMap((p) => (p.idk ? [] : [p.answer]));
    const styled = this.checker.checkMany(answered);
    let k = 0;
    return parsed.map((p) => {
      const style = p.idk ? undefined : styled[k++]!;
      return style?.findings.length ? { idk: p.idk, schemaValid: p.schemaValid, words: style.words, findings: style.findings }
        : this.shared(p.idk, p.schemaValid, style?.words ?? 0);
    });
  }
}

/** A run's rows by candidate, then example, each in the order it first appears in the file. */
export type RunRows = Map<string, Map<string, Chosen>>;

/** A usable output: text and no error (the comparison's own rule). */
export const hasOutput = (r: ResponseRecord): boolean => typeof r.output === 'string' && !r.error;

/**
 * The response standing for each (candidate, example) pair of a run, in the order the pairs first appear: the last
 * line with an output, else the last line (an error after an output does not erase it). Problems are told to
 * `onProblem`. With `facts`, each output's facts come along, from the run's summary when it is valid.
 */
export async function runOutputs(store: Store, m: RunManifest, onProblem: OnStoreProblem, facts?: OutputFactsReader, use?: SummaryUse): Promise<RunRows> {
  const source = facts ? await store.responsesStamp(m.runId) : undefined;
  let kept: Parsed | undefined;
  if (facts && source) {
    const body = await store.readRunSummary(m.runId, source);
    kept = body && parseSummary(body);
    const rows = kept && fromSummary(kept, facts.key, m.runId);
    if (kept && rows) {
      const file = store.responsesFile(m.runId);
      const problems = kept.meta.problems.map(([line, kind, message]): StoreProblem => (line === null ? { file, kind, message } : { file, line, kind, message }));
      for (const p of store.responseCountProblems(m, kept.meta.pairs, problems)) onProblem(p);
      if (use) use.read++;
      return rows;
    }
  }
  if (use) use.fullReads++;
  const problems: StoreProblem[] = [];
  const byCandidate: RunRows = new Map();
  let pairs = 0;
  // A file that has not settled: its summary records the sha256 of the bytes read (see summary.ts).
  const digest = SourceDigest.for(source);
  await store.forEachResponse(m.runId, (r) => {
    let byExample = byCandidate.get(r.candidateId);
    if (!byExample) byCandidate.set(r.candidateId, (byExample = new Map()));
    const prev = byExample.get(r.exampleId);
    if (!prev) pairs++;
    else if (!hasOutput(r) && hasOutput(prev.r)) return;
    byExample.set(r.exampleId, { r: facts ? comparedFields(r) : r, runId: m.runId });
  }, (p) => problems.push(p), digest?.add);
  const lineProblems = [...problems];
  for (const p of store.responseCountProblems(m, pairs, problems)) onProblem(p);
  if (facts) {
    const rows: Chosen[] = [];
    for (const byExample of byCandidate.values()) for (const c of byExample.values()) rows.push(c);
    const withOutput = rows.filter((c) => hasOutput(c.r));
    // In slices: what parsing and style checking make of 100k texts at once is garbage that would all be alive together.
    for (let from = 0; from < withOutput.length; from += FACTS_SLICE) {
      const slice = withOutput.slice(from, from + FACTS_SLICE);
      facts.many(slice.map((c) => c.r.output!)).forEach((f, i) => { slice[i]!.facts = f; });
    }
    if (source && await store.writeRunSummary(m.runId, source, toSummary(rows, lineProblems, pairs, facts.key, kept), 'responses', digest) && use) use.written++;
  }
  return byCandidate;
}

/** Outputs whose facts are read together (a style without regex rules finds the same in any slicing). */
const FACTS_SLICE = 4096;

/**
 * The fields of a response the comparison reads (those its summary keeps, and the text until its facts are read): the
 * rest of each line of a 100k-line run is not kept alive.
 */
const comparedFields = (r: ResponseRecord): ResponseRecord => ({ exampleId: r.exampleId, candidateId: r.candidateId, model: '', requestHash: '', at: '',
  output: r.output, outputHash: r.outputHash, error: r.error, latencyMs: r.latencyMs, inputTokens: r.inputTokens, outputTokens: r.outputTokens, cost: r.cost });

/** Whether the run's responses have a valid summary holding the facts of `facts` (its rows are not decoded). */
export async function hasRunSummary(store: Store, m: RunManifest, facts: OutputFactsReader): Promise<boolean> {
  const source = await store.responsesStamp(m.runId);
  const body = source && await store.readRunSummary(m.runId, source);
  if (!body) return false;
  try { return (new SummaryDecoder(body).meta as unknown as Meta).facts.some((f) => f?.key === facts.key); } catch { return false; }
}

/** At most this many fact sets (output spec × style) are kept per summary, the newest. */
const MAX_FACT_SETS = 4;

const HASH_DIGITS = 32;

/**
 * A run's summary: a JSON part (`Meta`), the example ids and output hashes as text, and numeric columns, one value
 * per row (one row per pair, in the order of `runOutputs`). Bytes: meta length (uint32 LE), meta (UTF-8), example
 * ids, hashes, then the columns one after another.
 */
interface Meta {
  rows: number;
  pairs: number;
  /** The line problems of the full read: [line or null, kind, message]. */
  problems: [number | null, StoreProblemKind, string][];
  candidates: string[];
  /** Error kinds met (a missing kind as null). */
  kinds: unknown[];
  /** The example ids, when one holds a line break or a lone surrogate; else they follow the meta, one per line, in `examplesBytes`. */
  examples?: string[];
  examplesBytes: number;
  /** Bytes after those: the output hashes (computed from the text) of the rows with text, 32 digits each, in row order. */
  hashesBytes: number;
  /** By reader key: the rule ids, and per row 0 or the indexes of the rules with a finding. */
  facts: { key: string; rules: string[]; found: (0 | number[])[] }[];
}

/** A summary as read. */
interface Parsed { meta: Meta; cols: Columns; examples: string[]; hashes: string }

/** The numeric columns: every row, then each fact set's `flags` and `words` (in `Meta.facts` order). */
interface Columns {
  candidate: Int32Array;
  /** 1 when the output is text (with or without an error). */
  text: Uint8Array;
  /** 0 without an error, else 1 + the index of its kind in `kinds`. */
  error: Int32Array;
  /** NaN where the record has no number. */
  latency: Float64Array;
  inputTokens: Float64Array;
  outputTokens: Float64Array;
  cost: Float64Array;
  /** Per fact set: 1 IDK, 2 schema-valid, 4 a usable output (the rest 0). */
  sets: { flags: Uint8Array; words: Float64Array }[];
}

const numberOr = (v: unknown): number => (typeof v === 'number' ? v : NaN);
const orUndefined = (v: number): number | undefined => (Number.isNaN(v) ? undefined : v);

function toSummary(rows: readonly Chosen[], problems: readonly StoreProblem[], pairs: number, key: string, kept: Parsed | undefined): Buffer[] {
  const n = rows.length;
  const meta: Meta = { rows: n, pairs, problems: problems.map((p) => [p.line ?? null, p.kind, p.message]), candidates: [], kinds: [],
    examplesBytes: 0, hashesBytes: 0, facts: [] };
  const examples: string[] = [];
  const cols: Columns = { candidate: new Int32Array(n), text: new Uint8Array(n), error: new Int32Array(n), latency: new Float64Array(n),
    inputTokens: new Float64Array(n), outputTokens: new Float64Array(n), cost: new Float64Array(n), sets: [] };
  const hashes: string[] = [];
  const set = { flags: new Uint8Array(n), words: new Float64Array(n) };
  const found: (0 | number[])[] = [];
  const rules: string[] = [];
  rows.forEach(({ r, facts }, i) => {
    cols.candidate[i] = indexIn(meta.candidates, r.candidateId);
    examples.push(r.exampleId);
    if (typeof r.output === 'string') { cols.text[i] = 1; hashes.push(r.outputHash!); }
    if (r.error) cols.error[i] = 1 + indexIn(meta.kinds, (r.error as { kind?: unknown }).kind ?? null);
    cols.latency[i] = numberOr(r.latencyMs);
    cols.inputTokens[i] = numberOr(r.inputTokens);
    cols.outputTokens[i] = numberOr(r.outputTokens);
    cols.cost[i] = numberOr(r.cost);
    set.flags[i] = facts ? (facts.idk ? 1 : 0) | (facts.schemaValid ? 2 : 0) | 4 : 0;
    set.words[i] = facts?.words ?? 0;
    found.push(facts?.findings.length ? [...new Set(facts.findings.map((f) => indexIn(rules, f.ruleId)))] : 0);
  });
  const hashText = Buffer.from(hashes.join(''), 'latin1');
  const ids = idsSection(examples);
  if (ids.json) meta.examples = ids.json;
  meta.examplesBytes = ids.text.length;
  meta.hashesBytes = hashText.length;
  // Fact sets of other specs and styles made from the same file stay, the newest few.
  const older = kept ? kept.meta.facts.map((f, k) => ({ f, c: kept.cols.sets[k]! })).filter(({ f }) => f.key !== key).slice(-(MAX_FACT_SETS - 1)) : [];
  meta.facts = [...older.map(({ f }) => f), { key, rules, found }];
  cols.sets = [...older.map(({ c }) => c), set];
  return encodeSummary(meta, [ids.text, hashText],
    [cols.candidate, cols.text, cols.error, cols.latency, cols.inputTokens, cols.outputTokens, cols.cost, ...cols.sets.flatMap((c) => [c.flags, c.words])]);
}

/** Reads a summary's parts; undefined when the bytes do not hold what this code writes. */
function parseSummary(body: Buffer): Parsed | undefined {
  try {
    const d = new SummaryDecoder(body);
    const meta = d.meta as unknown as Meta;
    const n = meta.rows;
    if (!Number.isInteger(n) || n < 0 || typeof meta.pairs !== 'number' || !Array.isArray(meta.problems)
      || !Array.isArray(meta.candidates) || !Array.isArray(meta.kinds) || !Array.isArray(meta.facts)) return undefined;
    const examples = d.ids(meta.examples, meta.examplesBytes, n);
    const hashes = d.text(meta.hashesBytes, 'latin1');
    const cols: Columns = { candidate: d.column(Int32Array, n), text: d.column(Uint8Array, n), error: d.column(Int32Array, n), latency: d.column(Float64Array, n),
      inputTokens: d.column(Float64Array, n), outputTokens: d.column(Float64Array, n), cost: d.column(Float64Array, n), sets: [] };
    for (const f of meta.facts) {
      if (typeof f?.key !== 'string' || !Array.isArray(f.rules) || !Array.isArray(f.found) || f.found.length !== n) return undefined;
      cols.sets.push({ flags: d.column(Uint8Array, n), words: d.column(Float64Array, n) });
    }
    return d.complete ? { meta, cols, examples, hashes } : undefined;
  } catch {
    return undefined;
  }
}

/** The rows of a valid summary with the facts of `key`; undefined when it has no such facts or a value is off. */
function fromSummary({ meta, cols, examples, hashes }: Parsed, key: string, runId: string): RunRows | undefined {
  const k = meta.facts.findIndex((f) => f.key === key);
  if (k < 0) return undefined;
  if (!meta.problems.every((p) => Array.isArray(p) && (p[0] === null || typeof p[0] === 'number') && typeof p[1] === 'string' && typeof p[2] === 'string')) return undefined;
  const { found } = meta.facts[k]!;
  const { flags, words } = cols.sets[k]!;
  const ruleOf = meta.facts[k]!.rules.map((ruleId) => ({ ruleId }));
  const sharedFacts = factsWithoutFindings();
  const n = meta.rows;
  const byCandidate = meta.candidates.map(() => new Map<string, Chosen>());
  let h = 0;
  for (let i = 0; i < n; i++) {
    const candidateId = meta.candidates[cols.candidate[i]!];
    const exampleId = examples[i];
    const e = cols.error[i]!;
    if (typeof candidateId !== 'string' || typeof exampleId !== 'string' || !(e >= 0 && e <= meta.kinds.length)) return undefined;
    // The text itself is not kept: '' stands for "the output was text", and `facts` holds what the comparison reads from it.
    const text = cols.text[i] === 1;
    const outputHash = text ? hashes.slice(h, (h += HASH_DIGITS)) : undefined;
    if (text && outputHash!.length !== HASH_DIGITS) return undefined;
    // One object shape for every row (absent values undefined, as the comparison reads them).
    const r: ResponseRecord = { exampleId, candidateId, model: '', requestHash: '', at: '', output: text ? '' : undefined, outputHash,
      error: e > 0 ? { kind: (meta.kinds[e - 1] ?? undefined) as NonNullable<ResponseRecord['error']>['kind'], message: '' } : undefined,
      latencyMs: orUndefined(cols.latency[i]!), inputTokens: orUndefined(cols.inputTokens[i]!), outputTokens: orUndefined(cols.outputTokens[i]!), cost: orUndefined(cols.cost[i]!) };
    const row: Chosen = { r, runId };
    const fl = flags[i]!;
    if (hasOutput(r) !== ((fl & 4) !== 0)) return undefined;
    if (fl & 4) {
      const f = found[i]!;
      if (f !== 0 && !(Array.isArray(f) && f.every((x) => ruleOf[x] !== undefined))) return undefined;
      row.facts = f === 0 ? sharedFacts((fl & 1) !== 0, (fl & 2) !== 0, words[i]!) : { idk: (fl & 1) !== 0, schemaValid: (fl & 2) !== 0, words: words[i]!, findings: f.map((x) => ruleOf[x]!) };
    }
    const byExample = byCandidate[cols.candidate[i]!]!;
    const size = byExample.size;
    if (byExample.set(exampleId, row).size === size) return undefined;   // one row per pair
  }
  if (h !== hashes.length) return undefined;
  // Candidates in the order they first appear (rows of a candidate need not be together).
  const order = [...new Set(cols.candidate)];
  return new Map(order.map((c) => [meta.candidates[c]!, byCandidate[c]!]));
}
