// Word-level differences on screen: text nodes inside <del>/<ins> (never markup), built from wordDiff.ts's
// changes. Used for two outputs side by side in the review and for a prompt variant against its parent.
import type { PromptPair } from '../../src/protocol/grid';
import { h } from '../dom';
import { wordChanges, type WordChange } from '../wordDiff';

/** What one side shows: `before` the unchanged and removed words, `after` the unchanged and added, `both` everything. */
export type DiffSide = 'before' | 'after' | 'both';

export function diffNodes(changes: readonly WordChange[], side: DiffSide): Node[] {
  const out: Node[] = [];
  for (const c of changes) {
    if (c.kind === 'same') out.push(document.createTextNode(c.text));
    else if (c.kind === 'removed' && side !== 'after') out.push(h('del', { class: 'diff-del', title: 'only in the first text' }, c.text));
    else if (c.kind === 'added' && side !== 'before') out.push(h('ins', { class: 'diff-ins', title: 'only in the second text' }, c.text));
  }
  return out;
}

/** Words removed and added (whitespace not counted). */
export function changeCounts(changes: readonly WordChange[]): { removed: number; added: number } {
  const words = (t: string): number => t.split(/\s+/).filter(Boolean).length;
  let removed = 0, added = 0;
  for (const c of changes) if (c.kind === 'removed') removed += words(c.text); else if (c.kind === 'added') added += words(c.text);
  return { removed, added };
}

const tooDifferent = (): HTMLElement => h('p', { class: 'muted diff-none' }, 'The texts are too different to compare word by word.');

/** A variant's messages against its parent's, in one text with deletions and insertions marked. */
export function promptDiffView(pair: PromptPair): HTMLElement {
  if (pair.parentText === undefined || pair.parentPrompt === undefined) {
    return h('p', { class: 'muted prompt-diff' }, `${pair.prompt} is not a variant of another prompt.`);
  }
  const changes = wordChanges(pair.parentText, pair.text);
  if (!changes) return h('div', { class: 'prompt-diff' }, tooDifferent());
  const { removed, added } = changeCounts(changes);
  return h('div', { class: 'prompt-diff' },
    h('p', { class: 'muted diff-summary' }, removed + added === 0 ? `Same messages as ${pair.parentPrompt}.`
      : `${pair.prompt} against its parent ${pair.parentPrompt}: ${added} word${added === 1 ? '' : 's'} added, ${removed} removed.`),
    h('pre', { class: 'text diff-text' }, ...diffNodes(changes, 'both')));
}
