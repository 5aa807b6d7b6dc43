import { hash } from 'node:crypto';

/** A short, stable id from its parts: the same parts always give the same id. */
export function stableId(prefix: string, ...parts: readonly (string | number)[]): string {
  // One-shot hashing: an import computes one of these per message, and crypto.hash skips the
  // Hash object's overhead.
  return `${prefix}_${hash('sha256', parts.join('\u0000') + '\u0000', 'hex').slice(0, 24)}`;
}

/** The SHA-256 of a text, hex: the content key of cached embeddings. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
