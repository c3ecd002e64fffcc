// One writer per run: `runs/<runId>/lock` names the process that writes the run (pid, host, since when).
// A second writer refuses with that owner named instead of requesting every pair a second time. A lock left by
// a process that died (same host, pid gone) is taken over; one from another host is never guessed to be stale.
// Within one process the lock is not a guard (the editor runs one run at a time): a lock of this very process is
// one an error path left behind, and is taken over.
import fs from 'node:fs';
import os from 'node:os';
import { UserError } from '../errors';

interface LockOwner { pid: number; host: string; since: string }

/** A held run lock; `release()` once the run's files are closed. */
export interface RunLock { readonly file: string; release(): void }

/** Another process is writing the run. */
export class RunLockedError extends UserError {}

const ownerOf = (file: string): LockOwner | undefined => {
  try {
    const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' ? { pid: o.pid, host: o.host, since: String(o.since ?? '') } : undefined;
  } catch { return undefined; }
};

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

/** Whether the lock's owner certainly no longer writes: it ran on this host and its pid is gone (or is ours). */
function stale(owner: LockOwner | undefined, file: string): boolean {
  // A lock file without a readable owner is a crash between creating and writing it, unless it is brand new.
  if (!owner) { try { return Date.now() - fs.statSync(file).mtimeMs > 5000; } catch { return true; } }
  return owner.host === os.hostname() && (owner.pid === process.pid || !alive(owner.pid));
}

/** What a lock guards, for the refusal: writing a run's responses, or judging it (its verdicts). */
export interface LockPurpose { doing: string; hint: string }

const WRITING: LockPurpose = { doing: 'written', hint: 'Wait for it to finish, or start a separate run (CLI: --new-run).' };

/** Takes the lock of a run, or throws RunLockedError naming the process that holds it. */
export function lockRun(file: string, runId: string, purpose: LockPurpose = WRITING): RunLock {
  const me: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      try { fs.writeSync(fd, JSON.stringify(me) + '\n'); } finally { fs.closeSync(fd); }
      let released = false;
      return { file, release: () => { if (!released) { released = true; try { fs.unlinkSync(file); } catch { /* already gone */ } } } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = ownerOf(file);
    if (!stale(owner, file)) {
      const who = owner ? `process ${owner.pid} on ${owner.host === me.host ? 'this machine' : `host ${owner.host}`}${owner.since ? ` (since ${owner.since})` : ''}` : 'another process';
      throw new RunLockedError(`Run ${runId} is being ${purpose.doing} by ${who}.`, `${purpose.hint} If that process is gone for good, delete ${file}.`);
    }
    // Take over a stale lock: move it aside (only one taker can), check it was the stale one, then retry.
    const aside = `${file}.${process.pid}.stale`;
    try { fs.renameSync(file, aside); } catch { continue; }
    const moved = ownerOf(aside);
    if (moved && !stale(moved, aside)) {
      // A live owner took the lock between our read and the move: give it back.
      try { fs.renameSync(aside, file); } catch { /* it is theirs to recreate */ }
      continue;
    }
    try { fs.unlinkSync(aside); } catch { /* gone */ }
  }
  throw new RunLockedError(`Run ${runId} is being locked by several processes at once; try again.`);
}
