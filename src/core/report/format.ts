// Shared helpers of the report renderers: number formatting and escaping for each output language.
// Everything that came from a model, a test set or a file name is untrusted and goes through these.
import { shownPoint, type CellStatus, type DecisionCell, type Interval, type VerdictName } from '../../protocol/comparison';
import { STATUS_STYLE, VERDICT_WORDS } from '../../protocol/legend';

/** A fraction as a percentage with one decimal, `–` when absent. */
export const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)}%`);

/** A difference in percentage points with its sign. */
export const pp = (x: number | undefined): string =>
  x === undefined || !Number.isFinite(x) ? '–' : `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)} pp`;

/** `+1.2 pp [−0.4, +2.9]`. */
export const ppInterval = (i: Interval | undefined): string =>
  i ? `${pp(shownPoint(i))} [${pp(i.lo).replace(' pp', '')}, ${pp(i.hi).replace(' pp', '')}]` : '–';

export const num = (x: number | undefined, digits = 0): string => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

export const money = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `$${x < 1 ? x.toFixed(4) : x.toFixed(2)}`);

/** PASS / FAIL / UNKNOWN, as the shared legend words them (protocol/legend). */
export const STATUS_WORD: Record<CellStatus, string> = { pass: STATUS_STYLE.pass.word, fail: STATUS_STYLE.fail.word, unknown: STATUS_STYLE.unknown.word };

export const cellText = (c: DecisionCell): string => `${STATUS_WORD[c.status]} ${c.detail}`;

// Control characters (other than tab/newline) are not allowed in XML 1.0 and have no place in a report;
// lone surrogates are dropped so every output is valid UTF-8.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

/** Removes characters no report format can carry safely. */
export const clean = (s: string): string => s.replace(CONTROL, '');

/** Text for HTML element content and quoted attribute values (also valid in XML). */
export function escapeHtml(s: string): string {
  return clean(s).replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;').replace(/'/gu, '&#39;');
}

/** Text in a Markdown table cell: no HTML, no emphasis, links or code, no line breaks, no cell breaks. */
export function escapeMarkdown(s: string): string {
  return clean(s).replace(/[\r\n]+/gu, ' ')
    .replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;')
    .replace(/[\\`*_{}[\]#|~]/gu, (c) => `\\${c}`);
}

/**
 * One CSV field (RFC 4180). Text that a spreadsheet would run as a formula (leading = + - @ or a control)
 * gets a leading apostrophe; numbers are written as numbers. A field with `;` or a tab is quoted as well as
 * one with `,`: spreadsheets in many locales split on `;`, and `a;=cmd()` would start a formula in its second cell.
 */
export function csvField(v: string | number | boolean | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  let s = clean(v);
  if (/^[=+\-@\t\r]/u.test(s)) s = `'${s}`;
  return /[",;\t\r\n]/u.test(s) ? `"${s.replace(/"/gu, '""')}"` : s;
}

/** A verdict as a report shows it (METHOD §7), from the shared legend; "do not act" in capitals so it stands out in plain text. */
export const VERDICT_TEXT: Record<VerdictName, string> = { ...Object.fromEntries(Object.entries(VERDICT_WORDS).map(([k, v]) => [k, v.word])) as Record<VerdictName, string>, 'do-not-act': 'DO NOT ACT' };
