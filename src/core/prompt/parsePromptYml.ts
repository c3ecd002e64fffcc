// Parser for `*.prompt.yml`: GitHub Models prompt files plus our `adapt:` section. Never throws: whatever is
// wrong becomes a Problem at its exact range and the rest of the file is still read.
import * as path from 'node:path';
import { describeNode, pairOf, parseYaml, toPlain, type YamlMap, type YamlNode } from '../yaml';
import { checkEndpointIdsOnly } from '../fileProblems/endpointPolicy';
import { scalarMap } from './locate';
import { buildMessage, ROLES } from './messages';
import { readModelParameters } from './modelParameters';
import { didYouMean, orList, Reporter, reportYaml } from '../fileProblems/reporter';
import type { AdaptProvenance, FileLink, OutputSpec, ParsedPrompt, PromptAdaptSection, PromptFile, PromptFormat, PromptMessage, Role, StyleOverrides } from './types';

/** Top-level keys of a GitHub Models prompt file, plus ours. */
export const PROMPT_KEYS = ['name', 'description', 'model', 'modelParameters', 'messages', 'testData', 'evaluators', 'responseFormat', 'jsonSchema', 'adapt'] as const;
/** Keys of the `adapt:` section. */
export const ADAPT_KEYS = ['variantOf', 'output', 'style', 'provenance'] as const;
const OUTPUT_KEYS = ['format', 'answer', 'idk', 'idkPhrases'];
const STYLE_KEYS = ['disabledRules', 'phrases', 'maxWords', 'minWords', 'completeSentences'];

/** An empty model, the starting point of every parser. */
export function emptyPrompt(file: string, format: PromptFormat): PromptFile {
  return { path: file, format, modelParameters: {}, messages: [], adapt: {} };
}

/** Parses the text of a `*.prompt.yml` file. `file` is used for problems and to resolve relative paths. */
export function parsePromptYml(text: string, file: string): ParsedPrompt {
  const rep = new Reporter(file, text);
  const prompt = emptyPrompt(file, 'prompt.yml');
  const top = rep.range(rep.firstLine());
  const result: ParsedPrompt = { prompt, problems: rep.problems, anchors: { top }, links: [] };
  if (text.trim() === '') {
    rep.error(top, 'empty-file', "The prompt file is empty. A prompt file needs at least a 'messages' list with one user message.");
    return result;
  }
  const yaml = parseYaml(text);
  reportYaml(yaml, rep);
  const root = yaml.root;
  if (!root || root.kind !== 'map') {
    if (!yaml.errors.length) rep.error(root?.span ?? top, 'wrong-type', `A prompt file must be a mapping with keys such as 'name', 'model' and 'messages', but this file is ${describeNode(root)}.`);
    return result;
  }
  readPromptMap(root, text, rep, prompt, result);
  return result;
}

