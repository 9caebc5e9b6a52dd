import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import PassportPage from "@/app/routes/shop/passport";
import fixture from "@/features/provenance/__tests__/fixtures/timeline.json";
import { json, mockApi, renderRoute } from "@/testing/render";

const id = fixture.timeline.product_id;
const noProduct = () => json({ status: 404, title: "Not Found", detail: "no such product" }, 404);

describe("the passport page", () => {
  it("shows the timeline, the map, materials and certificates, each event verified in the browser", async () => {
    mockApi({ [`/api/v1/provenance/${id}`]: () => json(fixture.timeline), [`/api/v1/catalog/products/${id}`]: noProduct });
    renderRoute("/passport/:productId", `/passport/${id}`, PassportPage);
    expect(await screen.findByText("All 3 signed events verified in your browser.")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("its Ed25519 signature checks out");
    const timeline = within(screen.getByRole("region", { name: "Timeline" })).getAllByRole("listitem");
    expect(timeline).toHaveLength(4);
    expect(timeline[0]).toHaveTextContent("Raw material commissioned (120.5 kg)");
    expect(timeline[0]).toHaveTextContent("✓ Verified in your browser");
    expect(timeline[3]).toHaveTextContent("Awaiting the next signed tree head");
    expect(screen.getByRole("img", { name: "Map of the supply chain: India, then Portugal, then Germany" })).toBeInTheDocument();
    const materials = within(screen.getByRole("region", { name: "Materials and their origins" }));
    expect(materials.getByRole("row", { name: /organic cotton \(0.2 kg\) India GOTS-CU-1234/ })).toBeInTheDocument();
  });

  it("names the event that was changed", async () => {
    const tampered = structuredClone(fixture.timeline);
    tampered.events[2]!.event.disposition = "destroyed";
    mockApi({ [`/api/v1/provenance/${id}`]: () => json(tampered), [`/api/v1/catalog/products/${id}`]: noProduct });
    renderRoute("/passport/:productId", `/passport/${id}`, PassportPage);
    expect(await screen.findByText("1 of 3 events failed verification in your browser.")).toBeInTheDocument();
    const shipped = screen.getByRole("listitem", { name: /^Shipped/ });
    expect(shipped).toHaveTextContent("✗ Not verified: its content does not hash to its leaf: the event was changed");
  });
});
