// Vectors made by the Python code the log runs: frontend/scripts/provenance_fixture.py.
import { describe, expect, it } from "vitest";
import type { Timeline } from "@/features/provenance/api/get-provenance";
import { canonicalize } from "@/features/provenance/utils/canonical";
import { headMessage, verifyTimeline } from "@/features/provenance/utils/verify";
import fixture from "./fixtures/timeline.json";

// vitest types asymmetric matchers as any; this one matches strings.
const containing = (text: string) => expect.stringContaining(text) as string;

const timeline = () => structuredClone(fixture.timeline) as unknown as Timeline;

describe("RFC 8785 canonical JSON", () => {
  it.each(fixture.canonical)("canonicalises $json as Python's rfc8785 does", ({ value, json }) => {
    expect(canonicalize(value)).toBe(json);
  });

  it("refuses what JSON cannot say", () => {
    expect(() => canonicalize(Number.NaN)).toThrow(TypeError);
  });

  it("builds the tree head's signed message as provenance.head_message does", () => {
    const head = fixture.timeline.tree_head;
    expect(new TextDecoder().decode(headMessage(head))).toBe(
      `{"issued_at":"${head.issued_at}","root_hash":"${head.root_hash}","tree_size":${head.tree_size}}`,
    );
  });
});

describe("verifyTimeline", () => {
  it("verifies every signed event, its inclusion proof and the tree head's Ed25519 signature", async () => {
    const check = await verifyTimeline(timeline());
    expect(check.head).toEqual({ status: "verified", keyId: fixture.timeline.tree_head.key_id });
    expect([...check.events.values()]).toEqual([
      { leafIndex: 10, status: "pending" },
      { leafIndex: 1, status: "verified" },
      { leafIndex: 3, status: "verified" },
      { leafIndex: 4, status: "verified" },
    ]);
  });

  it("names the event whose content was changed", async () => {
    const tampered = timeline();
    const event = tampered.events[1]!.event;
    event["ecolaura:country"] = "FR";
    const check = await verifyTimeline(tampered);
    expect(check.events.get(1)?.status).toBe("verified");
    expect(check.events.get(3)).toEqual({
      leafIndex: 3,
      status: "failed",
      reason: "its content does not hash to its leaf: the event was changed",
    });
    expect(check.events.get(4)?.status).toBe("verified");
  });

  it("fails an event whose stated leaf hash was changed with its content", async () => {
    const tampered = timeline();
    const item = tampered.events[0]!;
    item.event.quantityList = [{ ...item.event.quantityList![0]!, quantity: 99 }];
    const bytes = new TextEncoder().encode(canonicalize(item.event));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array([0, ...bytes])));
    item.leaf_hash = btoa(String.fromCharCode(...digest));
    const check = await verifyTimeline(tampered);
    expect(check.events.get(1)).toMatchObject({ status: "failed", reason: containing("does not lead to the tree head's root") });
  });

  it("fails an event with a proof cut short or a leaf index moved", async () => {
    const short = timeline();
    short.events[2]!.inclusion_proof = short.events[2]!.inclusion_proof!.slice(1);
    expect((await verifyTimeline(short)).events.get(4)).toMatchObject({ status: "failed", reason: containing("shorter") });

    const moved = timeline();
    moved.events[0]!.leaf_index = 0;
    expect((await verifyTimeline(moved)).events.get(0)).toMatchObject({ status: "failed", reason: containing("not in the signed log") });
  });

  it("fails every event when the tree head's signature is not the log's", async () => {
    const forged = timeline();
    forged.tree_head!.tree_size = 9; // the root and signature were made for 9 leaves… now claimed for another size
    forged.tree_head!.issued_at = "2026-11-21T08:00:05.123Z";
    const check = await verifyTimeline(forged);
    expect(check.head).toMatchObject({ status: "failed", reason: containing("is not the log's") });
    expect(check.events.get(1)).toMatchObject({ status: "failed", reason: containing("tree head") });
  });

  it("fails when the head names a key the key set does not hold", async () => {
    const other = timeline();
    other.keys = { keys: [] };
    expect((await verifyTimeline(other)).head).toMatchObject({ status: "failed", reason: containing("do not hold") });
  });
});
