// Importers for formats we read and run but do not own: Prompty (.prompty), Dotprompt (.prompt, recognised by
// content) and plain templates (.md/.txt). All produce the same PromptFile model as *.prompt.yml, with every
// variable placed in the file.
import { describeNode, pairOf, parseYaml, toPlain, type YamlNode } from '../yaml';
import { verbatimMap } from './locate';
import { buildMessage, ROLES } from './messages';
import { readModelParameters } from './modelParameters';
import { emptyPrompt, readAdapt } from './parsePromptYml';
import { Reporter, reportYaml } from '../fileProblems/reporter';
import type { ParsedPrompt, PromptFile, Role } from './types';

/** The YAML front matter between `---` lines at the very top, and where the body starts. */
export interface FrontMatter { yaml: string; yamlStart: number; bodyStart: number }

/** Splits off front matter (`---` on the first line, closed by a line of `---`); undefined if there is none or it is never closed. */
export function splitFrontMatter(text: string): FrontMatter | undefined {
  const m = /^(\uFEFF?)---[ \t]*\r?\n/.exec(text);
  if (!m) return undefined;
  const yamlStart = m[0].length;
  const close = /^---[ \t]*(\r?\n|$)/m;
  close.lastIndex = 0;
  const rest = text.slice(yamlStart);
  const c = close.exec(rest);
  if (!c) return undefined;
  return { yaml: rest.slice(0, c.index), yamlStart, bodyStart: yamlStart + c.index + c[0].length };
}

/** A plain template (.md, .txt): the whole text, exactly as written, is one user message. */
export function parseTemplate(text: string, file: string): ParsedPrompt {
  const rep = new Reporter(file, text);
  const prompt = emptyPrompt(file, 'template');
  const top = rep.range(rep.firstLine());
  const result: ParsedPrompt = { prompt, problems: rep.problems, anchors: { top, messages: top }, links: [] };
  const base = text.startsWith('\uFEFF') ? 1 : 0;
  const content = text.slice(base);
  if (content.trim() === '') {
    rep.error(top, 'empty-file', 'The template is empty; write the message to send to the model (use {{name}} for values from the test set).');
    return result;
  }
  prompt.messages.push(buildMessage('user', content, rep.lines.range(base, text.length), rep, verbatimMap(base)));
  return result;
}

interface Section { role: Role; markerStart: number; contentStart: number; contentEnd: number }

/** Trims surrounding whitespace of a body section and builds its message, with offsets into the file. */
function sectionMessages(text: string, sections: Section[], rep: Reporter, prompt: PromptFile): void {
  for (const s of sections) {
    let a = s.contentStart, b = s.contentEnd;
    while (a < b && /\s/.test(text[a]!)) a++;
    while (b > a && /\s/.test(text[b - 1]!)) b--;
    if (a === b) {
      rep.warning(rep.lines.range(s.markerStart, s.contentStart), 'missing-content', `The ${s.role} section is empty; write its text below the marker or remove the marker.`);
      continue;
    }
    prompt.messages.push(buildMessage(s.role, text.slice(a, b), rep.lines.range(a, b), rep, verbatimMap(a)));
  }
}

/** Reads front matter YAML, reporting its problems at file positions. Returns the root map, if any. */
function readFrontMatter(fm: FrontMatter, rep: Reporter): YamlNode | null {
  if (fm.yaml.trim() === '') return null;
  const y = parseYaml(fm.yaml);
  reportYaml(y, rep, fm.yamlStart);
  const root = y.root ? shiftNode(y.root, fm.yamlStart) : null;
  if (root && root.kind !== 'map') rep.error(root.span, 'wrong-type', `The front matter must be a YAML mapping (name, model, …), not ${describeNode(root)}.`);
  return root?.kind === 'map' ? root : null;
}

/** Moves every span of a node by `d` (front matter is parsed on its own, then placed in the file). */
function shiftNode<T extends YamlNode>(n: T, d: number): T {
  const s = (sp: [number, number]): [number, number] => [sp[0] + d, sp[1] + d];
  switch (n.kind) {
    case 'scalar': case 'alias': return { ...n, span: s(n.span) };
    case 'seq': return { ...n, span: s(n.span), items: n.items.map((i) => (i ? shiftNode(i, d) : null)) };
    case 'map': return { ...n, span: s(n.span), pairs: n.pairs.map((p) => ({ ...p, keySpan: s(p.keySpan), value: p.value ? shiftNode(p.value, d) : null })) };
  }
}

