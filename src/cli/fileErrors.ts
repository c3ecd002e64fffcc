// What the CLI says when the disk refuses a write: a full disk or a read-only store is a fact about the machine,
// not a bug, so the user gets what happened, what was kept, and what to do — never a Node stack.

const FULL = new Set(['ENOSPC', 'EDQUOT']);
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM']);
const WRITES = new Set(['open', 'write', 'mkdir', 'rename', 'fsync', 'copyfile', 'link', 'symlink', 'unlink', 'rmdir', 'utime', 'chmod', 'close']);

/** The clear message for a failed file-system write, or undefined when `err` is something else. */
export function fileSystemFailure(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const { code, syscall, path } = err as NodeJS.ErrnoException;
  if (!code) return undefined;
  const where = path ? ` ${path}` : '';
  if (FULL.has(code)) {
    return `The disk is full: could not write${where || ' to the store'}. The responses written before this point are kept in the store; `
      + 'free some space and run the same command again: the run resumes, asking again only for what could not be written.';
  }
  if (READ_ONLY.has(code) && (!syscall || WRITES.has(syscall))) {
    const why = code === 'EROFS' ? 'the file system is read-only' : 'permission denied';
    return `Cannot write${where}: ${why}. Runs, verdicts and the response cache are kept in the store folder `
      + '(.prompt-adapt beside the project file, or in the current folder for an ad-hoc run): make it writable, or run from a writable copy of the project.';
  }
  return undefined;
}
