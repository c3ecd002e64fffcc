// The project file `prompt-adapt.yml`: YAML -> ProjectFile + Problems. Structure comes from the JSON Schema
// (schemas/project.schema.json, also used by the editor for completion); cross-references, duplicate ids and
// the endpoint-ids-only rule are checked here. Never throws on bad content.
import * as path from 'node:path';
import { pointRange, type Problem } from '../problems';
import { didYouMean, Reporter, reportYaml } from '../fileProblems/reporter';
import type { FileLink } from '../prompt/types';
import { decodeWorkspaceText, lexicalPathProblem, linkTargetProblem, normalizeLoneCr, readWorkspaceBytes } from '../workspaceFiles';
import { describeNode, pairOf, parseYaml, toPlain, type Span, type YamlNode } from '../yaml';
import { checkEndpointIdsOnly } from '../fileProblems/endpointPolicy';
import { readModelParameters } from '../prompt/modelParameters';
import { describePath, validateProject } from './schemaValidator';
import type { ProjectFile, TestSetSpec } from './types';

/** The project file's name, at the workspace root. */
export const PROJECT_FILE_NAME = 'prompt-adapt.yml';

export interface ParsedProject {
  /** Always returned; parts that failed validation are left out (or empty). */
  project: ProjectFile;
  problems: Problem[];
  /** Referenced files (baseline prompt, test-set data), for document links and `validate`. */
  links: FileLink[];
}

type Path = (string | number)[];

/** The node at a JSON path, with the key span of the pair that holds it (if it is a mapping value). */
export function nodeAt(root: YamlNode | null, p: Path): { node: YamlNode | null; keySpan?: Span } | undefined {
  let node: YamlNode | null = root;
  let keySpan: Span | undefined;
  for (const seg of p) {
    if (!node) return undefined;
    if (typeof seg === 'number') {
      if (node.kind !== 'seq') return undefined;
      node = node.items[seg] ?? null;
      keySpan = undefined;
    } else {
      const pair = pairOf(node, seg);
      if (!pair) return undefined;
      node = pair.value;
      keySpan = pair.keySpan;
    }
  }
  return { node, keySpan };
}

