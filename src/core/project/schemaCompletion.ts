// Completion in prompt-adapt.yml from its JSON Schema, without a YAML language server: the key path at the
// cursor comes from indentation (block style, as the scaffold and docs write it), then the schema node at
// that path gives the keys that may follow and the values an enum allows.
import schemaJson from '../../../schemas/project.schema.json';

interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  description?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

const root = schemaJson as unknown as SchemaNode & { definitions?: Record<string, SchemaNode> };
const ITEM = Symbol('item');
type Step = string | typeof ITEM;

/** What the cursor is on: a key to complete, or the value of `key`. */
export interface YamlCursor { path: Step[]; position: 'key' | 'value'; key?: string; siblings: string[] }

export interface SchemaCompletion { label: string; kind: 'key' | 'value'; detail?: string; insertText: string }

const lineInfo = (line: string): { indent: number; item: boolean; content: string } => {
  const m = /^(\s*)(-\s+)?(.*)$/.exec(line)!;
  return { indent: m[1]!.length + (m[2]?.length ?? 0), item: !!m[2], content: m[3]! };
};

/** The key path and position at `offset` in block-style YAML text. */
export function yamlCursor(text: string, offset: number): YamlCursor | undefined {
  const lines = text.slice(0, offset).split('\n');
  const current = lines.pop()!;
  const cur = lineInfo(current);
  if (cur.content.trimStart().startsWith('#')) return undefined;
  let position: 'key' | 'value';
  let key: string | undefined;
  const valueMatch = /^([\w.-]+):\s+([^#]*)$/.exec(cur.content) ?? /^([\w.-]+):()$/.exec(cur.content);
  if (valueMatch && !/[{[]/.test(valueMatch[2]!)) { position = 'value'; key = valueMatch[1]; }
  else if (/^[\w.-]*$/.test(cur.content)) position = 'key';
  else return undefined;

  const path: Step[] = [];
  let need = cur.indent;
  if (cur.item) { path.unshift(ITEM); need = cur.indent - 2; }
  const siblings: string[] = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const raw = lines[i]!;
    if (!raw.trim() || raw.trim().startsWith('#')) continue;
    const l = lineInfo(raw);
    const k = /^([\w.-]+):/.exec(l.content)?.[1];
    if (l.indent === need && path[0] !== ITEM && k && !l.item) { siblings.push(k); continue; }
    if (l.item && l.indent === need && path[0] !== ITEM) {
      // The cursor's key is inside this list item: the item's first key is a sibling.
      if (k) siblings.push(k);
      path.unshift(ITEM);
      need = l.indent - 2;
      continue;
    }
    if (l.item && path[0] === ITEM && l.indent - 2 === need) continue;     // an earlier item of the same list
    const ownerIndent = path[0] === ITEM ? need : need - 1;                // a list may sit at its key's indentation
    if (k && !l.item && l.indent <= ownerIndent && /^[\w.-]+:\s*(#.*)?$/.test(l.content)) {
      path.unshift(k);
      need = l.indent;
      if (need === 0) break;
      continue;
    }
    if (l.indent < need) return undefined;   // under a scalar or a flow collection: nothing to offer
  }
  return { path, position, key, siblings };
}

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  if (!node?.$ref) return node;
  const name = node.$ref.replace('#/definitions/', '');
  return resolve({ ...root.definitions?.[name], ...node, $ref: undefined });
}

/** The object properties a node allows (merged over anyOf/oneOf branches). */
function propertiesOf(node: SchemaNode | undefined): Record<string, SchemaNode> {
  const n = resolve(node);
  if (!n) return {};
  return Object.assign({}, ...[...(n.anyOf ?? []), ...(n.oneOf ?? [])].map(propertiesOf), n.properties ?? {});
}

function step(node: SchemaNode | undefined, s: Step): SchemaNode | undefined {
  const n = resolve(node);
  if (!n) return undefined;
  if (s === ITEM) return n.items ?? [...(n.anyOf ?? []), ...(n.oneOf ?? [])].map(resolve).find((b) => b?.items)?.items;
  return propertiesOf(n)[s];
}

/** Keys or values the schema allows at the cursor. */
export function schemaCompletions(text: string, offset: number): SchemaCompletion[] {
  const cursor = yamlCursor(text, offset);
  if (!cursor) return [];
  let node: SchemaNode | undefined = root;
  for (const s of cursor.path) node = step(node, s);
  if (cursor.position === 'key') {
    return Object.entries(propertiesOf(node)).filter(([k]) => !cursor.siblings.includes(k)).map(([k, v]) => {
      const r = resolve(v);
      const type = r?.type ?? (r?.items ? 'array' : r?.properties ? 'object' : undefined);
      const block = type === 'object' || type === 'array';
      return { label: k, kind: 'key' as const, detail: r?.description, insertText: block ? `${k}:\n` : `${k}: ` };
    });
  }
  const valueNode = resolve(propertiesOf(node)[cursor.key!]);
  const values = valueNode?.enum ?? (valueNode?.type === 'boolean' ? [true, false] : []);
  return values.map((v) => ({ label: String(v), kind: 'value' as const, detail: valueNode?.description, insertText: String(v) }));
}

/** The key whose value the cursor is on, and the path to it (for values the editor fills in, like endpoint ids). */
export function valueKeyAt(text: string, offset: number): string | undefined {
  const c = yamlCursor(text, offset);
  return c?.position === 'value' ? [...c.path.filter((s): s is string => typeof s === 'string'), c.key].join('.') : undefined;
}
