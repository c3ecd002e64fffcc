// The run store under `.prompt-adapt/`: `runs/<runId>/manifest.json` (rewritten atomically) and
// `runs/<runId>/responses.jsonl` (append-only). Readers here are for every module that looks at runs.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors';
import { outputHash } from '../runner/hash';
import type { ErrorKind, ResponseRecord } from './records';
import { forEachJsonLine, writeFileAtomic, writeFileAtomicAsync } from './jsonl';
import type { OnStoreProblem, StoreProblem } from './problems';

/**
 * `complete`: every pair has an output. `incomplete`: some pairs have none (errors, skipped). `failed`: no pair
 * has an output. A run with failures is never `complete`.
 */
export type RunStatus = 'running' | 'complete' | 'incomplete' | 'failed' | 'cancelled';

/** Hashes of what a run was made from (see src/core/runner/runInputs.ts); a later change makes its results stale. */
export interface RunInputs {
  /** The prompt's text. */
  prompt?: string;
  /** The test-set file's bytes. */
  testSet?: string;
  /** The project's parts that shape the requests (test-set definition, the run's candidates). */
  project?: string;
}

/** An aggregated problem of a run: one per cause, with a count, never one message per example. */
export interface RunIssue {
  /** Stable key of the cause (kind + scope). */
  key: string;
  kind: ErrorKind;
  severity: 'error' | 'warning' | 'info';
  /** What the runner did about it. */
  action: 'stopped-endpoint' | 'stopped-candidate' | 'recorded' | 'backing-off' | 'retrying' | 'dropped-usage' | 'lowered-concurrency' | 'noted';
  endpointId: string;
  candidateId?: string;
  /** The first occurrence's message (redacted). */
  message: string;
  count: number;
}

export interface RunCounts {
  /** Pairs (example × candidate) in the plan, when known. */
  total?: number;
  /** Responses obtained by a request in this session. */
  requested: number;
  /** Responses taken from the cache. */
  cached: number;
  /** Responses already in this run's file (resume). */
  resumed: number;
  /** Pairs recorded with an error. */
  errors: number;
  /** Pairs not attempted (stopped endpoint or candidate, cancellation). */
  skipped: number;
}

export interface RunManifest {
  version: 1;
  runId: string;
  /** Identifies the plan (prompt, candidates, test set); a run is resumed only with the same key. */
  planKey: string;
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  prompt?: { path: string; name?: string };
  testSet?: { id: string; path?: string };
  candidates: { id: string; endpoint: string; model: string }[];
  counts: RunCounts;
  inputTokens: number;
  outputTokens: number;
  /** USD of the outputs whose cost is known; `costUnknown` outputs (no price, or no usable usage) are not in it. */
  cost: number;
  costUnknown?: number;
  issues: RunIssue[];
  /** What the run was made from (runs made before these were recorded have none). */
  inputs?: RunInputs;
}

export const runsDir = (root: string): string => path.join(root, 'runs');
/** One folder name in a run id: no path separators, and no leading '.' (so never '.' or '..'). */
const RUN_ID_PART = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/u;

/**
 * A run's folder. The run id may come from the command line (`--run-id`), so it is checked here, where every
 * run path is made: a run id that is not a plain name (or `<run>/judges/<batch>`, an adaptation's `<id>/rewriter/<batch>`) would lead outside the store.
 */
export function runDir(root: string, runId: string): string {
  const parts = runId.split('/');
  if (!parts.every((p) => RUN_ID_PART.test(p)) || !(parts.length === 1 || (parts.length === 3 && (parts[1] === 'judges' || parts[1] === 'rewriter')))) {
    throw new UserError(`'${runId}' is not a run id: use letters, digits, '.', '_' and '-' only (not starting with '.'); a run id names a folder in the store.`);
  }
  return path.join(root, 'runs', runId);
}
export const cacheDir = (root: string): string => path.join(root, 'cache');
export const responsesPath = (root: string, runId: string): string => path.join(runDir(root, runId), 'responses.jsonl');
const manifestPath = (root: string, runId: string): string => path.join(runDir(root, runId), 'manifest.json');

/** A manifest is small (ids, counts, one line per issue); anything far larger is not one. */
const MAX_MANIFEST_BYTES = 16 * 2 ** 20;

/** A store file that cannot be read, with the problem naming it. */
export class StoreFileError extends UserError {
  constructor(readonly problem: StoreProblem) { super(`${problem.file} ${problem.message}.`); }
}

/** A sortable, unique run id: `20250102-030405-ab12cd`. */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${iso}-${randomBytes(3).toString('hex')}`;
}

export function writeManifest(root: string, m: RunManifest): void {
  fs.mkdirSync(runDir(root, m.runId), { recursive: true });
  writeFileAtomic(manifestPath(root, m.runId), JSON.stringify(m, null, 2) + '\n');
}

/** `writeManifest` off the event loop, for periodic checkpoints; the caller awaits it before any later write. */
export function writeManifestAsync(root: string, m: RunManifest): Promise<void> {
  return writeFileAtomicAsync(manifestPath(root, m.runId), JSON.stringify(m, null, 2) + '\n');
}

/** A run's manifest, or undefined when there is none; a StoreFileError naming the file when it cannot be read. */
export async function readManifest(root: string, runId: string): Promise<RunManifest | undefined> {
  const file = manifestPath(root, runId);
  const damaged = (message: string): StoreFileError => new StoreFileError({ file, kind: 'unreadable-manifest', message });
  let st: fs.Stats;
  try { st = await fs.promises.stat(file); } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw damaged(`cannot be read (${(err as Error).message})`);
  }
  if (!st.isFile() || st.size > MAX_MANIFEST_BYTES) throw damaged(st.isFile() ? `is larger than ${MAX_MANIFEST_BYTES / 2 ** 20} MiB` : 'is not a regular file');
  let m: unknown;
  try { m = JSON.parse(await fs.promises.readFile(file, 'utf8')); } catch (err) { throw damaged(`is not valid JSON (${(err as Error).message})`); }
  const why = manifestProblem(m, runId);
  if (why) throw damaged(why);
  return m as RunManifest;
}

/** Why a parsed manifest cannot be used (undefined when it can). */
function manifestProblem(m: unknown, runId: string): string | undefined {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'is not a run manifest (not a JSON object)';
  const x = m as Partial<RunManifest>;
  if (x.runId !== runId) return `is not this run's manifest (its runId is ${JSON.stringify(x.runId)})`;
  if (typeof x.planKey !== 'string' || typeof x.createdAt !== 'string' || !Array.isArray(x.candidates) || !x.counts || typeof x.counts !== 'object') {
    return 'is not a run manifest (planKey, createdAt, candidates or counts missing)';
  }
  return undefined;
}