const str = (n: YamlNode | null | undefined): string | undefined => (n?.kind === 'scalar' && typeof n.value === 'string' ? n.value : undefined);

/**
 * Prompty (v1 and v2): front matter (`name`, `description`, `model` as a string or `{ id | configuration, parameters | options }`,
 * `sample`) and a body of sections headed by `system:` / `user:` / `assistant:` lines. Text before the first
 * marker is a system message, as in Prompty's own parser. Connection details in the front matter are ignored:
 * Prompt Adapt takes endpoints from user settings.
 */
export function parsePrompty(text: string, file: string): ParsedPrompt {
  const rep = new Reporter(file, text);
  const prompt = emptyPrompt(file, 'prompty');
  const top = rep.range(rep.firstLine());
  const result: ParsedPrompt = { prompt, problems: rep.problems, anchors: { top }, links: [] };
  if (text.trim() === '') { rep.error(top, 'empty-file', 'The .prompty file is empty; it needs front matter between --- lines and a body with a user: section.'); return result; }
  const fm = splitFrontMatter(text);
  if (!fm && /^\uFEFF?---/.test(text)) rep.error(top, 'unclosed-front-matter', "The front matter starting on line 1 is never closed; add a line with '---' after it.");
  const root = fm ? readFrontMatter(fm, rep) : null;
  if (root) {
    prompt.name = str(pairOf(root, 'name')?.value);
    prompt.description = str(pairOf(root, 'description')?.value);
    const model = pairOf(root, 'model')?.value;
    if (str(model)) prompt.model = str(model);
    else if (model?.kind === 'map') {
      const conf = pairOf(model, 'configuration')?.value;
      prompt.model = str(pairOf(model, 'id')?.value) ?? str(pairOf(conf, 'azure_deployment')?.value) ?? str(pairOf(conf, 'model')?.value) ?? str(pairOf(conf, 'name')?.value);
      const params = pairOf(model, 'parameters') ?? pairOf(model, 'options');
      if (params) prompt.modelParameters = readModelParameters(params.value, rep, `model.${params.key}`);
    }
    const sample = pairOf(root, 'sample')?.value;
    if (sample?.kind === 'map') prompt.testData = [toPlain(sample) as Record<string, unknown>];
    const adapt = pairOf(root, 'adapt');
    if (adapt) { result.anchors.adapt = rep.range(adapt.keySpan); prompt.adapt = readAdapt(adapt.value, rep, file, result); }
  }
  const bodyStart = fm?.bodyStart ?? 0;
  const marker = /^[ \t]*(system|user|assistant|developer)[ \t]*:[ \t]*\r?$/gim;
  marker.lastIndex = bodyStart;
  const sections: Section[] = [];
  const prevEnd = bodyStart;
  let firstRole: Role = 'system';
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    const role = m[1]!.toLowerCase() === 'developer' ? 'system' : (m[1]!.toLowerCase() as Role);
    if (sections.length) sections[sections.length - 1]!.contentEnd = m.index;
    else if (text.slice(prevEnd, m.index).trim() !== '') sections.push({ role: firstRole, markerStart: prevEnd, contentStart: prevEnd, contentEnd: m.index });
    if (!result.anchors.messages) result.anchors.messages = rep.lines.range(m.index, m.index + m[0].length);
    sections.push({ role, markerStart: m.index, contentStart: m.index + m[0].length, contentEnd: text.length });
    firstRole = role;
  }
  if (!sections.length) sections.push({ role: 'system', markerStart: bodyStart, contentStart: bodyStart, contentEnd: text.length });
  sectionMessages(text, sections, rep, prompt);
  result.anchors.messages ??= rep.lines.range(bodyStart, bodyStart);
  if (!prompt.messages.length) rep.error(result.anchors.messages, 'missing-messages', "The .prompty body has no message text. Add a 'user:' line followed by the message.");
  return result;
}

