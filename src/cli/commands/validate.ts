// `prompt-adapt validate [paths…]`: checks prompt files, the project file and test sets, printing
// `file:line:col: error|warning: message` per problem. Exit code 1 if any error, else 0.
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../../core/errors';
import { formatProblem, pointRange, type Problem } from '../../core/problems';
import { STORE_FOLDER } from '../../core/store/store';
import { checkVariables, isPromptFileName, loadPromptFile, type VariableSources } from '../../core/prompt';
import {
  findProjectFile, loadProjectFile, PROJECT_FILE_NAME, projectVariableSources, testSetFormatOf, testSetSource,
  validateTestSet, type ParsedProject, type TestSetSource,
} from '../../core/project';

const HELP = `usage: prompt-adapt validate [paths…]

Checks prompt files (*.prompt.yml, .prompty, Dotprompt .prompt, .md/.txt templates), the project file
(${PROJECT_FILE_NAME}) and test sets (.jsonl, .csv, .json). With no paths: the project file in the current
directory, everything it references, and every *.prompt.yml below the current directory.

Prints file:line:col: error|warning: message for each problem; exits with 1 if there is any error.

options:
  -q, --quiet   print errors only (no warnings)
  -h, --help    show this help`;

const SKIP_DIRS = new Set(['node_modules', '.git', STORE_FOLDER]);

/** Every *.prompt.yml (and the project file) below `dir`, skipping dependency, VCS and store folders. */
async function walk(dir: string, out: string[]): Promise<void> {
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name)) await walk(full, out); }
    else if (e.isFile() && (/\.prompt\.ya?ml$/i.test(e.name) || e.name === PROJECT_FILE_NAME)) out.push(full);
  }
}

const exists = async (f: string): Promise<boolean> => stat(f).then(() => true, () => false);

class Validation {
  readonly problems: Problem[] = [];
  private readonly done = new Set<string>();
  private readonly projects = new Map<string, Promise<{ parsed: ParsedProject; sources: VariableSources } | undefined>>();

  async any(file: string): Promise<void> {
    const abs = path.resolve(file);
    if (this.done.has(abs)) return;
    const st = await stat(abs).catch(() => undefined);
    if (!st) { this.fileProblem(abs, 'missing-file', `No such file or directory: ${file}`); return; }
    if (st.isDirectory()) {
      const found: string[] = [];
      await walk(abs, found);
      for (const f of found.sort()) await this.any(f);
      return;
    }
    if (path.basename(abs) === PROJECT_FILE_NAME) return this.project(abs);
    if (testSetFormatOf(abs)) {
      // Use the project's field mapping for this file, if a project names it.
      const project = await this.projectFor(path.dirname(abs)).catch(() => undefined);
      const spec = project?.parsed.project.testSets.find((t) => testSetSource(project.parsed.project, t).path === abs);
      return this.testSet(spec && project ? testSetSource(project.parsed.project, spec) : { path: abs }, abs);
    }
    if (isPromptFileName(abs)) return this.prompt(abs);
    this.done.add(abs);
    this.fileProblem(abs, 'unknown-file-type', `Not a prompt file, project file or test set: ${path.basename(abs)}. Validate *.prompt.yml, .prompty, .prompt, .md/.txt, ${PROJECT_FILE_NAME}, .jsonl, .csv or .json files.`);
  }

  private fileProblem(file: string, code: string, message: string): void {
    this.problems.push({ file, range: pointRange(0, 0), severity: 'error', code, message });
  }

  /** The parsed project that governs `dir` (nearest prompt-adapt.yml upwards), with its variable sources. */
  private projectFor(dir: string): Promise<{ parsed: ParsedProject; sources: VariableSources } | undefined> {
    let p = this.projects.get(dir);
    if (!p) {
      p = (async () => {
        const file = await findProjectFile(dir);
        if (!file) return undefined;
        const parsed = await loadProjectFile(file);
        return { parsed, sources: await projectVariableSources(parsed.project) };
      })();
      this.projects.set(dir, p);
    }
    return p;
  }

  async project(file: string): Promise<void> {
    this.done.add(file);
    const parsed = await loadProjectFile(file);
    this.problems.push(...parsed.problems);
    for (const link of parsed.links) {
      if (!(await exists(link.target))) {
        const what = link.kind === 'testSet' ? 'test set' : 'prompt file';
        this.problems.push({ file, range: link.range, severity: 'error', code: 'missing-file', message: `The ${what} '${path.relative(path.dirname(file), link.target)}' does not exist (paths are relative to ${PROJECT_FILE_NAME}).` });
        continue;
      }
      if (link.kind === 'prompt') await this.any(link.target);
    }
    // A test set refused at its reference (outside the project folder, not a file) is not read.
    const linked = new Set(parsed.links.map((l) => l.target));
    for (const spec of parsed.project.testSets) {
      const source = testSetSource(parsed.project, spec);
      if (linked.has(source.path) && await exists(source.path)) await this.testSet(source, source.path);
    }
  }

  async testSet(source: TestSetSource, abs: string): Promise<void> {
    if (this.done.has(abs)) return;
    this.done.add(abs);
    try {
      this.problems.push(...(await validateTestSet(source)).problems);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      this.fileProblem(abs, 'unreadable', err.message);
    }
  }

  async prompt(file: string): Promise<void> {
    this.done.add(file);
    const parsed = await loadPromptFile(file);
    this.problems.push(...parsed.problems);
    for (const link of parsed.links) {
      if (!(await exists(link.target))) {
        this.problems.push({ file, range: link.range, severity: 'error', code: 'missing-file', message: `The parent prompt '${path.relative(path.dirname(file), link.target)}' does not exist; 'variantOf' is relative to this file.` });
      }
    }
    const project = await this.projectFor(path.dirname(file));
    if (project) this.problems.push(...checkVariables(parsed, project.sources));
  }
}

/** Entry point of `prompt-adapt validate`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
    quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' },
  } });
  if (values.help) { console.log(HELP); return 0; }
  const cwd = process.cwd();
  const v = new Validation();
  if (positionals.length) {
    for (const p of positionals) await v.any(p);
  } else {
    const project = path.join(cwd, PROJECT_FILE_NAME);
    if (await exists(project)) await v.any(project);
    const found: string[] = [];
    await walk(cwd, found);
    for (const f of found.sort()) if (/\.prompt\.ya?ml$/i.test(f)) await v.any(f);
    if (!(await exists(project)) && !found.length) {
      console.error(`prompt-adapt validate: nothing to validate: no ${PROJECT_FILE_NAME} and no *.prompt.yml under ${cwd}.`);
      return 0;
    }
  }
  const shown = v.problems
    .filter((p) => !values.quiet || p.severity === 'error')
    .map((p) => ({ ...p, file: path.relative(cwd, p.file) || p.file }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  for (const p of shown) console.log(formatProblem(p));
  const errors = v.problems.filter((p) => p.severity === 'error').length;
  const warnings = v.problems.filter((p) => p.severity === 'warning').length;
  if (errors || warnings) console.error(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return errors ? 1 : 0;
}
