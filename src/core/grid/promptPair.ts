// A prompt variant's messages beside its parent's, for the webview's word-level prompt diff. The parent is the
// one the comparison compares the variant with when the caller knows it, else the file's `adapt.variantOf`.
import * as path from 'node:path';
import type { PromptPair } from '../../protocol/grid';
import type { ReviewSystem } from '../../protocol/messages';
import type { ProjectFile } from '../project/types';
import { loadPromptFile } from '../prompt/load';
import type { PromptFile } from '../prompt/types';

/** The messages as the model receives them before rendering: role, then the template text exactly as written. */
export function messagesText(p: PromptFile): string {
  return p.messages.map((m) => `${m.role}:\n${m.content}`).join('\n\n');
}

/**
 * `system.prompt` and `parentPrompt` are relative to the project file; both files must lie inside the project's
 * folder. Without a known parent, the variant's own `adapt.variantOf` names it; a prompt that is not a variant
 * comes back alone.
 */
export async function promptPair(project: Pick<ProjectFile, 'path'>, system: ReviewSystem, parentPrompt?: string): Promise<PromptPair> {
  const root = path.dirname(project.path);
  const load = (rel: string): Promise<PromptFile> => loadPromptFile(path.resolve(root, rel), { root }).then((p) => p.prompt);
  const prompt = await load(system.prompt);
  const parentRel = parentPrompt ?? (prompt.adapt.variantOf
    ? path.relative(root, path.resolve(path.dirname(prompt.path), prompt.adapt.variantOf)).split(path.sep).join('/') : undefined);
  const base: PromptPair = { systemId: system.systemId, prompt: system.prompt, text: messagesText(prompt) };
  if (parentRel === undefined) return base;
  try {
    return { ...base, parentPrompt: parentRel, parentText: messagesText(await load(parentRel)) };
  } catch (err) {
    throw new Error(`Cannot read ${parentRel}, the parent of ${system.prompt}: ${(err as Error).message}`, { cause: err });
  }
}