const DOTPROMPT_KEYS = ['model', 'config', 'input', 'output', 'tools', 'variant'];

/** True when a `.prompt` file is Dotprompt: front matter with Dotprompt keys, or `{{role "…"}}` markers. */
export function isDotprompt(text: string): boolean {
  if (/\{\{\s*role\s+"[a-z]+"\s*\}\}/.test(text)) return true;
  const fm = splitFrontMatter(text);
  if (!fm) return false;
  const y = parseYaml(fm.yaml);
  return y.root?.kind === 'map' && y.root.pairs.some((p) => DOTPROMPT_KEYS.includes(p.key));
}

/**
 * Dotprompt (.prompt): front matter (`model`, `config` with temperature / maxOutputTokens / topP / stopSequences,
 * `input.default`) and a Handlebars body split by `{{role "system"}}` markers. Text before the first marker is a
 * user message. Only plain `{{name}}` placeholders are filled in; other helpers are reported and sent as written.
 */
export function parseDotprompt(text: string, file: string): ParsedPrompt {
  const rep = new Reporter(file, text);
  const prompt = emptyPrompt(file, 'dotprompt');
  const top = rep.range(rep.firstLine());
  const result: ParsedPrompt = { prompt, problems: rep.problems, anchors: { top }, links: [] };
  if (text.trim() === '') { rep.error(top, 'empty-file', 'The .prompt file is empty; write the prompt text, optionally after front matter between --- lines.'); return result; }
  const fm = splitFrontMatter(text);
  if (!fm && /^\uFEFF?---/.test(text)) rep.error(top, 'unclosed-front-matter', "The front matter starting on line 1 is never closed; add a line with '---' after it.");
  const root = fm ? readFrontMatter(fm, rep) : null;
  if (root) {
    prompt.model = str(pairOf(root, 'model')?.value);
    prompt.name = str(pairOf(root, 'name')?.value);
    prompt.description = str(pairOf(root, 'description')?.value);
    const config = pairOf(root, 'config');
    if (config) prompt.modelParameters = readModelParameters(config.value, rep, 'config');
    const defaults = pairOf(pairOf(root, 'input')?.value, 'default')?.value;
    if (defaults?.kind === 'map') prompt.testData = [toPlain(defaults) as Record<string, unknown>];
    const adapt = pairOf(root, 'adapt');
    if (adapt) { result.anchors.adapt = rep.range(adapt.keySpan); prompt.adapt = readAdapt(adapt.value, rep, file, result); }
  }
  const bodyStart = fm?.bodyStart ?? 0;
  const marker = /\{\{\s*role\s+"([^"]*)"\s*\}\}/g;
  marker.lastIndex = bodyStart;
  const sections: Section[] = [];
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    let role = m[1]! as Role;
    if (!ROLES.includes(role)) {
      const r = rep.lines.range(m.index, m.index + m[0].length);
      if (m[1] === 'model') role = 'assistant'; // Dotprompt's name for the assistant
      else rep.error(r, 'unknown-role', `Unknown role '${m[1]}': use "system", "user" or "model"; this section is read as a user message.`);
      if (m[1] !== 'model') role = 'user';
    }
    if (sections.length) sections[sections.length - 1]!.contentEnd = m.index;
    else if (text.slice(bodyStart, m.index).trim() !== '') sections.push({ role: 'user', markerStart: bodyStart, contentStart: bodyStart, contentEnd: m.index });
    result.anchors.messages ??= rep.lines.range(m.index, m.index + m[0].length);
    sections.push({ role, markerStart: m.index, contentStart: m.index + m[0].length, contentEnd: text.length });
  }
  if (!sections.length) sections.push({ role: 'user', markerStart: bodyStart, contentStart: bodyStart, contentEnd: text.length });
  sectionMessages(text, sections, rep, prompt);
  result.anchors.messages ??= rep.lines.range(bodyStart, bodyStart);
  if (!prompt.messages.length) rep.error(result.anchors.messages, 'missing-messages', 'The .prompt file has no prompt text after its front matter.');
  return result;
}

