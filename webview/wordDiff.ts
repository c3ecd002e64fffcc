// The one entry of jsdiff (the `diff` package, BSD-3-Clause) into the webview: word-level changes between two
// texts as plain data. Rendering (text nodes in <del>/<ins>) is views/diffView.ts's job.
import { diffWordsWithSpace } from 'diff';

export interface WordChange { text: string; kind: 'same' | 'added' | 'removed' }

/**
 * Changes from `before` to `after`, word by word; whitespace and newlines are tokens too, so the unchanged and
 * removed parts spell `before` exactly and the unchanged and added parts spell `after`. Undefined when the texts
 * are too different to diff within `timeoutMs` (jsdiff gives up rather than freeze the panel).
 */
export function wordChanges(before: string, after: string, timeoutMs = 300): WordChange[] | undefined {
  const parts = diffWordsWithSpace(before, after, { timeout: timeoutMs });
  return parts?.map((p) => ({ text: p.value, kind: p.added ? 'added' : p.removed ? 'removed' : 'same' }));
}
