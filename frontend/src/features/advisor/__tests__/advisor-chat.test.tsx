import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { AdvisorAnswer } from "@/features/advisor/api/ask-advisor";
import AdvisorChat from "@/features/advisor/components/advisor-chat";
import { json, mockApi, renderRoute } from "@/testing/render";

const modelAnswer: AdvisorAnswer = {
  intent: "biggest_purchase",
  wording: "model",
  text: "Your biggest was “Wool coat” at 12.40 kg CO2e [line0], mostly materials [line0_stage].",
  facts: [
    { id: "line0", value: 12.4, unit: "kg CO2e", source: { kind: "order_line", ref: "o-1:0", title: "Wool coat x1, order of 2026-11-02" } },
    { id: "line0_stage", value: 9.1, unit: "kg CO2e", source: { kind: "product_stage", ref: "p-9:materials", title: "Wool coat: materials per unit" } },
    { id: "factor0", value: 0.38, unit: "kg CO2e/kWh", source: { kind: "factor", ref: "EMBER2024", title: "Yearly electricity data (Ember)", year: 2024, url: "https://ember-energy.org/data/" } },
  ],
  suggestions: [{ product_id: "p-2", name: "Linen coat", kg_co2e: 4.2, saving_kg: 8.2, saving_pct: 66.1, url: "/products/p-2" }],
};

describe("the advisor's chat panel", () => {
  it("asks, then shows the answer with clickable citations, the facts and the suggestions", async () => {
    const bodies: unknown[] = [];
    mockApi({
      "/api/v1/advisor/ask": async (_url, request) => {
        bodies.push(await request.json());
        return json(modelAnswer);
      },
    });
    renderRoute("/account", "/account", AdvisorChat);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("Your question"), "which purchase was biggest?{Enter}");
    expect(await screen.findByText("which purchase was biggest?")).toBeInTheDocument();
    expect(bodies).toEqual([{ question: "which purchase was biggest?" }]);
    expect(screen.getByLabelText("Your question")).toHaveValue("");

    // The model's "[line0]" is a link to the order; "[line0_stage]" to the product.
    expect(screen.getByRole("link", { name: /source 1: Wool coat x1/ })).toHaveAttribute("href", "/account/orders/o-1");
    expect(screen.getByRole("link", { name: /source 2: Wool coat: materials/ })).toHaveAttribute("href", "/products/p-9");
    expect(screen.queryByText(/\[line0\]/)).not.toBeInTheDocument();

    const factor = screen.getByRole("link", { name: "Yearly electricity data (Ember)" });
    expect(factor).toHaveAttribute("href", "https://ember-energy.org/data/");
    const items = screen.getAllByRole("listitem").map((li) => li.textContent);
    expect(items).toContain("0.38 kg CO2e/kWh: Yearly electricity data (Ember) (2024)");
    expect(items).toContain("9.10 kg CO2e (materials): Wool coat: materials per unit");
    expect(screen.getByText("12.40 kg CO2e")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Linen coat" })).toHaveAttribute("href", "/products/p-2");
    expect(screen.getByText(/saves 8.20 kg \(66.1%\)/)).toBeInTheDocument();
    expect(screen.getByText(/Worded by a language model/)).toBeInTheDocument();
  });

  it("asks an example question with the keyboard, and shows the problem when the advisor refuses", async () => {
    mockApi({
      "/api/v1/advisor/ask": () => json({ status: 401, title: "Unauthorized", detail: "sign in to ask about your own orders" }, 401),
    });
    renderRoute("/account", "/account", AdvisorChat);
    const user = userEvent.setup();
    const examples = screen.getByRole("list", { name: "Example questions" });
    within(examples).getByRole("button", { name: "How much have I saved this year?" }).focus();
    await user.keyboard("{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("sign in to ask about your own orders");
    expect(screen.getByRole("list", { name: "Conversation" })).toBeEmptyDOMElement();
  });
});