/** Reads the keys of a prompt file's root mapping into `prompt` (shared with front-matter formats via readAdapt). */
function readPromptMap(root: YamlMap, text: string, rep: Reporter, prompt: PromptFile, result: ParsedPrompt): void {
  for (const p of root.pairs) {
    const v = p.value;
    switch (p.key) {
      case 'name': case 'description': case 'model': {
        if (v && v.kind === 'scalar' && typeof v.value === 'string') prompt[p.key] = v.value;
        else if (!(v?.kind === 'scalar' && v.value === null)) rep.error(v?.span ?? p.keySpan, 'wrong-type', `'${p.key}' must be a string, not ${describeNode(v)}.${p.key === 'model' ? " Write the model id, e.g. 'openai/gpt-4o-mini'." : ''}`);
        break;
      }
      case 'modelParameters': prompt.modelParameters = readModelParameters(v, rep, 'modelParameters'); break;
      case 'messages':
        result.anchors.messages = rep.range(p.keySpan);
        prompt.messages = readMessages(v, p.keySpan, text, rep);
        break;
      case 'testData': {
        if (v?.kind !== 'seq') { rep.error(v?.span ?? p.keySpan, 'wrong-type', `'testData' must be a list of examples (mappings of variable names to values), not ${describeNode(v)}.`); break; }
        const rows: Record<string, unknown>[] = [];
        v.items.forEach((item, i) => {
          if (item?.kind === 'map') rows.push(toPlain(item) as Record<string, unknown>);
          else rep.error(item?.span ?? v.span, 'wrong-type', `testData item ${i + 1} must be a mapping of variable names to values, not ${describeNode(item)}.`);
        });
        prompt.testData = rows;
        break;
      }
      case 'evaluators': {
        if (v?.kind !== 'seq') rep.error(v?.span ?? p.keySpan, 'wrong-type', `'evaluators' must be a list, not ${describeNode(v)}.`);
        else prompt.evaluators = toPlain(v) as unknown[];
        break;
      }
      case 'responseFormat': case 'jsonSchema': break; // GitHub Models keys we pass through untouched
      case 'adapt':
        result.anchors.adapt = rep.range(p.keySpan);
        prompt.adapt = readAdapt(v, rep, prompt.path, result);
        break;
      default:
        rep.warning(p.keySpan, 'unknown-key', `Unknown key '${p.key}'.${didYouMean(p.key, PROMPT_KEYS)} Prompt files use ${orList([...PROMPT_KEYS].filter((k) => k !== 'adapt'))}; Prompt Adapt's own settings go under 'adapt:'.`);
    }
  }
  if (!pairOf(root, 'messages')) {
    rep.error(root.pairs[0]?.keySpan ?? rep.firstLine(), 'missing-messages', "The prompt has no 'messages' list. Add 'messages:' with at least one '- role: user' entry and its 'content'.");
  }
  // An output spec that is present but broken already has its own error.
  if (!prompt.adapt.output && !pairOf(pairOf(root, 'adapt')?.value, 'output')) {
    rep.warning(result.anchors.adapt ?? result.anchors.messages ?? result.anchors.top, 'missing-output-spec',
      "No output spec: add 'adapt: { output: { format: text } }' (or format xml/json with 'answer' and 'idk' paths) so runs know how to read the answer and \"I don't know\" replies.");
  }
}

function readMessages(v: YamlNode | null, keySpan: [number, number], text: string, rep: Reporter): PromptMessage[] {
  const messages: PromptMessage[] = [];
  if (!v || v.kind !== 'seq') {
    rep.error(v && !(v.kind === 'scalar' && v.value === null) ? v.span : keySpan, 'wrong-type',
      `'messages' must be a list of messages ('- role: user' with 'content'), not ${describeNode(v)}.`);
    return messages;
  }
  if (v.items.length === 0) rep.error(v.span, 'missing-messages', "'messages' is empty. Add at least one '- role: user' entry with its 'content'.");
  v.items.forEach((item, i) => {
    const n = i + 1;
    if (!item || item.kind !== 'map') {
      rep.error(item?.span ?? v.span, 'wrong-type', `Message ${n} must be a mapping with 'role' and 'content', not ${describeNode(item)}.`);
      return;
    }
    const roleP = pairOf(item, 'role');
    const contentP = pairOf(item, 'content');
    for (const p of item.pairs) {
      if (p.key !== 'role' && p.key !== 'content') rep.warning(p.keySpan, 'unknown-key', `Unknown key '${p.key}' in message ${n}; a message has only 'role' and 'content'.${didYouMean(p.key, ['role', 'content'])}`);
    }
    let role: Role | undefined;
    const rv = roleP?.value;
    if (!roleP) rep.error(item.span, 'missing-role', `Message ${n} has no 'role'. Add 'role: system', 'role: user' or 'role: assistant'.`);
    else if (rv?.kind !== 'scalar' || typeof rv.value !== 'string') rep.error(rv?.span ?? roleP.keySpan, 'wrong-type', `The role of message ${n} must be ${orList(ROLES)}, not ${describeNode(rv ?? null)}.`);
    else if (!ROLES.includes(rv.value as Role)) {
      const hint = rv.value === 'developer' ? " Use 'system' for developer instructions." : didYouMean(rv.value, ROLES);
      rep.error(rv.span, 'unknown-role', `Unknown role '${rv.value}' in message ${n}: use ${orList(ROLES)}.${hint}`);
    } else role = rv.value as Role;
    const cv = contentP?.value;
    if (!contentP) { rep.error(item.span, 'missing-content', `Message ${n} has no 'content'. Add 'content:' with the message text.`); return; }
    if (!cv || (cv.kind === 'scalar' && cv.value === null)) { rep.error(contentP.keySpan, 'missing-content', `The content of message ${n} is empty. Write the message text after 'content:'.`); return; }
    if (cv.kind !== 'scalar' || typeof cv.value !== 'string') {
      const hint = cv.kind === 'scalar' ? ' Put it in quotes to send it as text.' : " For multi-line text use a block scalar ('content: |').";
      rep.error(cv.span, 'wrong-type', `The content of message ${n} must be text, not ${describeNode(cv)}.${hint}`);
      return;
    }
    const { map, endMap } = scalarMap(text, cv, cv.value);
    const msg = buildMessage(role ?? 'user', cv.value, rep.range(cv.span), rep, map, endMap);
    if (role) messages.push(msg);
  });
  return messages;
}

