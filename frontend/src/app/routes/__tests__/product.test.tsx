import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import ProductPage from "@/app/routes/shop/product";
import { json, mockApi, renderRoute } from "@/testing/render";

const card = {
  id: "p1", sku: "HOME-1", name: "Cork trivet", description: "A trivet.", category: "home", brand: "Leaf",
  price_minor: 1450, currency: "EUR", weight_kg: 0.3, materials: [{ material: "cork", kg: 0.28 }], origin_country: "PT",
  packaging: "paper", certifications: ["FSC"], status: "active", version: 3, created_at: "", updated_at: "",
  on_hand: 0, reserved: 0, available: 0, in_stock: false, units_sold: 4, kg_co2e: 0.4, baseline_kg_co2e: 0.9,
  savings_kg_co2e: 0.5, eco_score: 88,
};

describe("the product page", () => {
  it("shows price, badge and stock, and cannot add what is out of stock", async () => {
    mockApi({
      "/api/v1/catalog/products/p1": () => json(card),
      "/api/v1/impact/products/p1": () => json({ status: 404, title: "Not Found", detail: "product p1 has no footprint" }, 404),
    });
    renderRoute("/products/:productId", "/products/p1", ProductPage);
    expect(await screen.findByRole("heading", { name: "Cork trivet" })).toBeInTheDocument();
    expect(screen.getByText("€14.50")).toBeInTheDocument();
    expect(screen.getByText(/Eco score/)).toHaveTextContent("Eco score 88/100 (excellent)");
    expect(screen.getByText("Out of stock")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Add to cart" })).toBeDisabled();
    expect(await screen.findByRole("alert")).toHaveTextContent("product p1 has no footprint");
  });
});
