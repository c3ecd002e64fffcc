// What the comparison says about the store's damage and gaps, next to its numbers: every unreadable line or
// file it met (counted per file, with line numbers), outputs edited on disk, and outputs it has no verdict for.
// Damage to the compared data is an error (the CLI's `compare` exits 1); gaps it can explain are warnings.
import * as path from 'node:path';
import type { Note, TestSetComparison } from '../../protocol/comparison';
import { counted } from '../../protocol/legend';
import type { StoreProblem } from '../store/problems';
import type { SystemData } from './systems';

/** Note codes of store damage; an error note with one of them makes `compare` exit 1. */
export const STORE_DAMAGE = 'store-damaged';
export const STORE_EDITED = 'store-edited-outputs';
export const MISSING_VERDICTS = 'missing-verdicts';

const SHOWN_LINES = 5;

/** What one line of a store file holds, for "3 responses unreadable". */
function recordsOf(file: string, count: number): string {
  const base = path.basename(file);
  const what = base === 'responses.jsonl' ? 'response' : base === 'verdicts.jsonl' ? 'verdict'
    : path.basename(path.dirname(file)) === 'labels' ? 'label' : 'line';
  return count === 1 ? what : `${what}s`;
}

const rel = (base: string, file: string): string => {
  const r = path.relative(base, file);
  return !r || r.startsWith('..') || path.isAbsolute(r) ? file : r.split(path.sep).join('/');
};

const linesText = (lines: number[]): string =>
  lines.length === 0 ? '' : ` (line${lines.length > 1 ? 's' : ''} ${lines.slice(0, SHOWN_LINES).join(', ')}${lines.length > SHOWN_LINES ? `, … ${lines.length - SHOWN_LINES} more` : ''})`;

/**
 * One note per (file, kind of problem), with counts and the first line numbers. `n` is the test set's n, so
 * each damage note reads "n = 72; 3 responses unreadable in …".
 */