/** Parses the text of `prompt-adapt.yml`. `file` is used for problems and to resolve relative paths. */
export function parseProjectFile(text: string, file: string): ParsedProject {
  text = normalizeLoneCr(text); // a lone CR is a line break, as in editors; offsets do not move
  const rep = new Reporter(file, text);
  const project: ProjectFile = { path: file, candidates: [], testSets: [], metrics: [], style: {}, decision: {} };
  const links: FileLink[] = [];
  const result: ParsedProject = { project, problems: rep.problems, links };
  if (text.trim() === '') {
    rep.error(rep.firstLine(), 'empty-file', `${PROJECT_FILE_NAME} is empty. List at least 'candidates' (model + endpoint id) and 'testSets' (data file + field mapping); the "Create Project File" command scaffolds a commented one.`);
    return result;
  }
  const yaml = parseYaml(text);
  reportYaml(yaml, rep);
  const root = yaml.root;
  if (!root || root.kind !== 'map') {
    if (!yaml.errors.length) rep.error(root?.span ?? rep.firstLine(), 'wrong-type', `${PROJECT_FILE_NAME} must be a mapping with keys such as 'candidates' and 'testSets', but it is ${describeNode(root)}.`);
    return result;
  }
  // Field-mapping keys are template variable names chosen by the user, so they may be called anything.
  const forbidden = checkEndpointIdsOnly(root, rep, PROJECT_FILE_NAME, (p) => p.length === 3 && p[0] === 'testSets' && p[2] === 'fields');
  const isForbidden = (p: Path, key?: string): boolean => {
    const full = key === undefined ? p : [...p, key];
    return [...forbidden].some((f) => full.join('/') === f || full.join('/').startsWith(`${f}/`));
  };

  const value = toPlain(root) as Record<string, unknown>;
  const invalid = new Set<string>();
  for (const e of validateProject(value)) {
    if (isForbidden(e.path, e.key)) continue;
    invalid.add(e.path.slice(0, 2).join('/'));
    const at = nodeAt(root, e.path);
    if (e.key !== undefined) {
      const pair = pairOf(at?.node, e.key);
      rep.error(pair?.keySpan ?? at?.node?.span ?? root.span, 'schema', e.message);
    } else if (e.missing !== undefined) {
      rep.error(at?.keySpan ?? firstLineOf(text, at?.node?.span ?? root.span), 'missing-key', e.message);
    } else {
      const valueNode = at?.node;
      const empty = !valueNode || (valueNode.kind === 'scalar' && valueNode.value === null);
      rep.error(empty ? at?.keySpan ?? root.span : valueNode.span, 'schema', e.message);
    }
  }

  // Keep only entries that passed validation, so consumers never see half-typed objects.
  const list = <T>(key: 'candidates' | 'testSets' | 'metrics'): T[] =>
    Array.isArray(value[key]) ? (value[key] as unknown[]).filter((x, i) => isObject(x) && !invalid.has(`${key}/${i}`)) as T[] : [];
  project.candidates = list('candidates');
  project.testSets = list<TestSetSpec>('testSets').map((t) => ({ ...t, fields: t.fields ?? {} }));
  project.metrics = list('metrics');
  if (isObject(value.style) && !invalid.has('style')) project.style = value.style;
  if (isObject(value.decision)) project.decision = value.decision;
  if (isObject(value.baseline)) project.baseline = value.baseline;
  if (isObject(value.adapt) && ![...invalid].some((k) => k === 'adapt' || k.startsWith('adapt/'))) project.adapt = value.adapt;

  checkReferences(root, rep, project);
  readGenerationParameters(root, rep, project);
  const dir = path.dirname(file);
  const linkAt = (p: Path, kind: FileLink['kind']): void => {
    const n = nodeAt(root, p)?.node;
    if (n?.kind !== 'scalar' || typeof n.value !== 'string' || n.value === '') return;
    const refused = lexicalPathProblem(dir, dir, n.value);
    if (refused) rep.error(n.span, 'outside-project', `${describePath(p)}: ${refused}`);
    else links.push({ target: path.resolve(dir, n.value), range: rep.range(n.span), kind });
  };
  linkAt(['baseline', 'prompt'], 'prompt');
  (Array.isArray(value.candidates) ? value.candidates : []).forEach((_, i) => linkAt(['candidates', i, 'prompt'], 'prompt'));
  (Array.isArray(value.testSets) ? value.testSets : []).forEach((_, i) => linkAt(['testSets', i, 'path'], 'testSet'));
  return result;
}

/**
 * Candidates' and judges' `params`: generation parameters only, each offending key reported at its location
 * (as in a prompt's modelParameters); the checked, canonically named values replace what YAML gave.
 */
function readGenerationParameters(root: YamlNode, rep: Reporter, project: ProjectFile): void {
  const byId = new Map(project.candidates.map((c) => [c.id, c]));
  const items = (n: YamlNode | null | undefined): YamlNode[] => (n?.kind === 'seq' ? n.items.filter((x): x is YamlNode => x !== null) : n ? [n] : []);
  items(pairOf(root, 'candidates')?.value).forEach((item, i) => {
    const params = pairOf(item, 'params');
    const id = pairOf(item, 'id')?.value;
    if (!params) return;
    const read = readModelParameters(params.value, rep, `candidates[${i}].params`);
    const c = id?.kind === 'scalar' ? byId.get(String(id.value)) : undefined;
    if (c) c.params = read;
  });
  const metrics = items(pairOf(root, 'metrics')?.value);
  metrics.forEach((metric, i) => {
    const idNode = pairOf(metric, 'id')?.value;
    const spec = idNode?.kind === 'scalar' ? project.metrics.find((m) => m.id === idNode.value) : undefined;
    const judgeNode = pairOf(metric, 'judge')?.value;
    const judges = spec?.kind === 'judge' ? (Array.isArray(spec.judge) ? spec.judge : [spec.judge]) : [];
    items(judgeNode).forEach((j, k) => {
      const params = pairOf(j, 'params');
      if (!params) return;
      const read = readModelParameters(params.value, rep, `metrics[${i}].judge${judgeNode?.kind === 'seq' ? `[${k}]` : ''}.params`);
      if (judges[k]) judges[k].params = read;
    });
  });
}

