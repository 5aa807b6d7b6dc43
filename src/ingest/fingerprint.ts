import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { describeRef, type InputRef } from './types.js';

/** Bytes read from each end of a file: an edit that keeps size and time is still caught where it is likeliest. */
const SAMPLE = 16 * 1024;

/**
 * One value for what a run's exports are now, without reading them: every file's path, size and
 * modification time (archives: the archive's, plus each entry's name and inflated size), and its first
 * and last 16 KB. A rerun over exports whose fingerprint a completed run recorded, with the same
 * settings, has nothing to mine (src/store/runs.ts `unchangedSince`).
 */
export async function inputFingerprint(refs: readonly InputRef[]): Promise<string> {
  const hash = createHash('sha256');
  const files = new Map<string, string>();
  for (const ref of [...refs].sort((a, b) => (describeRef(a) < describeRef(b) ? -1 : 1))) {
    let file = files.get(ref.path);
    if (file === undefined) {
      file = await describeFile(ref.path);
      files.set(ref.path, file);
    }
    hash.update(`${describeRef(ref)}\0${ref.size ?? ''}\0${file}\n`);
  }
  return hash.digest('hex');
}

async function describeFile(path: string): Promise<string> {
  const info = await stat(path);
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(SAMPLE, info.size));
    await handle.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(SAMPLE, Math.max(0, info.size - head.length)));
    await handle.read(tail, 0, tail.length, info.size - tail.length);
    const sample = createHash('sha256').update(head).update(tail).digest('hex');
    return `${info.size}\0${info.mtimeMs}\0${sample}`;
  } finally {
    await handle.close();
  }
}
