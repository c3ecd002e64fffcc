// One entry point for every prompt format: pick the parser by file name, and by content where names are ambiguous.
import * as path from 'node:path';
import { pointRange } from '../problems';
import { assertInsideProject, decodeWorkspaceText, normalizeLoneCr, readWorkspaceBytes, type EncodingProblem } from '../workspaceFiles';
import { parseYaml, pairOf } from '../yaml';
import { isDotprompt, parseDotprompt, parsePrompty, parseTemplate } from './importers';
import { emptyPrompt, parsePromptYml } from './parsePromptYml';
import type { ParsedPrompt, PromptFormat } from './types';

/** True for the names Prompt Adapt reads as prompts (`*.prompt.md` is Copilot's and is not claimed). */
export function isPromptFileName(file: string): boolean {
  const b = path.basename(file).toLowerCase();
  if (b.endsWith('.prompt.md')) return false;
  return /\.prompt\.ya?ml$|\.prompty$|\.prompt$|\.md$|\.markdown$|\.txt$/.test(b);
}

/**
 * The format of a prompt file: by name (`*.prompt.yml`, `.prompty`, `.md`/`.txt`), by content for `.prompt`
 * (Dotprompt or a plain template) and for anything else (a YAML mapping with `messages` is a prompt.yml).
 */
export function detectPromptFormat(file: string, text: string): PromptFormat {
  const b = path.basename(file).toLowerCase();
  if (/\.prompt\.ya?ml$/.test(b)) return 'prompt.yml';
  if (b.endsWith('.prompty')) return 'prompty';
  if (b.endsWith('.prompt')) return isDotprompt(text) ? 'dotprompt' : 'template';
  if (/\.(md|markdown|txt)$/.test(b)) return 'template';
  if (/\.ya?ml$/.test(b) || /^\s*(name|messages|model)\s*:/m.test(text)) {
    const y = parseYaml(text);
    if (pairOf(y.root, 'messages')) return 'prompt.yml';
  }
  return isDotprompt(text) ? 'dotprompt' : 'template';
}

/** Parses prompt text in the given (or detected) format; for editor buffers that are not saved yet. */
export function parsePromptText(text: string, file: string, format: PromptFormat = detectPromptFormat(file, text)): ParsedPrompt {
  text = normalizeLoneCr(text); // a lone CR is a line break, as in editors; offsets do not move
  switch (format) {
    case 'prompt.yml': return parsePromptYml(text, file);
    case 'prompty': return parsePrompty(text, file);
    case 'dotprompt': return parseDotprompt(text, file);
    case 'template': return parseTemplate(text, file);
  }
}

/** A prompt that could not be decoded: no messages, one problem saying why (at the first bad byte). */
function undecodable(file: string, problem: EncodingProblem): ParsedPrompt {
  const format = detectPromptFormat(file, '');
  const at = pointRange(problem.line - 1, problem.column - 1);
  return {
    prompt: emptyPrompt(file, format), anchors: { top: at, messages: at }, links: [],
    problems: [{ file, range: at, severity: 'error', code: problem.code, message: problem.message }],
  };
}

/**
 * Reads and parses a prompt file of any supported format (UTF-8 text; see decodeWorkspaceText). With
 * `root`, the file must lie inside that folder after symbolic links (a prompt named by another workspace
 * file). Rejects when the file cannot be read, is not a regular file, or is outside `root`.
 */
export async function loadPromptFile(file: string, opts: { root?: string } = {}): Promise<ParsedPrompt> {
  const abs = path.resolve(file);
  if (opts.root !== undefined) await assertInsideProject(opts.root, abs);
  const decoded = decodeWorkspaceText(await readWorkspaceBytes(abs));
  if ('problem' in decoded) return undecodable(abs, decoded.problem);
  return parsePromptText(decoded.text, abs);
}