/** Reads an `adapt:` section (prompt files and the front matter of imported formats). */
export function readAdapt(v: YamlNode | null, rep: Reporter, file: string, result: ParsedPrompt): PromptAdaptSection {
  const adapt: PromptAdaptSection = {};
  if (!v || (v.kind === 'scalar' && v.value === null)) return adapt;
  if (v.kind !== 'map') { rep.error(v.span, 'wrong-type', `'adapt' must be a mapping (with ${orList(ADAPT_KEYS)}), not ${describeNode(v)}.`); return adapt; }
  const forbidden = checkEndpointIdsOnly(v, rep, "the prompt's 'adapt' section");
  for (const p of v.pairs) {
    if (forbidden.has(p.key)) continue;
    const x = p.value;
    if (p.key === 'variantOf') {
      if (x?.kind !== 'scalar' || typeof x.value !== 'string' || x.value.trim() === '') {
        rep.error(x?.span ?? p.keySpan, 'wrong-type', `'variantOf' must be the path of the parent prompt file, relative to this file (e.g. 'qa.prompt.yml'), not ${describeNode(x)}.`);
        continue;
      }
      adapt.variantOf = x.value;
      const range = rep.range(x.span);
      result.anchors.variantOf = range;
      const link: FileLink = { target: path.resolve(path.dirname(file), x.value), range, kind: 'variantOf' };
      result.links.push(link);
      if (path.resolve(file) === link.target) rep.error(range, 'variant-of-itself', "'variantOf' names this file itself; name the parent prompt this file is a variant of.");
    } else if (p.key === 'output') {
      const out = readOutput(x, p.keySpan, rep);
      if (out) adapt.output = out;
    } else if (p.key === 'style') {
      const st = readStyle(x, rep);
      if (st) adapt.style = st;
    } else if (p.key === 'provenance') {
      const prov = readProvenance(x, rep);
      if (prov) adapt.provenance = prov;
    } else {
      rep.warning(p.keySpan, 'unknown-key', `Unknown key '${p.key}' under 'adapt'.${didYouMean(p.key, ADAPT_KEYS)} Use ${orList(ADAPT_KEYS)}.`);
    }
  }
  return adapt;
}

