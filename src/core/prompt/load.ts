// One entry point for every prompt format: pick the parser by file name, and by content where names are ambiguous.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseYaml, pairOf } from '../yaml';
import { isDotprompt, parseDotprompt, parsePrompty, parseTemplate } from './importers';
import { parsePromptYml } from './parsePromptYml';
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
  switch (format) {
    case 'prompt.yml': return parsePromptYml(text, file);
    case 'prompty': return parsePrompty(text, file);
    case 'dotprompt': return parseDotprompt(text, file);
    case 'template': return parseTemplate(text, file);
  }
}

/** Reads and parses a prompt file of any supported format. Rejects only when the file cannot be read. */
export async function loadPromptFile(file: string): Promise<ParsedPrompt> {
  const text = await readFile(file, 'utf8');
  return parsePromptText(text, path.resolve(file));
}
