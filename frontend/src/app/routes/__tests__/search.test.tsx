import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import Search from "@/app/routes/shop/search";
import { json, mockApi, renderRoute } from "@/testing/render";

const hit = (id: string, name: string, eco: number) => ({
  id, name, brand: "Leaf", category: "home", price_minor: 1450, currency: "EUR", certifications: [], eco_score: eco,
});

describe("the search page", () => {
  it("shows facets with counts and puts a chosen eco band in the URL and the query", async () => {
    const calls = mockApi({
      "/api/v1/search": (url) =>
        json({
          hits: url.searchParams.get("eco_min") ? [hit("p1", "Cork trivet", 91)] : [hit("p1", "Cork trivet", 91), hit("p2", "Steel pan", 35)],
          total: url.searchParams.get("eco_min") ? 1 : 2,
          position: "1:1",
          facets: {
            category: [{ value: "home", count: 2 }],
            eco: [{ value: "-20", count: 0 }, { value: "20-40", count: 1 }, { value: "80-", count: 1 }],
          },
        }),
    });
    const { router } = renderRoute("/search", "/search?q=cork", Search);
    const results = await screen.findByRole("list", { name: "Search results" });
    expect(within(results).getAllByRole("listitem")).toHaveLength(2);
    const eco = screen.getByRole("group", { name: "Eco score" });
    expect(within(eco).getByRole("radio", { name: "80 and above (1)" })).toBeInTheDocument();
    expect(within(eco).getByRole("radio", { name: "20 and above (2)" })).toBeInTheDocument();
    await userEvent.click(within(eco).getByRole("radio", { name: "80 and above (1)" }));
    await waitFor(() => expect(router.state.location.search).toBe("?q=cork&eco=80-"));
    expect(await screen.findByRole("heading", { name: "1 product" })).toBeInTheDocument();
    expect(calls.at(-1)?.searchParams.get("eco_min")).toBe("80");
  });

  it("says so in words when the search fails, and offers a retry on a 503", async () => {
    mockApi({ "/api/v1/search": () => json({ status: 503, title: "Unavailable", detail: "the search index is being rebuilt" }, 503) });
    renderRoute("/search", "/search?q=tea", Search);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("the search index is being rebuilt");
    expect(within(alert).getByRole("button", { name: "Try again" })).toBeInTheDocument();
  });
});
