// `prompt-adapt compare`: the CI gate. Compares every candidate (and prompt variant) with the baseline from
// the stored runs, prints the decision table, optionally writes a report, and exits 0 when a selection
// exists, 2 when no candidate passes (or none covers what is required), 1 on errors.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildComparison, type CompareOptions } from '../../core/compare';
import { hasImpossibleNumbers } from '../../core/compare/guards';
import { storeDamaged } from '../../core/compare/storeNotes';
import { UserError } from '../../core/errors';
import { findProjectFile } from '../../core/project/workspace';
import { formatOfFile, renderDecisionText, renderReport, REPORT_FORMATS, type ReportFormat } from '../../core/report';
import { DEFAULT_ESTIMATOR, ESTIMATORS, estimatorUsage, isEstimatorId } from '../../core/stats/estimators';
import type { ComparisonReport } from '../../protocol/comparison';

const COMMON = `  --project FILE     the project file (default: prompt-adapt.yml here or in a parent folder)
  --test-set ID      compare on one test set only (default: every test set with runs)
  --format F         md | json | junit | html | csv (default: from --out's extension, else md)
  --out FILE         write the report to FILE
  --estimator E      (default: the project's, else ${DEFAULT_ESTIMATOR})
${estimatorUsage('                       ')}
  --level L          interval level, e.g. 0.9   --margin M   non-inferiority margin, e.g. 0.02
  --draws N          Monte Carlo draws (default 100000)   --seed N   random seed (default 1)`;

const USAGE = `usage: prompt-adapt compare [--project prompt-adapt.yml] [options]

  Compares the candidates and prompt variants with the baseline using the stored runs, verdicts and
  labels, prints the decision table and exits 0 when a selection exists, 2 when none does, 1 on errors.
${COMMON}`;

export const OPTIONS = {
  project: { type: 'string' }, 'test-set': { type: 'string' }, format: { type: 'string' }, out: { type: 'string' },
  estimator: { type: 'string' }, level: { type: 'string' }, draws: { type: 'string' }, seed: { type: 'string' }, margin: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** What the compare and report commands were asked to do. */
export interface Invocation {
  help: boolean;
  project?: string;
  options: CompareOptions;
  format?: ReportFormat;
  out?: string;
}

function number(v: string | undefined, name: string, ok: (x: number) => boolean, what: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !ok(x)) throw new UserError(`--${name} must be ${what}, got '${v}'`);
  return x;
}

/** Parses and checks the options shared by `compare` and `report`. */
export function parseInvocation(argv: string[], usage: string): Invocation {
  let v: Values;
  try {
    ({ values: v } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
  } catch (err) {
    throw new UserError(`${(err as Error).message}\n\n${usage}`);
  }
  if (v.format !== undefined && !(REPORT_FORMATS as readonly string[]).includes(v.format)) {
    throw new UserError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got '${v.format}'`);
  }
  if (v.estimator !== undefined && !isEstimatorId(v.estimator)) {
    throw new UserError(`--estimator must be one of ${ESTIMATORS.join(', ')}, got '${v.estimator}'`);
  }
  const options: CompareOptions = {
    testSetId: v['test-set'],
    estimator: v.estimator,
    level: number(v.level, 'level', (x) => x > 0 && x < 1, 'between 0 and 1'),
    margin: number(v.margin, 'margin', (x) => x >= 0 && x < 1, 'a fraction in [0, 1)'),
    draws: number(v.draws, 'draws', (x) => Number.isInteger(x) && x > 0, 'a positive integer'),
    seed: number(v.seed, 'seed', (x) => Number.isInteger(x), 'an integer'),
  };
  return { help: !!v.help, project: v.project, options, format: v.format as ReportFormat | undefined, out: v.out };
}

/** Builds the comparison for an invocation (finding the project file when none is named). */
export async function comparisonFor(inv: Invocation): Promise<ComparisonReport> {
  const project = inv.project ?? await findProjectFile(process.cwd());
  if (!project) throw new UserError('no prompt-adapt.yml here or in a parent folder; pass --project FILE');
  return buildComparison(project, inv.options);
}

/** Writes the report when --out is given; returns the format used. */
export function writeReport(report: ComparisonReport, inv: Invocation): ReportFormat {
  const format = inv.format ?? (inv.out ? formatOfFile(inv.out) : undefined) ?? 'md';
  if (inv.out) {
    mkdirSync(path.dirname(path.resolve(inv.out)), { recursive: true });
    writeFileSync(inv.out, renderReport(report, format));
    console.error(`report (${format}) written to ${inv.out}`);
  }
  return format;
}

/** Entry point of `prompt-adapt compare`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const inv = parseInvocation(argv, USAGE);
  if (inv.help) { console.log(USAGE); return 0; }
  const report = await comparisonFor(inv);
  const format = writeReport(report, inv);
  // With --format and no --out the report itself goes to stdout (for piping); otherwise the table does.
  console.log(inv.format && !inv.out ? renderReport(report, format).trimEnd() : renderDecisionText(report));
  // Damage to the compared data makes the numbers untrustworthy, whatever they say: an error, not a verdict.
  return damageExitCode(report) ?? (report.selection?.best ? 0 : 2);
}

/**
 * 1, with the reason on stderr, when the report's numbers cannot be trusted: store damage or verdicts missing where it
 * reads, or impossible figures. `compare` and `report` both exit so.
 */
export function damageExitCode(report: ComparisonReport): 1 | undefined {
  if (storeDamaged(report)) { console.error('error: the store is damaged or incomplete where this comparison reads it (see the notes above); its numbers leave those records out.'); return 1; }
  if (hasImpossibleNumbers(report)) { console.error('error: the comparison produced impossible figures (a bug; see the notes above); they are not shown.'); return 1; }
  return undefined;
}
