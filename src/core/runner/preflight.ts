// Before a run: refuse a prompt that cannot be rendered on the chosen test set. An unknown `{{variable}}` would
// otherwise send one request per example, each failing with "cannot render the prompt", and leave a run that looks
// finished. The refusal names the problem and where it is, as the Problems panel and `prompt-adapt validate` do.
import * as path from 'node:path';
import { UserError } from '../errors';
import type { Problem } from '../problems';
import { fieldNames, type TestSetSource } from '../project/testSet';
import type { TestSetSpec } from '../project/types';
import { unknownVariables } from '../prompt/editorSupport';
import { mappedVariables } from '../prompt/render';
import type { PromptFile } from '../prompt/types';

/** `file:line:col` of a problem, with the file's base name (for one-line messages). */
export const problemPlace = (p: Problem): string => `${path.basename(p.file)}:${p.range.start.line + 1}:${p.range.start.character + 1}`;

/** A run that was not started because its inputs have errors; `problems` are the errors, first one first. */
export class RunRefused extends UserError {
  constructor(readonly problems: readonly Problem[]) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more error${problems.length > 2 ? 's' : ''})` : '';
    super(`Not run: ${problemPlace(first)}: ${first.message}${more}`, 'Fix it first; nothing was sent.');
  }
}

/** Refuses with the errors among `problems`, if any. */
export function refuseOnErrors(problems: readonly Problem[]): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new RunRefused(errors);
}

/**
 * The errors that would make every request of a run on this test set fail: variables the prompt uses that neither
 * the test set's fields (from its first rows) nor its field mapping provide. An unreadable or empty test set gives
 * none here (reading it for the run reports that itself).
 */
export async function renderBlockers(prompt: PromptFile, spec: TestSetSpec, source: TestSetSource): Promise<Problem[]> {
  let fields: string[];
  try { fields = await fieldNames(source); } catch { return []; }
  if (fields.length === 0) return []; // no rows: reading the test set for the run says so
  return unknownVariables(prompt, { fields, mapped: mappedVariables(spec.fields), label: `test set '${spec.id}'` });
}
