// The run store under `.prompt-adapt/`: `runs/<runId>/manifest.json` (rewritten atomically) and
// `runs/<runId>/responses.jsonl` (append-only). Readers here are for every module that looks at runs.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors';
import type { ErrorKind, ResponseRecord } from './records';
import { forEachJsonLine, writeFileAtomic, writeFileAtomicAsync } from './jsonl';

export type RunStatus = 'running' | 'complete' | 'incomplete' | 'cancelled';

/** An aggregated problem of a run: one per cause, with a count, never one message per example. */
export interface RunIssue {
  /** Stable key of the cause (kind + scope). */
  key: string;
  kind: ErrorKind;
  severity: 'error' | 'warning' | 'info';
  /** What the runner did about it. */
  action: 'stopped-endpoint' | 'stopped-candidate' | 'recorded' | 'backing-off' | 'retrying';
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
  cost: number;
  issues: RunIssue[];
}

export const runsDir = (root: string): string => path.join(root, 'runs');
/** One folder name in a run id: no path separators, and no leading '.' (so never '.' or '..'). */
const RUN_ID_PART = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/u;

/**
 * A run's folder. The run id may come from the command line (`--run-id`), so it is checked here, where every
 * run path is made: a run id that is not a plain name (or `<run>/judges/<batch>`) would lead outside the store.
 */
export function runDir(root: string, runId: string): string {
  const parts = runId.split('/');
  if (!parts.every((p) => RUN_ID_PART.test(p)) || !(parts.length === 1 || (parts.length === 3 && parts[1] === 'judges'))) {
    throw new UserError(`'${runId}' is not a run id: use letters, digits, '.', '_' and '-' only (not starting with '.'); a run id names a folder in the store.`);
  }
  return path.join(root, 'runs', runId);
}
export const cacheDir = (root: string): string => path.join(root, 'cache');
export const responsesPath = (root: string, runId: string): string => path.join(runDir(root, runId), 'responses.jsonl');

/** A sortable, unique run id: `20250102-030405-ab12cd`. */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${iso}-${randomBytes(3).toString('hex')}`;
}

export function writeManifest(root: string, m: RunManifest): void {
  fs.mkdirSync(runDir(root, m.runId), { recursive: true });
  writeFileAtomic(path.join(runDir(root, m.runId), 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
}

/** `writeManifest` off the event loop, for periodic checkpoints; the caller awaits it before any later write. */
export function writeManifestAsync(root: string, m: RunManifest): Promise<void> {
  return writeFileAtomicAsync(path.join(runDir(root, m.runId), 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
}

/** A run's manifest, or undefined when there is none. */
export async function readManifest(root: string, runId: string): Promise<RunManifest | undefined> {
  try { return JSON.parse(await fs.promises.readFile(path.join(runDir(root, runId), 'manifest.json'), 'utf8')) as RunManifest; }
  catch (err) { if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; throw err; }
}

/** All runs with a readable manifest, newest first. */
export async function listRuns(root: string): Promise<RunManifest[]> {
  let ids: string[];
  try { ids = await fs.promises.readdir(runsDir(root)); } catch { return []; }
  const out: RunManifest[] = [];
  for (const id of ids) { try { const m = await readManifest(root, id); if (m) out.push(m); } catch { /* a half-written dir */ } }
  return out.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

/** Every line of a run's responses.jsonl in file order (a torn last line is skipped). Several lines may exist per pair: the last wins. */
export function forEachResponse(root: string, runId: string, fn: (r: ResponseRecord) => void): Promise<void> {
  return forEachJsonLine<ResponseRecord>(responsesPath(root, runId), fn);
}

/** A run's responses, one per (example, candidate): the last line written for each pair. */
export async function readResponses(root: string, runId: string): Promise<ResponseRecord[]> {
  const byPair = new Map<string, ResponseRecord>();
  await forEachResponse(root, runId, (r) => { byPair.set(`${r.exampleId}\0${r.candidateId}`, r); });
  return [...byPair.values()];
}

/** The newest run of a plan that did not complete, to resume. */
export async function findResumableRun(root: string, planKey: string): Promise<RunManifest | undefined> {
  return (await listRuns(root)).find((m) => m.planKey === planKey && m.status !== 'complete');
}
