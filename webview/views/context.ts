// What every view gets from the app: the state, the host connection and a few shared actions.
import type { ComparisonReport, TestSetComparison } from '../../src/protocol/comparison';
import type { PanelState } from '../../src/protocol/messages';
import type { HostClient } from '../host';

export interface ViewContext {
  readonly state: PanelState;
  readonly report: ComparisonReport | undefined;
  readonly host: HostClient;
  /** Merges into the state, persists it and re-renders. */
  update(patch: Partial<PanelState>): void;
  /** Shows a transient status message (errors included). */
  status(text: string, kind?: 'info' | 'error'): void;
  /** The selected test set's comparison. */
  testSet(): TestSetComparison | undefined;
}

/** Serialises a figure (SVG) for the clipboard. */
export function svgText(el: Element): string {
  return new XMLSerializer().serializeToString(el);
}

/** A table element as tab-separated text (pastes into spreadsheets and Markdown converters). */
export function tableText(table: HTMLTableElement): string {
  return [...table.rows].map((r) => [...r.cells].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()).join('\t')).join('\n');
}

export async function copy(ctx: ViewContext, text: string, what: string): Promise<void> {
  try {
    await ctx.host.request('copyText', { text, what });
    ctx.status(`Copied ${what}.`);
  } catch (err) { ctx.status(`Copy failed: ${(err as Error).message}`, 'error'); }
}
