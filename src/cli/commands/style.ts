// `prompt-adapt style --responses FILE.jsonl [--project FILE] [--json]`: style findings and per-model rates
// for outputs given as `{"id","model","output"}` lines.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { UserError } from '../../core/errors';
import { formatProblem } from '../../core/problems';
import { loadProjectFile } from '../../core/project/parseProject';
import type { StyleConfig } from '../../core/project/types';
import { StyleChecker, resolveStyle, styleStats, type Finding, type StyleStats } from '../../core/style';

const USAGE = `usage: prompt-adapt style --responses FILE.jsonl [--project prompt-adapt.yml] [--json]

  FILE.jsonl holds one {"id", "model", "output"} object per line.
  --project   take style rules from the project file's style: section (default: built-in rules)
  --json      print {"<model>": {"n", "badStyle", "rules": {"<ruleId>": rate}, "medianWords"}} only`;

const OPTIONS = {
  responses: { type: 'string' }, project: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
} as const;

interface Row { id: string; model: string; output: string; line: number }

async function readRows(file: string, warn: (m: string) => void): Promise<Row[]> {
  const rows: Row[] = [];
  let line = 0;
  const input = createReadStream(file, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => input.on('error', (e) => reject(new UserError(`cannot read ${file}: ${e.message}`))));
  const read = (async () => {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      line++;
      if (!text.trim()) continue;
      let v: unknown;
      try { v = JSON.parse(text); } catch { warn(`${file}:${line}: not JSON; line skipped`); continue; }
      const o = v as { id?: unknown; model?: unknown; output?: unknown };
      if (!o || typeof o !== 'object' || typeof o.output !== 'string') { warn(`${file}:${line}: no "output" string; line skipped`); continue; }
      rows.push({ id: o.id === undefined ? String(line) : String(o.id), model: o.model === undefined ? '(none)' : String(o.model), output: o.output, line });
    }
  })();
  await Promise.race([read, failed]);
  return rows;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

function table(stats: Map<string, StyleStats>, ruleIds: readonly string[]): string {
  const header = ['model', 'n', 'bad style', 'median words', ...ruleIds];
  const body = [...stats].map(([model, s]) => [model, String(s.n), pct(s.badStyle), String(s.medianWords), ...ruleIds.map((id) => pct(s.rules[id] ?? 0))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  return [header, ...body].map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')).join('\n');
}

/** Entry point of `prompt-adapt style`; returns the exit code (0 also when findings exist). */
export async function main(argv: string[]): Promise<number> {
  let values: { responses?: string; project?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) { console.log(USAGE); return 0; }
  if (!values.responses) { console.error(USAGE); return 1; }

  let config: StyleConfig | undefined;
  if (values.project) {
    const parsed = await loadProjectFile(values.project).catch((e: Error) => { throw new UserError(`cannot read ${values.project}: ${e.message}`); });
    const errors = parsed.problems.filter((p) => p.severity === 'error');
    for (const p of errors) console.error(formatProblem(p));
    config = parsed.project.style;
  }
  const checker = new StyleChecker(resolveStyle(config));
  const rows = await readRows(values.responses, (m) => console.error(m));

  // Group by model, keeping first-seen order for a stable table.
  const byModel = new Map<string, Row[]>();
  for (const r of rows) { const g = byModel.get(r.model); if (g) g.push(r); else byModel.set(r.model, [r]); }
  const stats = new Map<string, StyleStats>();
  const findings: { row: Row; findings: Finding[] }[] = [];
  for (const [model, group] of byModel) {
    const results = checker.checkMany(group.map((r) => r.output));
    stats.set(model, styleStats(results, checker.ruleIds));
    results.forEach((res, i) => { if (res.findings.length) findings.push({ row: group[i]!, findings: res.findings }); });
  }
  for (const p of checker.problems) console.error(`style rule ${p.ruleId}: ${p.message}`);

  if (values.json) {
    const out: Record<string, { n: number; badStyle: number; rules: Record<string, number>; medianWords: number }> = {};
    for (const [model, s] of stats) out[model] = { n: s.n, badStyle: s.badStyle, rules: s.rules, medianWords: s.medianWords };
    console.log(JSON.stringify(out));
    return 0;
  }
  console.log(stats.size ? table(stats, checker.ruleIds) : 'no outputs');
  if (findings.length) console.log('');
  for (const { row, findings: fs } of findings) for (const f of fs) console.log(`${row.id}:${f.start}-${f.end} ${f.ruleId}`);
  return 0;
}
