import { endianness } from 'node:os';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { SparseVector, VectorSet } from '../cluster/vector-set.js';

/*
 * Vectors move between stages as files, never through workflow payloads (Temporal rejects payloads
 * over 2 MB). Layout: one JSON header line, then the rows, little-endian:
 *   dense:  n × dim float32, back to back;
 *   sparse: per row a uint32 count c, then c int32 dimension numbers, then c float32 values.
 * Rows are read and written as whole typed arrays (a per-float DataView loop took seconds at 100 k
 * rows), which needs a little-endian machine: every platform Node ships for is one, and others fail
 * loudly rather than read garbage.
 */

const HeaderSchema = z.object({
  model: z.string(),
  dim: z.number().int().nonnegative(),
  layout: z.enum(['dense', 'sparse']).default('dense'),
  ids: z.array(z.string()),
  vocabulary: z.array(z.string()).optional(),
});

export interface VectorFile {
  model: string;
  ids: string[];
  vocabulary?: string[];
  vectors: VectorSet;
}

function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('vector files need a little-endian machine');
}

export async function writeVectorFile(path: string, file: VectorFile): Promise<void> {
  assertLittleEndian();
  const { vectors } = file;
  const header = {
    model: file.model,
    dim: vectors.dim,
    layout: vectors.kind,
    ids: file.ids,
    ...(file.vocabulary ? { vocabulary: file.vocabulary } : {}),
  };
  const parts: Buffer[] = [Buffer.from(JSON.stringify(header) + '\n', 'utf8')];
  if (vectors.kind === 'dense') {
    const body = new Float32Array(vectors.rows.length * vectors.dim);
    vectors.rows.forEach((v, row) => body.set(v.subarray(0, vectors.dim), row * vectors.dim));
    parts.push(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  } else {
    for (const v of vectors.rows) {
      parts.push(Buffer.from(Uint32Array.of(v.index.length).buffer));
      parts.push(Buffer.from(v.index.buffer, v.index.byteOffset, v.index.byteLength));
      parts.push(Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength));
    }
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, Buffer.concat(parts));
}

export async function readVectorFile(path: string): Promise<VectorFile> {
  assertLittleEndian();
  const buf = await readFile(path);
  const nl = buf.indexOf(0x0a);
  const header = HeaderSchema.parse(JSON.parse(buf.subarray(0, nl).toString('utf8')));
  // A copy aligned for typed arrays (the body starts after a header of any length).
  const body = new Uint8Array(buf.subarray(nl + 1));
  const n = header.ids.length;
  const truncated = (): Error => new Error(`vector file ${path} is truncated`);
  const base = {
    model: header.model,
    ids: header.ids,
    ...(header.vocabulary ? { vocabulary: header.vocabulary } : {}),
  };
  if (header.layout === 'dense') {
    if (body.byteLength !== n * header.dim * 4) throw truncated();
    const all = new Float32Array(body.buffer, body.byteOffset, n * header.dim);
    const rows = Array.from({ length: n }, (_, r) => all.subarray(r * header.dim, (r + 1) * header.dim));
    return { ...base, vectors: { kind: 'dense', dim: header.dim, rows } };
  }
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const rows: SparseVector[] = [];
  let at = 0;
  for (let r = 0; r < n; r++) {
    if (at + 4 > body.byteLength) throw truncated();
    const c = view.getUint32(at, true);
    at += 4;
    if (at + c * 8 > body.byteLength) throw truncated();
    rows.push({
      index: new Int32Array(body.buffer.slice(body.byteOffset + at, body.byteOffset + at + c * 4)),
      value: new Float32Array(body.buffer.slice(body.byteOffset + at + c * 4, body.byteOffset + at + c * 8)),
    });
    at += c * 8;
  }
  if (at !== body.byteLength) throw truncated();
  return { ...base, vectors: { kind: 'sparse', dim: header.dim, rows } };
}

/** The ids of a vector file, read from its header only (the body can be hundreds of MB). */
export async function readVectorIds(path: string): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = Buffer.alloc(1 << 20);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) throw new Error(`vector file ${path} has no header`);
      const nl = chunk.subarray(0, bytesRead).indexOf(0x0a);
      chunks.push(chunk.subarray(0, nl < 0 ? bytesRead : nl));
      if (nl >= 0) break;
    }
    return HeaderSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))).ids;
  } finally {
    await handle.close();
  }
}
