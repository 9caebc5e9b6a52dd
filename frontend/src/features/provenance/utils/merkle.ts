/** RFC 9162 Merkle tree hashes and inclusion-proof verification (a port of write_side/domain/merkle.py). */

export class ProofError extends Error {}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

/** SHA-256(0x00 || entry) */
export function leafHash(entry: Uint8Array): Promise<Uint8Array> {
  return sha256(LEAF, entry);
}

/** SHA-256(0x01 || left || right) */
export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(NODE, left, right);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * Throws ProofError unless `proof` puts `leaf` at `index` of the tree of `size` leaves whose root is
 * `root` (RFC 9162 section 2.1.3.2). Indexes stay below 2^53: plain numbers, halved by division.
 */
export async function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<void> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0) {
    throw new ProofError(`leaf index ${index} or tree size ${size} is not a valid number`);
  }
  if (index >= size) throw new ProofError(`leaf index ${index} is outside a tree of ${size}`);
  const half = (n: number) => Math.floor(n / 2);
  const odd = (n: number) => n % 2 === 1;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new ProofError("the inclusion proof is longer than the tree is deep");
    if (odd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError("the inclusion proof is shorter than the tree is deep");
  if (!equalBytes(r, root)) throw new ProofError("the inclusion proof does not lead to the tree head's root");
}
