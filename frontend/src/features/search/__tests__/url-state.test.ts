import { describe, expect, it } from "vitest";
import { bandLabel, ecoAtLeast, searchParamsFromUrl, withParam } from "@/features/search/utils/url-state";

describe("the search URL", () => {
  it("holds every filter, the sort and the page", () => {
    const url = new URLSearchParams("q=linen&category=home&eco=80-&price=1000-2500&sort=eco&page=3&certification=GOTS");
    expect(searchParamsFromUrl(url)).toEqual({
      q: "linen",
      size: 12,
      category: "home",
      certification: "GOTS",
      eco_min: 80,
      price_min: 1000,
      price_max: 2499,
      sort: "eco",
      page: 3,
    });
  });

  it("ignores what it does not understand", () => {
    expect(searchParamsFromUrl(new URLSearchParams("sort=cheapest&page=-2&eco=abc"))).toEqual({ q: "", size: 12 });
  });

  it("goes back to page 1 when a filter changes, not when paging", () => {
    const url = new URLSearchParams("q=tea&page=4");
    expect(withParam(url, "eco", "60-80").toString()).toBe("q=tea&eco=60-80");
    expect(withParam(url, "page", "5").toString()).toBe("q=tea&page=5");
    expect(withParam(url, "q", null).toString()).toBe("");
  });

  it("offers eco bands as minimum scores, counting every better band too", () => {
    const bands = [
      { value: "-20", count: 3 },
      { value: "20-40", count: 5 },
      { value: "40-60", count: 7 },
      { value: "60-80", count: 2 },
      { value: "80-", count: 1 },
    ];
    expect(ecoAtLeast(bands)).toEqual([
      { value: "80-", count: 1 },
      { value: "60-", count: 3 },
      { value: "40-", count: 10 },
      { value: "20-", count: 15 },
    ]);
  });

  it("labels bands in words", () => {
    expect(bandLabel("80-", "eco")).toBe("80 and above");
    expect(bandLabel("40-60", "eco")).toBe("40–59");
    expect(bandLabel("-1000", "price")).toBe("under €10");
  });
});