function readOutput(x: YamlNode | null, keySpan: [number, number], rep: Reporter): OutputSpec | undefined {
  if (x?.kind !== 'map') { rep.error(x?.span ?? keySpan, 'wrong-type', `'output' must be a mapping like '{ format: xml, answer: response.answer, idk: response.cannot_answer }', not ${describeNode(x)}.`); return undefined; }
  const o = toPlain(x) as Record<string, unknown>;
  for (const p of x.pairs) if (!OUTPUT_KEYS.includes(p.key)) rep.warning(p.keySpan, 'unknown-key', `Unknown key '${p.key}' in the output spec.${didYouMean(p.key, OUTPUT_KEYS)} Use ${orList(OUTPUT_KEYS)}.`);
  const fmtNode = pairOf(x, 'format');
  const at = (key: string): [number, number] => pairOf(x, key)?.value?.span ?? pairOf(x, key)?.keySpan ?? keySpan;
  const stringKey = (key: string, required: boolean): string | undefined => {
    const val = o[key];
    if (val === undefined || val === null) {
      if (required) rep.error(fmtNode?.value?.span ?? keySpan, 'missing-key', `The ${String(o.format)} output spec needs '${key}': the dotted path of the element that holds the answer (e.g. 'response.answer').`);
      return undefined;
    }
    if (typeof val !== 'string' || val.trim() === '') { rep.error(at(key), 'wrong-type', `'${key}' must be a dotted path such as 'response.answer'.`); return undefined; }
    return val;
  };
  switch (o.format) {
    case 'xml': case 'json': {
      const answer = stringKey('answer', true);
      const idk = stringKey('idk', false);
      if (answer === undefined) return undefined;
      return idk === undefined ? { format: o.format, answer } : { format: o.format, answer, idk };
    }
    case 'text': {
      const ph = o.idkPhrases;
      if (ph === undefined) return { format: 'text' };
      if (!Array.isArray(ph) || !ph.every((s) => typeof s === 'string')) { rep.error(at('idkPhrases'), 'wrong-type', "'idkPhrases' must be a list of strings."); return { format: 'text' }; }
      return { format: 'text', idkPhrases: ph };
    }
    case undefined: case null:
      rep.error(keySpan, 'missing-key', "The output spec needs 'format': xml, json or text.");
      return undefined;
    default:
      rep.error(at('format'), 'unknown-format', `Unknown output format '${String(o.format)}': use xml, json or text.${didYouMean(String(o.format), ['xml', 'json', 'text'])}`);
      return undefined;
  }
}

/** `adapt.provenance`, written by the adaptation assistant; a hand-broken one is reported, never trusted. */
function readProvenance(x: YamlNode | null, rep: Reporter): AdaptProvenance | undefined {
  const o = toPlain(x) as Record<string, unknown> | null;
  const ok = x?.kind === 'map' && typeof o?.strategy === 'string' && typeof o.round === 'number' && typeof o.parentHash === 'string'
    && (typeof o.splitSeed === 'string' || typeof o.splitSeed === 'number');
  if (!ok) {
    rep.warning(x?.span ?? rep.firstLine(), 'bad-provenance', "'provenance' is written by the adaptation assistant (strategy, round, parentHash, splitSeed, …) and is not in that form here; it is ignored.");
    return undefined;
  }
  return { ...(o as unknown as AdaptProvenance), splitSeed: String(o.splitSeed) };
}

function readStyle(x: YamlNode | null, rep: Reporter): StyleOverrides | undefined {
  if (x?.kind !== 'map') { if (x) rep.error(x.span, 'wrong-type', `'style' must be a mapping of style settings, not ${describeNode(x)}.`); return undefined; }
  const st: StyleOverrides = {};
  for (const p of x.pairs) {
    const val = toPlain(p.value);
    const span = p.value?.span ?? p.keySpan;
    switch (p.key) {
      case 'disabledRules': case 'phrases':
        if (Array.isArray(val) && val.every((s) => typeof s === 'string')) st[p.key] = val as string[];
        else rep.error(span, 'wrong-type', `'${p.key}' must be a list of strings.`);
        break;
      case 'maxWords': case 'minWords':
        if (typeof val === 'number' && Number.isInteger(val) && val >= 0) st[p.key] = val;
        else rep.error(span, 'wrong-type', `'${p.key}' must be a whole number of words (0 or more).`);
        break;
      case 'completeSentences':
        if (typeof val === 'boolean') st.completeSentences = val;
        else rep.error(span, 'wrong-type', "'completeSentences' must be true or false.");
        break;
      default:
        rep.warning(p.keySpan, 'unknown-key', `Unknown style setting '${p.key}'.${didYouMean(p.key, STYLE_KEYS)} Use ${orList(STYLE_KEYS)}.`);
    }
  }
  return st;
}
