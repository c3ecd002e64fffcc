import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserError } from '../../core/errors';
import type { RunResult } from '../../core/runner/runner';
import type { RunManifest } from '../../core/store/runs';
import type { Services } from '../services';

/**
 * "Run Again": the same prompt (as it is now), test set and candidates as a stored run. Arguments: a Runs tree node,
 * a run id, or `{ prompt, testSetId, candidates }` with the prompt relative to the project file (the panel's button).
 */
export async function runAgain(s: Services, arg: unknown): Promise<RunResult | undefined> {
  const parsed = await s.project.project();
  if (!parsed) throw new UserError('Running needs a prompt-adapt.yml project file.');
  const what = await target(s, arg);
  if (!what) throw new UserError('Run Again: no such run.');
  const known = what.candidates.filter((id) => parsed.project.candidates.some((c) => c.id === id));
  if (known.length === 0) throw new UserError(`None of the run's candidates (${what.candidates.join(', ')}) is in prompt-adapt.yml any more.`);
  const prompt = vscode.Uri.file(path.resolve(path.dirname(parsed.project.path), what.prompt));
  return s.runs.run(prompt, { testSet: what.testSetId, candidates: known });
}

async function target(s: Services, arg: unknown): Promise<{ prompt: string; testSetId: string; candidates: string[] } | undefined> {
  let m: RunManifest | undefined;
  if (typeof arg === 'string') m = (await s.outputs.allRuns()).find((r) => r.runId === arg);
  else if (arg && typeof arg === 'object' && 'manifest' in arg) m = (arg as { manifest: RunManifest }).manifest;
  else if (arg && typeof arg === 'object' && 'prompt' in arg) {
    const o = arg as Record<string, unknown>;
    if (typeof o.prompt === 'string' && typeof o.testSetId === 'string' && Array.isArray(o.candidates) && o.candidates.every((c) => typeof c === 'string')) {
      return { prompt: o.prompt, testSetId: o.testSetId, candidates: o.candidates as string[] };
    }
    return undefined;
  }
  if (!m?.prompt?.path || !m.testSet?.id) return undefined;
  return { prompt: m.prompt.path, testSetId: m.testSet.id, candidates: m.candidates.map((c) => c.id) };
}
