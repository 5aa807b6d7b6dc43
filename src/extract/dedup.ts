/*
 * Exact and near-duplicate prompts, collapsed into groups whose counts (occurrences, authors,
 * conversations, first and last seen) the database keeps. Near duplicates are found with MinHash over
 * word 3-grams and locality-sensitive hashing (16 bands of 4 rows: pairs above ~0.5 Jaccard meet in a
 * bucket), then confirmed by their exact Jaccard similarity, so no unrelated prompts are merged.
 */

export interface DedupOptions {
  /** Word-3-gram Jaccard similarity from which two prompts are the same prompt. */
  threshold: number;
}

const HASHES = 64;
const BANDS = 16;
const ROWS = HASHES / BANDS;
/** A bucket this crowded holds near-identical prompts: each is compared with its first, not all pairs. */
const STAR_BUCKET = 64;

/** Case, punctuation and spacing do not make a prompt different. */
export function dedupKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLocaleLowerCase('en')
    .replace(/[^\p{L}\p{N}{}_]+/gu, ' ')
    .trim();
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A 32-bit mix (murmur3's finaliser) of a shingle hash with one of the MinHash seeds. */
function mix(x: number, seed: number): number {
  let h = (x ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const SEEDS = Array.from({ length: HASHES }, (_, i) => mix(i + 1, 0x9e3779b9));

export function shingles(key: string): Set<number> {
  const words = key.split(' ').filter(Boolean);
  const out = new Set<number>();
  if (words.length < 3) out.add(fnv1a(words.join(' ')));
  for (let i = 0; i + 3 <= words.length; i++) out.add(fnv1a(`${words[i]} ${words[i + 1]} ${words[i + 2]}`));
  return out;
}

export function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared || 1);
}

function signature(set: ReadonlySet<number>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const x of set) {
    for (let i = 0; i < HASHES; i++) {
      const h = mix(x, SEEDS[i]!);
      if (h < sig[i]!) sig[i] = h;
    }
  }
  return sig;
}

/**
 * Groups of duplicates: for each item, the id of its group (the smallest id in it, so the same items
 * always give the same groups, whatever their order).
 */
export function duplicateGroups(
  items: readonly { id: string; text: string }[],
  options: DedupOptions = { threshold: 0.8 },
): Map<string, string> {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  // Exact duplicates (after normalisation) first: most repeats are exact, and they need no MinHash.
  const byKey = new Map<string, number>();
  const distinct: number[] = [];
  const keys = items.map((item) => dedupKey(item.text));
  keys.forEach((key, i) => {
    const first = byKey.get(key);
    if (first === undefined) {
      byKey.set(key, i);
      distinct.push(i);
    } else union(first, i);
  });

  const sets = new Map<number, Set<number>>();
  const buckets = new Map<string, number[]>();
  for (const i of distinct) {
    const set = shingles(keys[i]!);
    sets.set(i, set);
    const sig = signature(set);
    for (let b = 0; b < BANDS; b++) {
      const key = `${b}:${Array.from(sig.subarray(b * ROWS, (b + 1) * ROWS)).join(',')}`;
      const bucket = buckets.get(key);
      if (bucket) bucket.push(i);
      else buckets.set(key, [i]);
    }
  }
  const compared = new Set<string>();
  const compare = (a: number, b: number): void => {
    const pair = a < b ? `${a}:${b}` : `${b}:${a}`;
    if (compared.has(pair)) return;
    compared.add(pair);
    if (find(a) !== find(b) && jaccard(sets.get(a)!, sets.get(b)!) >= options.threshold) union(a, b);
  };
  for (const bucket of buckets.values()) {
    if (bucket.length < 2) continue;
    if (bucket.length > STAR_BUCKET) for (const j of bucket.slice(1)) compare(bucket[0]!, j);
    else
      for (let x = 0; x < bucket.length; x++)
        for (let y = x + 1; y < bucket.length; y++) compare(bucket[x]!, bucket[y]!);
  }

  const groupId = new Map<number, string>();
  items.forEach((item, i) => {
    const root = find(i);
    const current = groupId.get(root);
    if (current === undefined || item.id < current) groupId.set(root, item.id);
  });
  return new Map(items.map((item, i) => [item.id, groupId.get(find(i))!]));
}
