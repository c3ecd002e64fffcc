// Variants are real files: `name.<tag>.prompt.yml` next to the parent, the parent's text with the edited
// message contents, `adapt.variantOf` pointing at the parent and `adapt.provenance` saying where it came from.
// Everything else (model parameters, test data, evaluators, the output spec, comments) is the parent's.
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { AdaptProvenance } from '../prompt/types';
import { variantFileName } from '../prompt/variant';
import { editYaml } from '../yaml';

/** A short content hash of a prompt file's text, recorded as the parent hash in provenance. */
export const contentHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The variant tag of round `round` of a strategy: `reflect-2`. */
export const variantTag = (strategy: string, round: number): string => `${strategy}-${round}`;

/** Where the variant of `parentPath` with `tag` is written. */
export const variantPath = (parentPath: string, tag: string): string => variantFileName(parentPath, tag);

/** Provenance without empty fields, in a fixed key order (so a re-written file is byte-identical). */
function tidy(p: AdaptProvenance): AdaptProvenance {
  const out: AdaptProvenance = { strategy: p.strategy, round: p.round, parentHash: p.parentHash, splitSeed: p.splitSeed };
  if (p.adaptation) out.adaptation = p.adaptation;
  if (p.basedOn) out.basedOn = p.basedOn;
  if (p.rewriter) out.rewriter = p.rewriter;
  if (p.rules?.length) out.rules = [...p.rules];
  if (p.rationale?.trim()) out.rationale = p.rationale.trim();
  return out;
}

/**
 * The text of a variant: `contents[i]` replaces the content of message i (undefined keeps it), and the
 * `adapt:` block gains `variantOf` and `provenance`. Throws a UserError if the parent is not valid YAML.
 */
export function variantText(parentText: string, parentPath: string, contents: readonly (string | undefined)[], provenance: AdaptProvenance): string {
  const edits = contents.flatMap((c, i) => (c === undefined ? [] : [{ path: ['messages', i, 'content'], value: c }]));
  return editYaml(parentText, [
    ...edits,
    { path: ['adapt', 'variantOf'], value: path.basename(parentPath) },
    { path: ['adapt', 'provenance'], value: tidy(provenance) },
  ]);
}
