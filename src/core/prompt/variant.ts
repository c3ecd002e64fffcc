// "New prompt variant": a copy of a prompt file named `name.<variant>.prompt.yml` whose `adapt.variantOf`
// points at its parent.
import * as path from 'node:path';
import { UserError } from '../errors';
import { pairOf, parseYaml } from '../yaml';
import { setValueInPlace } from '../yamlInPlace';

const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Why a variant name is not acceptable, or undefined if it is (for input-box validation). */
export function checkVariantName(variant: string): string | undefined {
  if (variant.trim() === '') return 'Enter a name for the variant, e.g. "concise" or "v2".';
  if (variant.includes('.')) return 'A variant name cannot contain "." (it becomes part of name.<variant>.prompt.yml).';
  if (/[\\/]/.test(variant)) return 'A variant name cannot contain "/" or "\\"; it names a file next to its parent.';
  if (!VARIANT_NAME.test(variant)) return 'Use up to 64 letters, digits, "-" or "_", starting with a letter or digit.';
  return undefined;
}

/** `dir/qa.prompt.yml` + `concise` -> `dir/qa.concise.prompt.yml`. Throws UserError for a bad variant name. */
export function variantFileName(parentPath: string, variant: string): string {
  const why = checkVariantName(variant);
  if (why) throw new UserError(`Invalid variant name '${variant}'. ${why}`);
  const dir = path.dirname(parentPath);
  const base = path.basename(parentPath);
  const m = /^(.*)\.prompt\.ya?ml$/i.exec(base);
  const stem = m ? m[1]! : base.replace(/\.[^.]*$/, '');
  return path.join(dir, `${stem}.${variant}.prompt.yml`);
}

/**
 * The text of a new variant: the parent's text with `adapt.variantOf` set to `parentFileName` (relative to the
 * variant, which sits next to its parent). Key order, message text and comments inside the file are kept. With a
 * `variant` name, the variant also gets a name of its own ("Support QA (concise)") and its own header comment in
 * place of the parent's (which describes the parent, e.g. "the baseline"), so the two are never confused.
 */
export function makeVariantText(parentText: string, parentFileName: string, variant?: string): string {
  const parent = path.basename(parentFileName);
  const linked = setValueInPlace(parentText, ['adapt', 'variantOf'], parent);
  if (variant === undefined) return linked;
  const name = pairOf(parseYaml(parentText).root, 'name')?.value;
  const parentName = name?.kind === 'scalar' && typeof name.value === 'string' && name.value.trim() ? name.value.trim() : undefined;
  const named = parentName ? setValueInPlace(linked, ['name'], `${parentName} (${variant})`) : linked;
  return `# Variant '${variant}' of ${parent}${parentName ? ` (${parentName})` : ''}.\n${withoutHeaderComment(named)}`;
}

/** The text without its leading comment block (comment and blank lines before the first key). */
function withoutHeaderComment(text: string): string {
  const m = /^(?:[ \t]*(?:#[^\n]*)?\r?\n)*/.exec(text);
  return text.slice(m ? m[0].length : 0);
}
