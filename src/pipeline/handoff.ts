import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';

/*
 * What one stage hands the next, as a file: stages may run in different processes (a compute worker
 * and the store worker), and a run's data never travels through Temporal payloads. The format is
 * NDJSON: a header line with the object's other fields and the length of each array field, then every
 * array's elements, one a line. A stage of a million messages is thus written and read a line at a
 * time: one JSON string of it would pass V8's limit on a string's length (~512 M characters).
 */

interface Header {
  pogHandoff: 1;
  fields: Record<string, unknown>;
  arrays: [string, number][];
}

/** Writes `value` to `path` atomically: a reader sees the whole file or none (a crash leaves a temp file). */
export async function writeHandoff(path: string, value: object): Promise<void> {
  const fields: Record<string, unknown> = {};
  const arrays: [string, unknown[]][] = [];
  for (const [key, v] of Object.entries(value)) {
    if (Array.isArray(v)) arrays.push([key, v]);
    else fields[key] = v;
  }
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const out = createWriteStream(temp, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([err]) => Promise.reject(err as Error));
  failed.catch(() => undefined);
  try {
    const header: Header = { pogHandoff: 1, fields, arrays: arrays.map(([k, a]) => [k, a.length]) };
    let chunk = JSON.stringify(header) + '\n';
    for (const [, items] of arrays) {
      for (const item of items) {
        chunk += JSON.stringify(item) + '\n';
        if (chunk.length >= 1 << 20) {
          if (!out.write(chunk)) await Promise.race([once(out, 'drain'), failed]);
          chunk = '';
        }
      }
    }
    out.end(chunk);
    await Promise.race([once(out, 'finish'), failed]);
  } catch (err) {
    out.destroy();
    await rm(temp, { force: true });
    throw err;
  }
  await rename(temp, path);
}

/** Reads a file `writeHandoff` wrote. The caller knows the type: both ends are this codebase. */
export async function readHandoff<T extends object>(path: string): Promise<T> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let header: Header | undefined;
  let value: Record<string, unknown> = {};
  let current = 0;
  let items: unknown[] = [];
  let left = 0;
  const nextArray = (): void => {
    while (header && current < header.arrays.length && left === 0) {
      const [key, n] = header.arrays[current]!;
      items = [];
      value[key] = items;
      left = n;
      if (n === 0) current++;
    }
  };
  for await (const line of lines) {
    if (!header) {
      header = JSON.parse(line) as Header;
      if (header.pogHandoff !== 1) throw new Error(`${path} is not a stage handoff file`);
      value = { ...header.fields };
      nextArray();
      continue;
    }
    items.push(JSON.parse(line));
    if (--left === 0) {
      current++;
      nextArray();
    }
  }
  if (!header || left > 0 || current < header.arrays.length) throw new Error(`${path} is cut short`);
  return value as T;
}
