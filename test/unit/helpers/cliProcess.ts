// The CLI as a separate process with piped output (as in CI), and a small judged project on a loopback endpoint.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = path.join(__dirname, '../../..');
const TSX = pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;

/** The CLI in a child process whose stdout and stderr are pipes (not a terminal), progress lines every second. */
export function cliWithPipes(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, path.join(REPO, 'src/cli/main.ts'), ...args],
      { cwd, env: { ...process.env, HOME: os.tmpdir(), PROMPT_ADAPT_PROGRESS_SECONDS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** A project of `rows` questions, one candidate and one judge metric, all on the loopback endpoint `loop`. */
export function judgedProject(dir: string, url: string, rows: number): void {
  fs.writeFileSync(path.join(dir, 'qa.prompt.yml'), 'messages:\n  - role: user\n    content: "{{question}}"\n');
  fs.writeFileSync(path.join(dir, 't.jsonl'), Array.from({ length: rows }, (_, i) => JSON.stringify({ id: `q${i}`, question: `question ${i}`, context: `context ${i}` })).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'prompt-adapt.yml'), [
    'baseline: { prompt: qa.prompt.yml, candidate: c }',
    'candidates:', '  - { id: c, endpoint: loop, model: m }',
    'testSets:', '  - { id: t, path: t.jsonl, fields: { id: id, question: question, context: context } }',
    'metrics:', '  - { id: ctx, kind: judge, rubric: context, judge: { endpoint: loop, model: judge-m } }', ''].join('\n'));
  fs.writeFileSync(path.join(dir, 'endpoints.json'), JSON.stringify({ loop: { kind: 'openai', baseURL: url } }));
}
