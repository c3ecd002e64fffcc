// The enums in JSON files that mirror a table in code: the provider kinds in package.json's settings schema,
// the estimators and metric kinds in the project schema. `npm run sync:enums` rewrites them from the tables;
// test/unit/tables.test.ts fails while any of them disagrees.
//   node --import tsx scripts/syncEnums.ts          check only (exit 1 when out of date)
//   node --import tsx scripts/syncEnums.ts --write  rewrite the files
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { METRIC_KINDS } from '../src/core/metrics/kinds';
import { PROVIDER_KINDS } from '../src/core/providers/registry';
import { ESTIMATORS } from '../src/core/stats/estimators';

export interface EnumTarget {
  /** Repository-relative file. */
  file: string;
  /** Keys from the file's root to the object that holds `enum`. */
  at: (string | number)[];
  /** What the table says. */
  values: readonly string[];
}

export function enumTargets(): EnumTarget[] {
  return [
    { file: 'schemas/project.schema.json', at: ['properties', 'decision', 'properties', 'estimator'], values: ESTIMATORS },
    { file: 'schemas/project.schema.json', at: ['properties', 'metrics', 'items', 'properties', 'kind'], values: METRIC_KINDS },
    { file: 'package.json', at: ['contributes', 'configuration', 0, 'properties', 'promptAdapt.endpoints', 'additionalProperties', 'properties', 'kind'], values: PROVIDER_KINDS },
  ];
}

const root = path.resolve(__dirname, '..');

/** The enum currently in the file at the target's path (undefined when the path does not hold one). */
export function currentEnum(t: EnumTarget): unknown {
  let node: unknown = JSON.parse(readFileSync(path.join(root, t.file), 'utf8'));
  for (const key of t.at) node = (node as Record<string | number, unknown> | undefined)?.[key];
  return (node as { enum?: unknown } | undefined)?.enum;
}

export const sameEnum = (a: unknown, b: readonly string[]): boolean => Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * `text` with one enum rewritten in place, keeping the file's formatting: the `"enum": [...]` literal whose value
 * equals `old` is replaced (single-line stays single-line). Refuses when that literal is not unique.
 */
export function rewriteEnumText(text: string, old: unknown, values: readonly string[]): string {
  const literals = [...text.matchAll(/"enum":\s*\[[^\]]*\]/g)].filter((m) => JSON.stringify(JSON.parse(m[0].slice(m[0].indexOf('[')))) === JSON.stringify(old));
  if (literals.length !== 1) throw new Error(`found ${literals.length} enums equal to ${JSON.stringify(old)}; edit it by hand`);
  const m = literals[0]!;
  const multiLine = m[0].includes('\n');
  const indent = multiLine ? /\n([ \t]*)"/.exec(m[0])?.[1] ?? '' : '';
  const closing = indent.slice(0, Math.max(0, indent.length - 2));
  const body = multiLine ? `[\n${values.map((v) => `${indent}${JSON.stringify(v)}`).join(',\n')}\n${closing}]` : `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
  return text.slice(0, m.index) + `"enum": ${body}` + text.slice(m.index! + m[0].length);
}

if (require.main === module) {
  const write = process.argv.includes('--write');
  let stale = 0;
  for (const t of enumTargets()) {
    if (sameEnum(currentEnum(t), t.values)) continue;
    if (write) { const file = path.join(root, t.file); writeFileSync(file, rewriteEnumText(readFileSync(file, 'utf8'), currentEnum(t), t.values)); console.log(`${t.file}: ${t.at.join('.')}.enum = ${t.values.join(', ')}`); } else { stale++; console.error(`${t.file}: ${t.at.join('.')}.enum is out of date`); }
  }
  process.exitCode = stale ? 1 : 0;
}