/** The store's runs, newest first, and the runs whose manifest cannot be read (listed, not dropped). */
export async function listRunsChecked(root: string): Promise<{ runs: RunManifest[]; damaged: StoreProblem[] }> {
  let ids: string[];
  try { ids = await fs.promises.readdir(runsDir(root)); } catch { return { runs: [], damaged: [] }; }
  const runs: RunManifest[] = [];
  const damaged: StoreProblem[] = [];
  for (const id of ids.sort()) {
    if (!RUN_ID_PART.test(id)) continue;   // not a run folder (e.g. a file manager's .DS_Store)
    try { const m = await readManifest(root, id); if (m) runs.push(m); }
    catch (err) { if (err instanceof StoreFileError) damaged.push(err.problem); else throw err; }
  }
  runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return { runs, damaged };
}

/** All runs with a readable manifest, newest first; the others are told to `onProblem`. */
export async function listRuns(root: string, onProblem?: OnStoreProblem): Promise<RunManifest[]> {
  const { runs, damaged } = await listRunsChecked(root);
  if (onProblem) for (const p of damaged) onProblem(p);
  return runs;
}

/** Why a parsed line is not a response record (undefined when it is one). */
function responseProblem(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a response record';
  const r = v as Partial<ResponseRecord>;
  if (typeof r.exampleId !== 'string' || typeof r.candidateId !== 'string') return 'not a response record (no exampleId or candidateId)';
  if (r.output !== undefined && typeof r.output !== 'string') return 'its output is not text';
  if (r.output === undefined && (!r.error || typeof r.error !== 'object')) return 'a response with neither an output nor an error';
  return undefined;
}

/**
 * Every readable line of a run's responses.jsonl in file order (several lines may exist per pair: the last
 * wins). Each output's hash is recomputed: an output edited on disk gets the hash of its new text (so verdicts
 * and labels of the old text no longer attach to it) and is reported. Unreadable lines are reported with their
 * line number.
 */
export function forEachResponse(root: string, runId: string, fn: (r: ResponseRecord) => void, onProblem?: OnStoreProblem, onBytes?: (chunk: Buffer) => void): Promise<void> {
  const file = responsesPath(root, runId);
  return forEachJsonLine<ResponseRecord>(file, (r, line) => {
    if (typeof r.output === 'string') {
      const actual = outputHash(r.output);
      if (r.outputHash !== actual) {   // (an equal one is kept: one string per output, not two)
        if (r.outputHash !== undefined) {
          onProblem?.({ file, line, kind: 'edited-output', message: 'this output is not the text that was stored (its hash differs): its verdicts and labels no longer apply; judge the run again' });
        }
        r.outputHash = actual;
      }
    }
    fn(r);
  }, { onProblem, check: responseProblem, onBytes });
}

/** A run's responses, one per (example, candidate): the last line written for each pair. */
export async function readResponses(root: string, runId: string, onProblem?: OnStoreProblem): Promise<ResponseRecord[]> {
  const byPair = new Map<string, ResponseRecord>();
  await forEachResponse(root, runId, (r) => { byPair.set(`${r.exampleId}\0${r.candidateId}`, r); }, onProblem);
  return [...byPair.values()];
}

/**
 * Checks the pairs read from a run's responses against its manifest: a run records every settled pair as a
 * line, so fewer readable pairs than the manifest counts means lines were lost (a file cut short, lines
 * garbled). A cut-off last line of a run still marked running is its interrupted write, not damage.
 */
export function checkResponseCount(root: string, m: RunManifest, pairsRead: number, problems: StoreProblem[]): StoreProblem[] {
  const running = m.status === 'running';
  const kept = problems.filter((p) => !(running && p.kind === 'cut-off-line'));
  const c = m.counts;
  const recorded = (c.requested ?? 0) + (c.cached ?? 0) + (c.resumed ?? 0) + (c.errors ?? 0);
  const unread = problems.some((p) => p.kind === 'not-a-file' || p.kind === 'too-large');   // already says it all
  if (pairsRead < recorded && !unread) {
    kept.push({ file: responsesPath(root, m.runId), kind: 'missing-responses',
      message: `lacks ${recorded - pairsRead} of the ${recorded} responses its manifest records (lines lost or unreadable)` });
  }
  return kept;
}

/** The newest run of a plan that did not complete, to resume. */
export async function findResumableRun(root: string, planKey: string): Promise<RunManifest | undefined> {
  return (await listRuns(root)).find((m) => m.planKey === planKey && m.status !== 'complete');
}
