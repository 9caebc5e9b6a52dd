import { describe, expect, it } from "vitest";
import type { Timeline } from "@/features/provenance/api/get-provenance";
import { certificatesOf, describeEvent, inTimeOrder, lotsOf, materialsOf, routeOf } from "@/features/provenance/utils/describe";
import fixture from "./fixtures/timeline.json";

const timeline = fixture.timeline as unknown as Timeline;
const events = inTimeOrder(timeline);

describe("the passport's words", () => {
  it("orders signed and pending events by event time", () => {
    expect(events.map((e) => e.leaf_index)).toEqual([1, 3, 4, 10]);
  });

  it("says what happened from type, action and business step", () => {
    expect(events.map((e) => describeEvent(e.event, timeline.gtin))).toEqual([
      "Raw material commissioned (120.5 kg)",
      "Manufactured from 1 input",
      "Shipped, now in transit",
      "Received (1e-7, 3), now in progress",
    ]);
  });

  it("finds lots, materials with origins, certificates and the route", () => {
    expect(lotsOf(events[1]!.event, timeline.gtin)).toEqual([
      { lot: "FIBRE-7", gtin: "09506000134376", ours: false },
      { lot: "LOT-42", gtin: "09506000000018", ours: true },
    ]);
    expect(materialsOf(events)).toEqual([{ material: "organic cotton", kg: 0.2, origin: "IN", certificates: ["GOTS-CU-1234"] }]);
    expect(certificatesOf(events)).toEqual(["GOTS-CU-1234"]);
    expect(routeOf(events)).toEqual(["IN", "PT", "DE"]);
  });
});
