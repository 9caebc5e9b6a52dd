import { describe, expect, it } from "vitest";
import { cart, cartCount, cartSubtotal } from "@/features/cart/hooks/use-cart";

const towel = { productId: "p1", name: "Towel", priceMinor: 1500, currency: "EUR" };

describe("the cart", () => {
  it("is kept in localStorage, so a reload keeps it", () => {
    cart.clear();
    cart.add(towel, 2);
    cart.add(towel);
    cart.add({ ...towel, productId: "p2", priceMinor: 500 });
    cart.reset(); // forget the memory copy, as a reload does
    expect(cart.lines().map((l) => [l.productId, l.quantity])).toEqual([
      ["p1", 3],
      ["p2", 1],
    ]);
    expect(cartCount(cart.lines())).toBe(4);
    expect(cartSubtotal(cart.lines())).toEqual({ minor: 5000, currency: "EUR" });
    cart.setQuantity("p1", 0);
    expect(cart.lines().map((l) => l.productId)).toEqual(["p2"]);
  });

  it("survives storage holding something else", () => {
    localStorage.setItem("ecolaura.cart", "not json");
    cart.reset();
    expect(cart.lines()).toEqual([]);
  });
});
