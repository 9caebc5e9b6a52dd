import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AdvisorAnswer } from "@/features/advisor/api/ask-advisor";
import { AlternativeBox } from "@/features/advisor/components/alternative-box";
import { json, mockApi, renderRoute } from "@/testing/render";

const answer = (suggestions: AdvisorAnswer["suggestions"]): AdvisorAnswer => ({
  intent: "alternative",
  wording: "template",
  text: "…",
  facts: [],
  suggestions,
});

function Page() {
  return (
    <main>
      <h1>Plastic lunch box</h1>
      <AlternativeBox productId="p-1" />
    </main>
  );
}

describe("the greener-alternative box", () => {
  it("shows the best alternative with its saving in kg and %", async () => {
    const bodies: unknown[] = [];
    mockApi({
      "/api/v1/advisor/ask": async (_url, request) => {
        bodies.push(await request.json());
        return json(
          answer([
            { product_id: "p-2", name: "Bamboo lunch box", kg_co2e: 0.51, saving_kg: 1.02, saving_pct: 66.7, url: "/products/p-2" },
            { product_id: "p-3", name: "Steel lunch box", kg_co2e: 1.2, saving_kg: 0.33, saving_pct: 21.6, url: "/products/p-3" },
          ]),
        );
      },
    });
    renderRoute("/products/:productId", "/products/p-1", Page);
    expect(await screen.findByRole("heading", { name: "A greener alternative" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Bamboo lunch box" })).toHaveAttribute("href", "/products/p-2");
    expect(screen.getByText("1.02 kg CO2e less (66.7%)")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Steel lunch box" })).toHaveAttribute("href", "/products/p-3");
    expect(bodies).toEqual([{ question: "greener alternative to p-1", use_model: false }]);
  });

  it.each([
    ["there is nothing greener", () => json(answer([]))],
    ["the advisor fails", () => json({ status: 503, title: "Service Unavailable", detail: "search is down" }, 503)],
  ])("hides itself when %s", async (_case, reply) => {
    const calls = mockApi({ "/api/v1/advisor/ask": reply });
    renderRoute("/products/:productId", "/products/p-1", Page);
    await waitFor(() => expect(calls.length).toBeGreaterThan(0));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByRole("heading", { name: "A greener alternative" })).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
