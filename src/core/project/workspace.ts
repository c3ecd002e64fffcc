// Joining the project file with its test sets and prompts: what the editor's completion/diagnostics and the
// CLI's `validate` need.
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { groundTruthVariables, type VariableSources } from '../prompt/editorSupport';
import { mappedVariables } from '../prompt/render';
import { PROJECT_FILE_NAME } from './parseProject';
import { fieldNames, testSetSource } from './testSet';
import type { ProjectFile } from './types';

/** Field names and mapped variables of one test set (empty `fields` when the file cannot be read). */
export interface TestSetVariables { id: string; path: string; fields: string[]; mapped: string[]; readable: boolean }

/** Reads the first rows of every test set of the project for its field names (for completion and checks). */
export async function testSetVariables(project: ProjectFile, rows = 20): Promise<TestSetVariables[]> {
  return Promise.all(project.testSets.map(async (spec) => {
    const source = testSetSource(project, spec);
    let fields: string[] = [];
    let readable = true;
    try { fields = await fieldNames(source, rows); } catch { readable = false; }
    return { id: spec.id, path: source.path, fields, mapped: mappedVariables(spec.fields), readable };
  }));
}

/**
 * What a prompt may use in this project: the union over all readable test sets (a prompt is run on any of
 * them). With no readable test set, `fields` is left undefined so no variable is called unknown.
 */
export async function projectVariableSources(project: ProjectFile, rows = 20): Promise<VariableSources> {
  const sets = (await testSetVariables(project, rows)).filter((s) => s.readable);
  const groundTruth = [...new Set(project.testSets.flatMap((t) => groundTruthVariables(t.fields)))];
  if (!sets.length) return { mapped: project.testSets.flatMap((t) => mappedVariables(t.fields)), groundTruth };
  return {
    groundTruth,
    fields: [...new Set(sets.flatMap((s) => s.fields))],
    mapped: [...new Set(sets.flatMap((s) => s.mapped))],
    label: sets.length === 1 ? `test set '${sets[0]!.id}'` : `the test sets (${sets.map((s) => s.id).join(', ')})`,
  };
}

/** The project file in `dir` or the nearest parent directory, if any. */
export async function findProjectFile(dir: string): Promise<string | undefined> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const f = path.join(d, PROJECT_FILE_NAME);
    try { await access(f); return f; } catch { /* keep looking */ }
    if (path.dirname(d) === d) return undefined;
  }
}
