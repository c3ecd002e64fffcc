// Guards every rewrite must pass before it becomes a variant file: the same {{variables}} as the parent,
// the same messages (roles, in order), the output-format contract still stated, the `adapt:` block kept
// (only provenance added), and a prompt file without errors. A rewrite that breaks one is rejected with
// the reason, and the rejection is counted in the adaptation.
import { isDeepStrictEqual } from 'node:util';
import { parsePromptYml } from '../prompt/parsePromptYml';
import type { OutputSpec, PromptFile } from '../prompt/types';

export type GuardId = 'invalid-file' | 'messages' | 'variables' | 'output-format' | 'adapt-block' | 'unchanged';

export type GuardResult = { ok: true; variant: PromptFile } | { ok: false; guard: GuardId; reason: string };

const variablesOf = (p: PromptFile): Set<string> => new Set(p.messages.flatMap((m) => m.variables.map((v) => v.name)));
const list = (xs: Iterable<string>, wrap = (s: string) => `{{${s}}}`): string => [...xs].map(wrap).join(', ');

/**
 * The words of the output-format contract a prompt's messages must keep stating: the element (or key)
 * names of the answer and IDK paths, or the IDK phrases of a text output, as far as the parent states them.
 */
export function formatTokens(spec: OutputSpec | undefined, parentText: string): string[] {
  if (!spec) return [];
  let tokens: string[];
  if (spec.format === 'text') tokens = spec.idkPhrases ?? [];
  else {
    const names = [spec.answer, spec.idk ?? ''].flatMap((p) => p.split('.')).filter((s) => s !== '');
    tokens = [...new Set(names)].map((n) => (n.startsWith('@') ? `${n.slice(1)}=` : spec.format === 'xml' ? `<${n}` : `"${n}"`));
  }
  return tokens.filter((t) => parentText.includes(t));
}

const messagesText = (p: PromptFile): string => p.messages.map((m) => m.content).join('\n');

/** Checks a rewritten prompt file's text against its parent. `variantPath` names the file it will be written to. */
export function checkRewrite(parent: PromptFile, variantText: string, variantPath: string): GuardResult {
  const parsed = parsePromptYml(variantText, variantPath);
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (errors.length) return { ok: false, guard: 'invalid-file', reason: `the rewritten file is not a valid prompt file: ${errors[0]!.message}` };
  const variant = parsed.prompt;
  const roles = (p: PromptFile): string => p.messages.map((m) => m.role).join(', ');
  if (roles(variant) !== roles(parent)) return { ok: false, guard: 'messages', reason: `the messages changed from (${roles(parent)}) to (${roles(variant)}); a rewrite edits their text only` };
  const before = variablesOf(parent);
  const after = variablesOf(variant);
  const lost = [...before].filter((v) => !after.has(v));
  const added = [...after].filter((v) => !before.has(v));
  if (lost.length || added.length) {
    return { ok: false, guard: 'variables', reason: [lost.length ? `drops ${list(lost)}` : '', added.length ? `adds ${list(added)}` : ''].filter(Boolean).join(' and ') + ' (a variant keeps the parent\'s variables)' };
  }
  const parentText = messagesText(parent);
  const missing = formatTokens(parent.adapt.output, parentText).filter((t) => !messagesText(variant).includes(t));
  if (missing.length) return { ok: false, guard: 'output-format', reason: `no longer states the output format (${list(missing, (s) => `'${s}'`)} is gone)` };
  const { provenance: _p, variantOf: _v, ...kept } = variant.adapt;
  const { provenance: _pp, variantOf: _pv, ...parentKept } = parent.adapt;
  if (!isDeepStrictEqual(kept, parentKept)) return { ok: false, guard: 'adapt-block', reason: "changes the 'adapt:' block (output spec or style settings); only provenance may be added" };
  if (variant.messages.every((m, i) => m.content === parent.messages[i]!.content)) return { ok: false, guard: 'unchanged', reason: 'the rewrite is the parent unchanged' };
  return { ok: true, variant };
}
