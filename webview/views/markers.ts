// The markers of the review list's rows, defined once with what they mean, so the list and its legend agree.
import { h } from '../dom';
import type { ReviewOutput } from '../../src/protocol/messages';

export const ROW_MARKERS: readonly { mark: string; meaning: string; on: (o: ReviewOutput) => boolean }[] = [
  { mark: '⚠', meaning: 'the request failed', on: (o) => !!o.error },
  { mark: 'IDK', meaning: 'the model said it does not know', on: (o) => o.idk },
  { mark: '✎', meaning: 'a style rule flags the answer', on: (o) => o.findings.length > 0 },
  { mark: '✓', meaning: 'a human label is given', on: (o) => !!o.label },
];

/** The markers that apply to an output, as the list shows them. */
export const rowMarkers = (o: ReviewOutput | undefined): string => (o ? ROW_MARKERS.filter((m) => m.on(o)).map((m) => m.mark).join(' ') : '');

/** One line saying what each marker means. */
export function markerLegend(): HTMLElement {
  return h('span', { class: 'keys muted marker-legend' }, 'Markers: ', ROW_MARKERS.map((m) => `${m.mark} ${m.meaning}`).join(' · '));
}