export function storeProblemNotes(problems: readonly StoreProblem[], base: string, n?: number): Note[] {
  const groups = new Map<string, StoreProblem[]>();
  for (const p of problems) {
    const key = `${p.file}\0${p.kind}\0${p.kind === 'unreadable-line' || p.kind === 'cut-off-line' || p.kind === 'line-too-long' ? '' : p.message}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    if (!g.some((x) => x.line === p.line && x.message === p.message)) g.push(p);
  }
  const prefix = n === undefined ? '' : `n = ${n}; `;
  const notes: Note[] = [];
  for (const g of groups.values()) {
    const p = g[0]!;
    const file = rel(base, p.file);
    const lines = g.flatMap((x) => (x.line === undefined ? [] : [x.line])).sort((a, b) => a - b);
    const what = recordsOf(p.file, g.length);
    switch (p.kind) {
      case 'edited-output':
        notes.push({ code: STORE_EDITED, severity: 'warning',
          message: `${g.length} output${g.length > 1 ? 's' : ''} in ${file} changed on disk after ${g.length > 1 ? 'they were' : 'it was'} stored${linesText(lines)}: their verdicts and labels no longer apply; judge the run again.` });
        break;
      case 'unreadable-line': case 'cut-off-line': case 'line-too-long':
        notes.push({ code: STORE_DAMAGE, severity: 'error',
          message: `${prefix}${g.length} ${what} unreadable in ${file}${linesText(lines)}: ${p.message}. The comparison leaves ${g.length > 1 ? 'them' : 'it'} out.` });
        break;
      default:
        notes.push({ code: STORE_DAMAGE, severity: 'error', message: `${prefix}${file} ${p.message}.` });
    }
  }
  return notes;
}

/**
 * A note when outputs of the compared systems have no verdict of the primary metric at all. A system judged in part
 * (verdicts lost, an interrupted judge, outputs edited since) makes it an error: the numbers would stand on a subset
 * nobody chose, so `compare` exits 1. A system never judged is a warning (its comparison says to judge it).
 */
export function missingVerdictNote(systems: Iterable<SystemData>, n: number, metricId: string | undefined): Note | undefined {
  if (!metricId) return undefined;
  const missing: string[] = [];
  let total = 0;
  let partial = false;
  for (const d of systems) {
    let k = 0;
    for (const e of d.examples.values()) if (e.verdict === undefined) k++;
    if (k) { missing.push(`${d.candidate.id} ${k}`); total += k; }
    if (k && k < d.examples.size) partial = true;
  }
  if (total === 0) return undefined;
  return { code: MISSING_VERDICTS, severity: partial ? 'error' : 'warning',
    message: `n = ${n}; ${counted(total, 'output')} ${total === 1 ? 'has' : 'have'} no verdict of '${metricId}' (${missing.join(', ')}) and are left out of the estimates: judge the runs (prompt-adapt judge).` };
}

/** Names systems by candidate, adding the prompt file where a candidate runs on several prompts (variants). */
function systemNamer(systems: Iterable<SystemData>): (d: SystemData) => string {
  const prompts = new Map<string, Set<string>>();
  for (const d of systems) prompts.set(d.candidate.id, (prompts.get(d.candidate.id) ?? new Set()).add(d.promptPath));
  return (d) => (prompts.get(d.candidate.id)!.size > 1 ? `${d.candidate.id} · ${path.basename(d.promptPath)}` : d.candidate.id);
}

/** What an error kind means to a reader of the comparison. */
const ERROR_KIND_TEXT: Record<string, [one: string, many: string]> = {
  truncated: ['cut at the token limit before any answer', 'cut at the token limit before any answer'], 'empty-output': ['empty reply', 'empty replies'],
  'truncated-answer': ['answer cut at the token limit and not judged', 'answers cut at the token limit and not judged'],
  'context-length': ['too long for the model', 'too long for the model'], 'bad-request': ['refused request', 'refused requests'],
  'rate-limit': ['still rate limited', 'still rate limited'], transient: ['failed request', 'failed requests'],
};
const kindText = (kind: string, count: number): string => `${count} ${ERROR_KIND_TEXT[kind]?.[count === 1 ? 0 : 1] ?? kind}`;

/**
 * A warning per test set when compared systems have rows without an output, by kind ("base 2 cut at the token limit
 * before any answer, 1 empty reply"): they are not in n, so a reader must see them next to it.
 */
export function failedOutputsNote(systems: readonly SystemData[], n: number): Note | undefined {
  const parts: string[] = [];
  let total = 0;
  const name = systemNamer(systems);
  for (const d of systems) {
    if (!d.errors) continue;
    total += d.errors;
    const kinds = Object.entries(d.errorKinds).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, c]) => kindText(k, c));
    parts.push(`${name(d)}: ${kinds.join(', ')}`);
  }
  if (total === 0) return undefined;
  return { code: 'failed-outputs', severity: 'warning',
    message: `n = ${n}; ${total} row${total === 1 ? '' : 's'} without a usable output (${parts.join('; ')}) ${total === 1 ? 'is' : 'are'} counted as errors and left out of the estimates.` };
}

/** A note when priced systems have outputs of unknown cost (the server reported no usable token counts): never counted as $0. */
export function unknownCostNote(systems: readonly SystemData[]): Note | undefined {
  const parts: string[] = [];
  const name = systemNamer(systems);
  for (const d of systems) if (d.costUnknown) parts.push(`${name(d)} ${d.costUnknown} of ${d.n}`);
  if (!parts.length) return undefined;
  return { code: 'unknown-cost', severity: 'warning',
    message: `Outputs of unknown cost (the server reported no usable token counts): ${parts.join(', ')}. Costs per 1k requests are from the outputs with a known cost.` };
}

/** Whether store damage, or verdicts missing from judged runs, touched the compared data (the CLI exits 1). */
export function storeDamaged(report: { notes?: Note[]; testSets: TestSetComparison[] }): boolean {
  const bad = (notes: readonly Note[] | undefined): boolean => !!notes?.some((x) => (x.code === STORE_DAMAGE || x.code === MISSING_VERDICTS) && x.severity === 'error');
  return bad(report.notes) || report.testSets.some((t) => bad(t.notes));
}
