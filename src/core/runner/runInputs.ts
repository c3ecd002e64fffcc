// The content a run was made from — prompt text, test-set file, and the parts of the project that shape its
// requests — as hashes in the run manifest. Results whose inputs have changed since are "stale": they say
// nothing about the prompt as it is now, and the comparison and the Runs tree say so.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import * as path from 'node:path';
import type { Candidate, ProjectFile, TestSetSpec } from '../project/types';
import type { RunInputs, RunManifest } from '../store/runs';

const sha = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex').slice(0, 16);

/** Hash of a prompt's text (a leading BOM ignored, as the editor's document text has none). */
export const promptDigest = (text: string): string => sha(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/**
 * Hash of the project's parts that shape a run's requests: the test set's definition (file, format, field mapping)
 * and the run's candidates (endpoint, model, parameters). Other edits (metrics, style, decision rules) leave the
 * outputs valid: they change how outputs are judged, not what the models were asked.
 */
export function projectDigest(spec: TestSetSpec, candidates: readonly Pick<Candidate, 'id' | 'endpoint' | 'model' | 'params'>[]): string {
  const byId = [...candidates].sort((a, b) => a.id.localeCompare(b.id));
  return sha(JSON.stringify([spec.id, spec.path, spec.format ?? null, spec.fields, byId.map((c) => [c.id, c.endpoint, c.model, c.params ?? null])]));
}

/** File hashes by (path, size, mtime): a large test set is hashed once, not on every view refresh. */
const fileHashes = new Map<string, string>();

/** Hash of a file's bytes (streamed); undefined when it cannot be read. */
export async function fileDigest(file: string): Promise<string | undefined> {
  let st: fs.Stats;
  try { st = await fs.promises.stat(file); } catch { return undefined; }
  const key = `${file}\0${st.size}\0${st.mtimeMs}`;
  const known = fileHashes.get(key);
  if (known) return known;
  const hash = createHash('sha256');
  try {
    for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  } catch { return undefined; }
  const digest = hash.digest('hex').slice(0, 16);
  fileHashes.set(key, digest);
  return digest;
}

/** The inputs of a project run, for its manifest. */
export async function runInputs(opts: { promptText: string; testSetFile: string; spec: TestSetSpec; candidates: readonly Candidate[] }): Promise<RunInputs> {
  return { prompt: promptDigest(opts.promptText), testSet: await fileDigest(opts.testSetFile), project: projectDigest(opts.spec, opts.candidates) };
}

/** What changed since a run, in words a user reads ("the prompt", "the test set", "the project"). */
export type StalePart = 'the prompt' | 'the test set' | 'the project';

/**
 * The inputs of a stored run that have changed since it was made ([] when none did, or when the run has no
 * hashes to compare: runs made before hashes were recorded are never called stale). `project` is the current
 * project file; the prompt and test set are read from disk now.
 */
export async function staleParts(project: ProjectFile, m: RunManifest): Promise<StalePart[]> {
  const was = m.inputs;
  if (!was) return [];
  const dir = path.dirname(project.path);
  const out: StalePart[] = [];
  if (was.prompt && m.prompt?.path) {
    const text = await fs.promises.readFile(path.resolve(dir, m.prompt.path), 'utf8').catch(() => undefined);
    if (text === undefined || promptDigest(text) !== was.prompt) out.push('the prompt');
  }
  const spec = project.testSets.find((t) => t.id === m.testSet?.id);
  if (was.testSet && spec) {
    if ((await fileDigest(path.resolve(dir, spec.path))) !== was.testSet) out.push('the test set');
  }
  if (was.project) {
    const candidates = m.candidates.map((c) => project.candidates.find((x) => x.id === c.id));
    if (!spec || candidates.some((c) => !c) || projectDigest(spec, candidates as Candidate[]) !== was.project) out.push('the project');
  }
  return out;
}
