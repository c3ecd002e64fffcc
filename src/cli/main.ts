// The headless entry point: `prompt-adapt <command> [options]`. Each command lives in its own module,
// loaded only when used, and returns the process exit code.
import { toMessage, UserError } from '../core/errors';
import { fileSystemFailure } from './fileErrors';
import { guardTerminalOutput } from './output';

export type CommandMain = (argv: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<{ main: CommandMain }> }> = {
  version: { summary: 'print the version', load: async () => ({ main: async () => { console.log(VERSION); return 0; } }) },
  run: { summary: 'run a prompt on candidate models over a test set (resumable; --help for both forms)', load: () => import('./commands/run') },
  validate: { summary: 'check prompt files, the project file and test sets; print file:line:col problems', load: () => import('./commands/validate') },
  stats: { summary: 'judge calibration and calibrated differences from counts or label/verdict files', load: () => import('./commands/stats') },
  style: { summary: 'style findings and per-model rates for {id, model, output} lines', load: () => import('./commands/style') },
  judge: { summary: 'run the project\'s metrics (LLM judges, lexical) over a stored run', load: () => import('./commands/judge') },
  compare: { summary: 'compare candidates and prompt variants with the baseline; decision table and CI exit code (0 selection, 2 none)', load: () => import('./commands/compare') },
  adapt: { summary: 'write prompt variants for a candidate and accept one only on a sealed split (guide, reflect, style)', load: () => import('./commands/adapt') },
  report: { summary: 'write the comparison report (md, html, csv, json, junit)', load: () => import('./commands/report') },
};

declare const PROMPT_ADAPT_VERSION: string | undefined;
const VERSION = typeof PROMPT_ADAPT_VERSION === 'string' ? PROMPT_ADAPT_VERSION : '0.1.0';

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  return ['usage: prompt-adapt <command> [options]', '', 'commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '', 'Run `prompt-adapt <command> --help` for the options of one command.'].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { console.log(usage()); return name ? 0 : 1; }
  if (name === '--version') { console.log(VERSION); return 0; }
  const command = commands[name];
  if (!command) { console.error(`prompt-adapt: unknown command '${name}'\n\n${usage()}`); return 1; }
  try {
    return await (await command.load()).main(rest);
  } catch (err) {
    console.error(`prompt-adapt ${name}: ${err instanceof UserError ? err.message : fileSystemFailure(err) ?? toMessage(err)}`);
    if (!(err instanceof UserError) && process.env.PROMPT_ADAPT_DEBUG) console.error(err);
    return 1;
  }
}

/** A failure outside the command's promise chain (a batched append) ends the process; a failed write says so clearly. */
function exitOnFileSystemFailure(err: unknown): void {
  const message = fileSystemFailure(err);
  console.error(message === undefined ? err : `prompt-adapt: ${message}`);
  process.exit(1);
}

/** Runs the command line of this process (dist/cli.js calls it once the compile cache is on). */
export function start(): void {
  guardTerminalOutput();
  process.on('uncaughtException', exitOnFileSystemFailure);
  process.on('unhandledRejection', exitOnFileSystemFailure);
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (err) => { console.error(err); process.exitCode = 1; });
}

if (require.main === module) start();
