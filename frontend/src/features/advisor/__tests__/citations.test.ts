import { describe, expect, it } from "vitest";
import type { Fact } from "@/features/advisor/api/ask-advisor";
import { citationTarget, factLabel, splitCitations } from "@/features/advisor/utils/citations";

const fact = (source: Fact["source"]): Fact => ({ id: "f", value: 1, unit: "kg CO2e", source });

describe("citations", () => {
  it("link a fact to its product, its order, or its factor's publication", () => {
    expect(citationTarget(fact({ kind: "product_stage", ref: "p-1:materials", title: "t" }))?.href).toBe("/products/p-1");
    expect(citationTarget(fact({ kind: "order_line", ref: "o-1:2", title: "t" }))?.href).toBe("/account/orders/o-1");
    expect(citationTarget(fact({ kind: "order_line", ref: "o-1,o-2", title: "t" }))?.href).toBe("/account/orders/o-1");
    expect(citationTarget(fact({ kind: "factor", ref: "X", title: "t", url: "https://x.org/" }))).toEqual({
      href: "https://x.org/",
      external: true,
      label: "t",
    });
    expect(citationTarget(fact({ kind: "factor", ref: "X", title: "t" }))).toBeNull();
  });

  it("name the part of a footprint a fact is", () => {
    expect(factLabel(fact({ kind: "product_stage", ref: "p-1:total:low", title: "t" }))).toBe("total low");
    expect(factLabel(fact({ kind: "product_stage", ref: "p-1:end_of_life", title: "t" }))).toBe("end of life");
    expect(factLabel(fact({ kind: "order_line", ref: "o-1:0", title: "t" }))).toBeNull();
  });

  it("split a model's text at its [id] markers", () => {
    expect(splitCitations("A [a] and B [ b ].")).toEqual([{ text: "A " }, { factId: "a" }, { text: " and B " }, { factId: "b" }, { text: "." }]);
    expect(splitCitations("no citations")).toEqual([{ text: "no citations" }]);
  });
});
