// Edits to hand-written YAML files that change only the text they must: the new or changed value is written
// into the source at its place, and every other byte (comments, quoting, how long strings are wrapped) stays as
// it was. Re-serialising the whole document instead reflowed unrelated multi-line strings.
import { UserError } from './errors';
import { pairOf, parseYaml, type YamlMap, type YamlNode, type YamlSeq } from './yaml';

interface Insert { at: number; text: string }

const apply = (text: string, e: Insert & { end?: number }): string => text.slice(0, e.at) + e.text + text.slice(e.end ?? e.at);

/** The root mapping of a file about to be edited (null for an empty file); throws a UserError when it is not valid YAML. */
function rootToEdit(text: string): YamlMap | null {
  const parsed = parseYaml(text);
  if (parsed.errors.length) throw new UserError(`The file is not valid YAML (${parsed.errors[0]!.message})`, 'Fix the YAML first.');
  if (parsed.root === null || (parsed.root.kind === 'scalar' && parsed.root.value === null)) return null;
  if (parsed.root.kind !== 'map') throw new UserError('The file is not a YAML mapping of keys to values.');
  return parsed.root;
}

/** A string as a YAML scalar: plain when that reads back as the same string, else double-quoted (JSON's escapes are YAML's). */
export function yamlScalar(value: string): string {
  const plain = /^[A-Za-z_./][^\n\r\t"'{}[\],&*!|>%@`]*$/.test(value) && !/\s$|: |:$| #/.test(value)
    && !/^(?:true|false|yes|no|on|off|null|~)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
const column = (text: string, offset: number): number => offset - lineStart(text, offset);

/** The offset just after the line that holds `offset - 1` (the end of a node), adding a line break at the end of the file. */
function afterLine(text: string, end: number): Insert {
  const nl = text.indexOf('\n', Math.max(0, end - 1));
  return nl === -1 ? { at: text.length, text: '\n' } : { at: nl + 1, text: '' };
}

/** The end of a node's last line of content: block scalars' spans run on over the blank lines after them. */
function contentEnd(text: string, node: YamlNode): number {
  let end = node.span[1];
  while (end > node.span[0] && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/** `key: value` for the rest of a path, as block lines at `indent` (a value on the key's line when the path ends). */
function blockEntry(path: readonly string[], leaf: string, indent: number): string {
  const pad = ' '.repeat(indent);
  if (path.length === 1) return `${pad}${yamlScalarKey(path[0]!)}:${leaf.startsWith('\n') ? leaf.replace(/\n/g, `\n${pad}`) : ` ${leaf}`}\n`;
  return `${pad}${yamlScalarKey(path[0]!)}:\n${blockEntry(path.slice(1), leaf, indent + 2)}`;
}

/** The rest of a path as a flow mapping entry: `a: { b: value }`. */
const flowEntry = (path: readonly string[], leaf: string): string =>
  path.length === 1 ? `${yamlScalarKey(path[0]!)}: ${leaf}` : `${yamlScalarKey(path[0]!)}: { ${flowEntry(path.slice(1), leaf)} }`;

const yamlScalarKey = (key: string): string => yamlScalar(key);

/** Adds the rest of `path` (ending in `leaf`) to a mapping that lacks `path[0]`. */
function insertIntoMap(text: string, map: YamlMap | null, path: readonly string[], leaf: string): string {
  if (map === null) {
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    return `${text}${sep}${blockEntry(path, leaf, 0)}`;
  }
  if (map.flow) {
    const last = map.pairs[map.pairs.length - 1];
    if (!last) return apply(text, { at: text.lastIndexOf('}', map.span[1]), text: ` ${flowEntry(path, leaf)} ` });
    return apply(text, { at: last.value ? contentEnd(text, last.value) : last.keySpan[1], text: `, ${flowEntry(path, leaf)}` });
  }
  const indent = column(text, map.pairs[0]!.keySpan[0]);
  const last = map.pairs[map.pairs.length - 1]!;
  const at = afterLine(text, last.value ? contentEnd(text, last.value) : last.keySpan[1]);
  return apply(text, { at: at.at, text: at.text + blockEntry(path, leaf, indent) });
}

/** Walks `path` from the root: the deepest existing mapping on it, the pair found there, and what is left. */
function locate(root: YamlMap | null, path: readonly string[]): { map: YamlMap | null; rest: string[]; node?: YamlNode | null; keyEnd?: number } {
  let map = root;
  for (let i = 0; i < path.length; i++) {
    const pair = pairOf(map, path[i]!);
    if (!pair) return { map, rest: path.slice(i) };
    if (i === path.length - 1) return { map, rest: [], node: pair.value, keyEnd: pair.keySpan[1] };
    if (pair.value?.kind !== 'map') throw new UserError(`'${path.slice(0, i + 1).join('.')}' is not a mapping, so '${path.join('.')}' cannot be set.`);
    map = pair.value;
  }
  return { map, rest: [] };
}

const isEmptyValue = (n: YamlNode | null | undefined): boolean => !n || (n.kind === 'scalar' && n.value === null && n.span[0] === n.span[1]);

/** Returns `text` with the string at `path` set (mappings created as needed); only the value's own text changes. */
export function setValueInPlace(text: string, path: readonly string[], value: string): string {
  const found = locate(rootToEdit(text), path);
  if (found.rest.length) return insertIntoMap(text, found.map, found.rest, yamlScalar(value));
  const node = found.node;
  if (isEmptyValue(node)) return apply(text, { at: text.indexOf(':', found.keyEnd!) + 1, text: ` ${yamlScalar(value)}` });
  if (node!.kind !== 'scalar' || node!.style === 'literal' || node!.style === 'folded') {
    throw new UserError(`'${path.join('.')}' is not a one-line value, so it is not replaced.`);
  }
  return apply(text, { at: node!.span[0], end: node!.span[1], text: yamlScalar(value) });
}

/** Returns `text` with `value` appended to the list at `path` (created when missing; never added twice). */
export function appendListItemInPlace(text: string, path: readonly string[], value: string): string {
  const found = locate(rootToEdit(text), path);
  const item = yamlScalar(value);
  if (found.rest.length) return insertIntoMap(text, found.map, found.rest, found.map?.flow ? `[${item}]` : `\n  - ${item}`);
  const node = found.node;
  if (isEmptyValue(node)) return apply(text, { at: text.indexOf(':', found.keyEnd!) + 1, text: ` [${item}]` });
  if (node!.kind !== 'seq') throw new UserError(`'${path.join('.')}' is not a list, so '${value}' cannot be added to it.`);
  if (node!.items.some((i) => i?.kind === 'scalar' && i.value === value)) return text;
  return appendToSeq(text, node!, item);
}

function appendToSeq(text: string, seq: YamlSeq, item: string): string {
  if (seq.flow) {
    const close = text.lastIndexOf(']', seq.span[1]);
    return apply(text, { at: close, text: seq.items.length ? `, ${item}` : item });
  }
  const dash = seq.span[0];
  const last = seq.items[seq.items.length - 1];
  const at = afterLine(text, last ? contentEnd(text, last) : seq.span[1]);
  return apply(text, { at: at.at, text: `${at.text}${' '.repeat(column(text, dash))}- ${item}\n` });
}

/**
 * Returns prompt.yml `text` with `sentence` added to the first system message: a line of its own at the end of a
 * block scalar, after a space in a one-line one; without a system message, one is inserted before the others.
 * Only the system message's text changes.
 */
export function appendToSystemMessage(text: string, sentence: string): string {
  const messages = pairOf(rootToEdit(text), 'messages')?.value;
  if (messages?.kind !== 'seq' || messages.flow) throw new UserError("The prompt has no 'messages' list to add an instruction to.");
  const system = messages.items.find((m): m is YamlMap => m?.kind === 'map' && toText(pairOf(m, 'role')?.value) === 'system');
  if (!system) {
    const first = messages.items[0];
    const at = first ? lineStart(text, first.span[0]) : afterLine(text, messages.span[1]).at;
    const dash = first ? column(text, messages.span[0]) : 2;
    const pad = ' '.repeat(dash);
    return apply(text, { at, text: `${pad}- role: system\n${pad}  content: ${yamlScalar(sentence)}\n` });
  }
  const content = pairOf(system, 'content')?.value;
  if (content?.kind !== 'scalar' || typeof content.value !== 'string') throw new UserError('The system message content is not text.');
  if (content.style === 'literal' || content.style === 'folded') {
    const end = contentEnd(text, content);
    const firstLine = text.indexOf('\n', content.span[0]) + 1;
    const indent = /^(?:[ ]*\r?\n)*([ ]*)/.exec(text.slice(firstLine, end))![1]!.length;
    return apply(text, { at: end, text: `\n${' '.repeat(indent)}${sentence}` });
  }
  const joined = `${content.value.replace(/\s+$/, '')} ${sentence}`;
  const rendered = content.style === 'single' ? `'${joined.replace(/'/g, "''")}'` : content.style === 'plain' ? yamlScalar(joined) : JSON.stringify(joined);
  return apply(text, { at: content.span[0], end: content.span[1], text: rendered });
}

const toText = (n: YamlNode | null | undefined): string | undefined => (n?.kind === 'scalar' && typeof n.value === 'string' ? n.value : undefined);

/** The one span where `after` differs from `before` (common start and end left out), or undefined when equal. */
export function changedPart(before: string, after: string): { start: number; end: number; text: string } | undefined {
  if (before === after) return undefined;
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < max - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}
