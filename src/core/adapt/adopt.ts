// Adopt: pair the target model with a chosen variant as a new candidate row of the project file
// (`sim-verbose.support.style-1`: sim-verbose's endpoint, model, regions and price, with `prompt:` the
// variant). The decision table and the selection then treat it like any other candidate. The row is
// inserted as one new line after the target candidate's entry; every other line stays byte-identical.
import * as path from 'node:path';
import { UserError } from '../errors';
import { parsePromptYml } from '../prompt/parsePromptYml';
import type { ProjectFile } from '../project/types';
import type { Store } from '../store/store';
import { parseYaml, toPlain, type YamlNode, type YamlSeq } from '../yaml';
import { existingText, readPromptText, writeTextFile } from './files';
import type { AdaptationRecord } from './record';

/** The id of the adopted row: the candidate's id and the variant's file name, e.g. `sim-verbose.support.style-1`. */
export function adoptedCandidateId(candidateId: string, variantFile: string): string {
  const stem = path.basename(variantFile).replace(/\.prompt\.ya?ml$/iu, '').replace(/[^A-Za-z0-9._:-]+/gu, '-');
  return `${candidateId}.${stem}`;
}

const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./@-]*$/u;

/** A value as YAML flow text (plain scalars where safe, JSON-quoted strings otherwise). */
export function flowYaml(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(flowYaml).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{ ${Object.entries(v).map(([k, x]) => `${PLAIN.test(k) ? k : JSON.stringify(k)}: ${flowYaml(x)}`).join(', ')} }`;
  if (typeof v === 'string') return PLAIN.test(v) && !/^(true|false|null|yes|no|on|off|~|[-+.\d].*)$/iu.test(v) ? v : JSON.stringify(v);
  return v === null || v === undefined ? 'null' : String(v as number | boolean);
}

export interface AdoptEdit {
  /** The project file's new text (unchanged when the row was already there). */
  text: string;
  candidateId: string;
  /** The row as written, or undefined when it was already in the file. */
  row?: string;
}

const lineStart = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1;

/**
 * The project text with a candidate row pairing `candidateId`'s model with the prompt at `promptRel` (relative
 * to the project file). Throws a UserError naming the problem when the row cannot be added safely.
 */
export function adoptRowText(projectText: string, candidateId: string, promptRel: string, newId = adoptedCandidateId(candidateId, promptRel)): AdoptEdit {
  const { root, errors } = parseYaml(projectText);
  if (errors.length || root?.kind !== 'map') throw new UserError(`the project file is not a valid YAML mapping${errors[0] ? `: ${errors[0].message}` : ''}; fix it before adopting.`);
  const seq = root.pairs.find((p) => p.key === 'candidates')?.value;
  if (seq?.kind !== 'seq') throw new UserError("the project file has no 'candidates:' list.");
  const idOf = (n: YamlNode | null): unknown => (n?.kind === 'map' ? toPlain(n.pairs.find((p) => p.key === 'id')?.value ?? null) : undefined);
  const existing = seq.items.find((n) => idOf(n) === newId);
  if (existing) {
    const prompt = (toPlain(existing) as { prompt?: unknown }).prompt;
    if (prompt === promptRel) return { text: projectText, candidateId: newId };
    throw new UserError(`the project already has a candidate '${newId}' with another prompt (${String(prompt ?? 'the baseline prompt')}); rename or remove it first.`);
  }
  const target = seq.items.find((n) => idOf(n) === candidateId);
  if (!target) throw new UserError(`no candidate '${candidateId}' in the project file.`);
  const { prompt: _own, id: _id, ...rest } = toPlain(target) as Record<string, unknown>;
  const row = flowYaml({ id: newId, ...rest, prompt: promptRel });
  return { text: insertItem(projectText, seq, target, row), candidateId: newId, row };
}

/** Inserts `- row` as a new line after `after`'s last line, at its indentation. */
function insertItem(text: string, seq: YamlSeq, after: YamlNode, row: string): string {
  if (seq.flow) throw new UserError(`'candidates' is written as a [flow] list; add this row to it by hand: ${row}`);
  const start = lineStart(text, after.span[0]);
  const dash = /^(\s*)-\s/u.exec(text.slice(start));
  if (!dash) throw new UserError(`cannot find the '-' of the candidate at offset ${after.span[0]}; add this row by hand: ${row}`);
  const end = text.indexOf('\n', Math.max(after.span[1] - 1, after.span[0]));
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (end < 0) return `${text}${eol}${dash[1]}- ${row}${eol}`;
  return `${text.slice(0, end + 1)}${dash[1]}- ${row}${eol}${text.slice(end + 1)}`;
}

/**
 * Adopts a variant file: finds the candidate it was adapted for (given, else from its adaptation record), and
 * writes the candidate row into the project file. Returns what was done.
 */
export async function adoptVariant(o: { project: ProjectFile; store: Store; variantPath: string; candidateId?: string }): Promise<AdoptEdit> {
  const variant = parsePromptYml(readPromptText(o.variantPath), o.variantPath);
  const bad = variant.problems.find((p) => p.severity === 'error');
  if (bad) throw new UserError(`${path.basename(o.variantPath)} has errors: ${bad.message}`);
  const candidateId = o.candidateId ?? await candidateOfAdaptation(o.store, variant.prompt.adapt.provenance?.adaptation, o.variantPath);
  const promptRel = path.relative(path.dirname(o.project.path), path.resolve(o.variantPath)).split(path.sep).join('/');
  if (promptRel.startsWith('../') || path.isAbsolute(promptRel)) throw new UserError(`${o.variantPath} is outside the project's folder; a candidate's prompt must be inside it.`);
  const text = existingText(o.project.path);
  if (text === undefined) throw new UserError(`cannot read ${o.project.path}.`);
  const edit = adoptRowText(text, candidateId, promptRel);
  if (edit.text !== text) writeTextFile(o.project.path, edit.text);
  return edit;
}

async function candidateOfAdaptation(store: Store, adaptationId: string | undefined, file: string): Promise<string> {
  const record = adaptationId ? (await store.readAdaptation(adaptationId)) as AdaptationRecord | undefined : undefined;
  if (!record) throw new UserError(`${path.basename(file)} names no adaptation this store holds, so its candidate is unknown: pass --candidate.`);
  return record.candidateId;
}