function isObject(x: unknown): x is Record<string, never> { return typeof x === 'object' && x !== null && !Array.isArray(x); }

function firstLineOf(text: string, span: Span): Span {
  const nl = text.indexOf('\n', span[0]);
  return [span[0], nl === -1 || nl > span[1] ? span[1] : nl];
}

/** Duplicate ids, references between sections, and test-set formats we cannot infer. */
function checkReferences(root: YamlNode, rep: Reporter, project: ProjectFile): void {
  for (const section of ['candidates', 'testSets', 'metrics'] as const) {
    const seq = pairOf(root, section)?.value;
    if (seq?.kind !== 'seq') continue;
    const first = new Map<string, number>();
    seq.items.forEach((item) => {
      const idNode = pairOf(item, 'id')?.value;
      if (idNode?.kind !== 'scalar' || typeof idNode.value !== 'string') return;
      const line = rep.lines.position(idNode.span[0]).line + 1;
      const before = first.get(idNode.value);
      const noun = { candidates: 'candidate', testSets: 'test set', metrics: 'metric' }[section];
      if (before !== undefined) rep.error(idNode.span, 'duplicate-id', `Duplicate ${noun} id '${idNode.value}' (first used on line ${before}); ids must be unique.`);
      else first.set(idNode.value, line);
    });
  }
  const ref = (p: Path, ids: string[], noun: string, section: string): void => {
    const n = nodeAt(root, p)?.node;
    if (n?.kind !== 'scalar' || typeof n.value !== 'string' || ids.includes(n.value)) return;
    rep.error(n.span, 'unknown-reference', `${describePath(p)} names ${noun} '${n.value}', but '${section}' has no entry with that id.${didYouMean(n.value, ids)}${ids.length ? ` Known: ${ids.join(', ')}.` : ''}`);
  };
  ref(['baseline', 'candidate'], project.candidates.map((c) => c.id), 'the candidate', 'candidates');
  ref(['decision', 'primaryMetric'], project.metrics.map((m) => m.id), 'the metric', 'metrics');
  project.testSets.forEach((t, i) => {
    if (t.format || testSetFormatOf(t.path)) return;
    const n = nodeAt(root, ['testSets', i, 'path'])?.node;
    if (n) rep.error(n.span, 'unknown-format', `Cannot tell the format of '${t.path}' from its extension; name a .jsonl, .csv or .json file, or add 'format: jsonl|csv|json' to this test set.`);
  });
}

/** The test-set format implied by a file name, if any. */
export function testSetFormatOf(file: string): 'jsonl' | 'csv' | 'json' | undefined {
  const b = file.toLowerCase();
  if (b.endsWith('.jsonl') || b.endsWith('.ndjson')) return 'jsonl';
  if (b.endsWith('.csv')) return 'csv';
  if (b.endsWith('.json')) return 'json';
  return undefined;
}

/**
 * Reads and parses a project file (UTF-8 text; see decodeWorkspaceText), and checks on disk that every file it
 * names stays inside the project folder after symbolic links and is a regular file. Rejects only when the
 * file itself cannot be read or is not a regular file.
 */
export async function loadProjectFile(file: string): Promise<ParsedProject> {
  const abs = path.resolve(file);
  const decoded = decodeWorkspaceText(await readWorkspaceBytes(abs));
  if ('problem' in decoded) {
    const parsed = parseProjectFile('', abs);
    const { line, column, code, message } = decoded.problem;
    parsed.problems.splice(0, parsed.problems.length, { file: abs, range: pointRange(line - 1, column - 1), severity: 'error', code, message });
    return parsed;
  }
  const parsed = parseProjectFile(decoded.text, abs);
  const dir = path.dirname(abs);
  const kept: FileLink[] = [];
  for (const link of parsed.links) {
    const problem = await linkTargetProblem(dir, link.target);
    if (!problem) { kept.push(link); continue; }
    const what = link.kind === 'testSet' ? 'test set' : 'prompt file';
    parsed.problems.push({ file: abs, range: link.range, severity: 'error', code: problem.code, message: `The ${what} '${path.relative(dir, link.target)}' ${problem.message}` });
  }
  parsed.links.splice(0, parsed.links.length, ...kept);
  return parsed;
}
