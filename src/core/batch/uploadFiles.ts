// The JSONL files a batch job uploads, written to the OS temp folder as they are serialised (never one big
// string in memory) and split at the provider's limits; uploaded as file-backed blobs that stream from disk.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BatchLimits, BatchRequest } from './types';

export interface UploadFile {
  path: string;
  keys: string[];
  bytes: number;
  /** Digest of the model and the keys in order: names the job, so submitting the same group again finds it. */
  tag: string;
}

/** Writes `requests` as JSONL files of at most `limits` each; `lineOf` is the provider's line for a request. */
export function writeUploadFiles(model: string, requests: readonly BatchRequest[], lineOf: (r: BatchRequest) => string, limits: Pick<BatchLimits, 'maxRequests' | 'maxBytes'>): UploadFile[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prompt-adapt-batch-'));
  const files: UploadFile[] = [];
  let fd = -1;
  let current: UploadFile | undefined;
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = () => { if (pending.length) { fs.writeSync(fd, pending.join('')); pending = []; pendingBytes = 0; } };
  const close = () => {
    if (!current) return;
    flush();
    fs.closeSync(fd);
    current.tag = uploadTagOf(model, current.keys);
    files.push(current);
    current = undefined;
  };
  for (const r of requests) {
    const line = lineOf(r) + '\n';
    const size = Buffer.byteLength(line);
    if (current && (current.keys.length >= limits.maxRequests || current.bytes + size > limits.maxBytes)) close();
    if (!current) {
      current = { path: path.join(dir, `part-${files.length}.jsonl`), keys: [], bytes: 0, tag: '' };
      fd = fs.openSync(current.path, 'w');
    }
    current.keys.push(r.key);
    current.bytes += size;
    pending.push(line);
    pendingBytes += size;
    if (pendingBytes >= 1 << 16) flush();
  }
  close();
  return files;
}

/** The tag of a job's upload: a digest of its model and request keys in order (the same requests, the same tag). */
export function uploadTagOf(model: string, keys: readonly string[]): string {
  const hash = createHash('sha256').update(model).update('\0');
  keys.forEach((k, i) => { if (i) hash.update('\n'); hash.update(k); });
  return hash.digest('hex').slice(0, 24);
}

/** The name an upload gets at the provider, so an interrupted submission's file can be found again. */
export const uploadNameOf = (tag: string): string => `prompt-adapt-${tag}.jsonl`;

/** A blob that reads the file from disk when uploaded. */
export function fileBlob(file: UploadFile): Promise<Blob> { return fs.openAsBlob(file.path) as Promise<Blob>; }

/** Removes the upload files once their jobs exist. */
export function removeUploadFiles(files: readonly UploadFile[]): void {
  const dirs = new Set(files.map((f) => path.dirname(f.path)));
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}
