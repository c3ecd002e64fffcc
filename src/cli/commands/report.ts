// `prompt-adapt report`: the same comparison as `compare`, written as a report only (no gate): exit 0 when
// the report was produced, 1 on errors, including damage to the store where the report reads (the report is still
// written, with the damage in its notes).
import { renderReport } from '../../core/report';
import { comparisonFor, damageExitCode, parseInvocation, writeReport } from './compare';

const USAGE = `usage: prompt-adapt report [--project prompt-adapt.yml] [--format md|json|junit|html|csv] [--out FILE] [options]

  Writes the comparison report (to stdout without --out); exits 1 when the store is damaged or verdicts are
  missing where it reads (the report is still written, with the damage in its notes). Same options as compare:
  --project, --test-set, --format, --out, --estimator, --level, --margin, --draws, --seed`;

/** Entry point of `prompt-adapt report`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const inv = parseInvocation(argv, USAGE);
  if (inv.help) { console.log(USAGE); return 0; }
  const report = await comparisonFor(inv);
  const format = writeReport(report, inv);
  if (!inv.out) console.log(renderReport(report, format).trimEnd());
  return damageExitCode(report) ?? 0;
}
