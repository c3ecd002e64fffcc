// The only module that imports `ajv`. Validates a project file's value against schemas/project.schema.json
// and words each error our way; parseProject.ts places them at exact ranges.
import Ajv, { type ErrorObject } from 'ajv';
import schema from '../../../schemas/project.schema.json';
import { describePath, didYouMean, orList } from '../fileProblems/reporter';

export { describePath };

/** One schema violation, by JSON path, already worded for the user. */
export interface SchemaError {
  /** Path of the offending value (for an unknown or missing key: of the mapping that has / lacks it). */
  path: (string | number)[];
  /** Set when the error is about one key of the mapping at `path` (unknown key). */
  key?: string;
  /** Set for a missing required key: the error belongs at the mapping, not a value. */
  missing?: string;
  message: string;
}

let compiled: ReturnType<Ajv['compile']> | undefined;
function validator(): ReturnType<Ajv['compile']> {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false });
    // Editor-only annotations the schema carries.
    ajv.addVocabulary(['markdownDescription', 'errorMessage']);
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** The project JSON Schema (for tools that want to show or ship it). */
export const projectSchema: unknown = schema;

/** Validates a plain project value; returns our errors, most specific first, one per location. */
export function validateProject(value: unknown): SchemaError[] {
  const validate = validator();
  if (validate(value)) return [];
  const errors = collapseAnyOf((validate.errors ?? []).filter((e) => e.keyword !== 'if'));
  const out: SchemaError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const se = toSchemaError(e);
    if (!se) continue;
    const k = `${se.path.join('/')}|${se.key ?? ''}|${se.missing ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(se);
  }
  return out;
}

/**
 * An `anyOf` that failed reports every branch. When some branch got past the type check (its errors are about
 * keys or deeper values) those errors are the useful ones; when every branch failed on type, one combined
 * "must be X or Y" message replaces them.
 */
function collapseAnyOf(errors: ErrorObject[]): ErrorObject[] {
  const drop = new Set<ErrorObject>();
  for (const a of errors) {
    if (a.keyword !== 'anyOf') continue;
    const under = errors.filter((e) => e !== a && (e.instancePath === a.instancePath || e.instancePath.startsWith(`${a.instancePath}/`)));
    const typeAtSame = under.filter((e) => e.keyword === 'type' && e.instancePath === a.instancePath);
    typeAtSame.forEach((e) => drop.add(e));
    if (under.length > typeAtSame.length) drop.add(a);
  }
  return errors.filter((e) => !drop.has(e));
}

function describeBranch(b: { type?: string; $ref?: string }): string {
  if (b.type) return TYPE_WORDS[b.type] ?? b.type;
  return b.$ref ? 'a mapping' : 'a value';
}

function decode(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const kindOf = (v: unknown): string =>
  v === null ? 'empty' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : typeof v === 'string' ? `the string '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'` : `${typeof v} ${String(v)}`;

const TYPE_WORDS: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false' };

function toSchemaError(e: ErrorObject): SchemaError | undefined {
  const path = decode(e.instancePath);
  const where = describePath(path);
  const p = e.params as Record<string, unknown>;
  const parent = e.parentSchema as { errorMessage?: string; properties?: Record<string, unknown> } | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      return { path, key, message: `Unknown key '${key}' in ${where}.${didYouMean(key, known)}${known.length ? ` Allowed keys: ${known.join(', ')}.` : ''}` };
    }
    case 'required': {
      const missing = String(p.missingProperty);
      const hint = missing === 'endpoint' ? " (an endpoint id from your user settings, e.g. 'openai')" : '';
      return { path, missing, message: `${where} is missing the required key '${missing}'${hint}.` };
    }
    case 'type': {
      const types = String(p.type).split(',').map((t) => TYPE_WORDS[t] ?? t);
      return { path, message: `${where} must be ${orList(types)}, not ${kindOf(e.data)}.` };
    }
    case 'enum': return { path, message: `${where} must be one of ${orList((p.allowedValues as unknown[]).map((v) => `'${String(v)}'`))}, not ${kindOf(e.data)}.${typeof e.data === 'string' ? didYouMean(e.data, (p.allowedValues as unknown[]).map(String)) : ''}` };
    case 'const': return { path, message: `${where} must be '${String(p.allowedValue)}'.` };
    case 'pattern': return { path, message: `${where} must be ${parent?.errorMessage ?? `text matching ${String(p.pattern)}`}, not ${kindOf(e.data)}.` };
    case 'minLength': return { path, message: `${where} must not be empty.` };
    case 'minItems': return { path, message: `${where} must have at least ${String(p.limit)} item(s).` };
    case 'uniqueItems': return { path, message: `${where} lists the same value twice (items ${Number(p.j) + 1} and ${Number(p.i) + 1}).` };
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum': {
      const words: Record<string, string> = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'greater than', exclusiveMaximum: 'less than' };
      return { path, message: `${where} must be ${words[e.keyword]} ${String(p.limit)}, not ${String(e.data)}.` };
    }
    case 'anyOf': return { path, message: `${where} must be ${orList((e.schema as { type?: string; $ref?: string }[]).map(describeBranch))}, not ${kindOf(e.data)}.` };
    default: return { path, message: `${where}: ${e.message ?? 'is not valid'}.` };
  }
}
