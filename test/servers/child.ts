// Starts a mock model server in a child process, so its CPU is not counted with the client's.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Behavior, Protocol, Stats } from './mockModelServer';

export interface ChildServer {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  stats(): Promise<Stats>;
  setBehavior(b: Behavior): Promise<void>;
  resetStats(): Promise<void>;
  stop(): Promise<void>;
}

export async function spawnMockServer(protocol: Protocol, behavior: Behavior = {}): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'main.ts'), protocol, JSON.stringify(behavior)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (l) => { rl.close(); resolve(l); });
    child.once('exit', (code) => reject(new Error(`mock server exited with ${code}`)));
  });
  const { port, url } = JSON.parse(line) as { port: number; url: string };
  const control = `http://127.0.0.1:${port}`;
  const post = async (p: string, body: unknown) => { await (await fetch(control + p, { method: 'POST', body: JSON.stringify(body) })).text(); };
  return {
    url, port, process: child,
    stats: async () => (await fetch(control + '/__stats')).json() as Promise<Stats>,
    setBehavior: (b) => post('/__behavior', b),
    resetStats: () => post('/__reset', {}),
    stop: () => new Promise<void>((resolve) => { if (child.exitCode !== null) return resolve(); child.once('exit', () => resolve()); child.kill('SIGTERM'); }),
  };
}
