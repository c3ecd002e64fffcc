// The built CLI (dist/cli.js, as shipped) against loopback OpenAI and Bedrock servers: the bundle's SDKs,
// signing and transports work, not only the sources the unit tests load.
//   node test/e2e/bundledCli.mjs   (after `node esbuild.mjs`)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
if (!fs.existsSync(CLI)) { console.error('dist/cli.js is missing: run node esbuild.mjs first'); process.exit(2); }
let failures = 0;
const check = (ok, what) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`); if (!ok) failures++; };

async function server(protocol) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/servers/main.ts'), protocol, '{"latencyMs":5}', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; const i = out.indexOf('\n'); if (i >= 0) resolve(out.slice(0, i)); });
    child.once('exit', (code) => reject(new Error(`${protocol} server exited (${code})`)));
  });
  return { url: JSON.parse(line).url, stop: () => child.kill() };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pa-cli-'));
const servers = [await server('openai'), await server('bedrock')];
try {
  fs.mkdirSync(path.join(dir, 'prompts'));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'endpoints.json'), JSON.stringify({
    local: { kind: 'openai', baseURL: servers[0].url }, aws: { kind: 'bedrock', region: 'us-east-1', baseURL: servers[1].url } }));
  fs.writeFileSync(path.join(dir, 'prompt-adapt.yml'), 'candidates:\n  - { id: gpt, endpoint: local, model: m1 }\n  - { id: nova, endpoint: aws, model: us.amazon.nova-2-lite-v1:0 }\n'
    + 'testSets:\n  - { id: t, path: data/t.jsonl, fields: { id: id } }\n');
  fs.writeFileSync(path.join(dir, 'prompts', 'p.prompt.yml'), 'messages:\n  - role: user\n    content: "{{q}}"\n');
  fs.writeFileSync(path.join(dir, 'data', 't.jsonl'), '{"id":"1","q":"hello"}\n{"id":"2","q":"world"}\n');
  const env = { ...process.env, PROMPT_ADAPT_CONFIG: path.join(dir, 'endpoints.json'), PROMPT_ADAPT_KEY_LOCAL: 'k-local',
    AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' };
  const run = spawnSync(process.execPath, [CLI, 'run', '--project', 'prompt-adapt.yml', '--prompt', 'prompts/p.prompt.yml', '--test-set', 't'], { cwd: dir, env, encoding: 'utf8' });
  check(run.status === 0, `prompt-adapt run exits 0 (${run.status}) ${run.status ? run.stderr.slice(-400) : ''}`);
  const runsDir = path.join(dir, '.prompt-adapt', 'runs');
  const rows = fs.readdirSync(runsDir).flatMap((r) => fs.readFileSync(path.join(runsDir, r, 'responses.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)));
  for (const [candidate, expected] of [['gpt', 'answer:m1:'], ['nova', 'answer:us.amazon.nova-2-lite-v1:0:']]) {
    const mine = rows.filter((r) => r.candidateId === candidate);
    check(mine.length === 2 && mine.every((r) => typeof r.output === 'string' && r.output.startsWith(expected) && r.requestId),
      `${candidate}: two outputs with request ids through the bundled ${candidate === 'gpt' ? 'openai' : 'Bedrock Converse'} client`);
  }
  const validate = spawnSync(process.execPath, [CLI, 'validate', 'prompt-adapt.yml', 'prompts/p.prompt.yml'], { cwd: dir, encoding: 'utf8' });
  check(validate.status === 0, `prompt-adapt validate exits 0 on a valid project (${validate.status}) ${validate.stdout}`);
} finally {
  for (const s of servers) s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(`${failures ? 0 : 1} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
