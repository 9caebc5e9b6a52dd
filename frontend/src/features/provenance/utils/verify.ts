/**
 * The passport's "verified" mark, computed in the browser from what the server sent: each event's
 * leaf hash recomputed from its JSON (SHA-256(0x00 || RFC 8785 JSON)), its inclusion proof checked
 * against the tree head's root (RFC 9162), and the tree head's Ed25519 signature checked with the
 * published key where this browser's WebCrypto has Ed25519. Mirrors write_side/domain/provenance.py.
 */
import type { Timeline, TimelineEvent, TreeHead } from "@/features/provenance/api/get-provenance";
import { canonicalize } from "@/features/provenance/utils/canonical";
import { leafHash, ProofError, verifyInclusion } from "@/features/provenance/utils/merkle";

export type HeadCheck =
  | { status: "verified"; keyId: string }
  | { status: "unsupported"; reason: string }
  | { status: "failed"; reason: string }
  | { status: "none" };

export type EventCheck =
  | { leafIndex: number; status: "verified" }
  /** Included in the tree head, whose signature this browser could not check. */
  | { leafIndex: number; status: "included" }
  | { leafIndex: number; status: "failed"; reason: string }
  | { leafIndex: number; status: "pending" };

export type TimelineCheck = { head: HeadCheck; events: Map<number, EventCheck> };

class Malformed extends Error {}

export function fromBase64(text: string, what: string): Uint8Array<ArrayBuffer> {
  let raw: string;
  try {
    raw = atob(text);
  } catch {
    throw new Malformed(`${what} is not base64`);
  }
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** The bytes a tree head's signature covers (provenance.head_message): RFC 8785 JSON of size, root and time. */
export function headMessage(head: Pick<TreeHead, "tree_size" | "root_hash" | "issued_at">): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(
    canonicalize({ issued_at: head.issued_at, root_hash: head.root_hash, tree_size: head.tree_size }),
  );
}

type Jwk = { kty?: unknown; crv?: unknown; x?: unknown; kid?: unknown };

export async function verifyHead(head: TreeHead, keys: { keys?: Jwk[] } | undefined): Promise<HeadCheck> {
  const jwk = keys?.keys?.find((k) => k.kid === head.key_id && k.kty === "OKP" && k.crv === "Ed25519");
  if (!jwk || typeof jwk.x !== "string") {
    return { status: "failed", reason: `the tree head is signed by key ${head.key_id}, which the published keys do not hold` };
  }
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("jwk", { kty: "OKP", crv: "Ed25519", x: jwk.x }, { name: "Ed25519" }, false, [
      "verify",
    ]);
  } catch (error) {
    // Browsers without Ed25519 in WebCrypto refuse the algorithm; a malformed key is a DataError.
    if (error instanceof DOMException && error.name === "DataError") {
      return { status: "failed", reason: `the published key ${head.key_id} is malformed` };
    }
    return { status: "unsupported", reason: "this browser cannot check Ed25519 signatures" };
  }
  try {
    const signature = fromBase64(head.signature, "the tree head's signature");
    const ok = await crypto.subtle.verify({ name: "Ed25519" }, key, signature, headMessage(head));
    return ok
      ? { status: "verified", keyId: head.key_id }
      : { status: "failed", reason: `the signature of the tree head of size ${head.tree_size} is not the log's` };
  } catch (error) {
    return { status: "failed", reason: error instanceof Error ? error.message : "the signature could not be read" };
  }
}

async function verifyEvent(item: TimelineEvent, head: TreeHead, root: Uint8Array): Promise<string | null> {
  try {
    const leaf = await leafHash(new TextEncoder().encode(canonicalize(item.event)));
    if (toBase64(leaf) !== item.leaf_hash) return "its content does not hash to its leaf: the event was changed";
    const proof = (item.inclusion_proof ?? []).map((p) => fromBase64(p, "its inclusion proof"));
    await verifyInclusion(leaf, item.leaf_index, head.tree_size, proof, root);
    return null;
  } catch (error) {
    if (error instanceof ProofError || error instanceof Malformed) return `it is not in the signed log: ${error.message}`;
    if (error instanceof TypeError) return `its content cannot be canonicalised: ${error.message}`;
    throw error;
  }
}

/** Check a whole timeline; never throws for bad data, it says what failed instead. */
export async function verifyTimeline(timeline: Timeline): Promise<TimelineCheck> {
  const events = new Map<number, EventCheck>();
  for (const item of timeline.pending) events.set(item.leaf_index, { leafIndex: item.leaf_index, status: "pending" });
  const head = timeline.tree_head;
  if (!head) {
    for (const item of timeline.events) {
      events.set(item.leaf_index, { leafIndex: item.leaf_index, status: "failed", reason: "there is no signed tree head" });
    }
    return { head: { status: "none" }, events };
  }
  const headCheck = await verifyHead(head, timeline.keys);
  let root: Uint8Array | null = null;
  try {
    root = fromBase64(head.root_hash, "the tree head's root hash");
  } catch {
    root = null;
  }
  let previous = -1;
  for (const item of timeline.events) {
    const leafIndex = item.leaf_index;
    let reason: string | null;
    if (root === null) reason = "the tree head's root hash is not base64";
    else if (leafIndex <= previous) reason = `it is out of log order after leaf ${previous}`;
    else reason = await verifyEvent(item, head, root);
    previous = Math.max(previous, leafIndex);
    if (reason === null && headCheck.status === "failed") reason = `the tree head it is included in is not valid: ${headCheck.reason}`;
    events.set(
      leafIndex,
      reason !== null
        ? { leafIndex, status: "failed", reason }
        : { leafIndex, status: headCheck.status === "verified" ? "verified" : "included" },
    );
  }
  return { head: headCheck, events };
}
