import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import AdminOrders from "@/app/routes/admin/orders";
import { filtersFromUrl } from "@/features/admin/utils/order-filters";
import { setSession } from "@/lib/auth";
import { json, mockApi, renderRoute } from "@/testing/render";

const row = (id: string, status: string, placed_at: string, kg: number | null = 1.25) => ({
  id, customer_id: "c0ffee00-0000-4000-8000-000000000001", status, currency: "EUR", total_minor: 2450,
  refunded_minor: 0, kg_co2e: kg, placed_at, version: 1,
});
const FIRST = "aaaaaaaa-0000-4000-8000-000000000001";
const SECOND = "bbbbbbbb-0000-4000-8000-000000000002";
const THIRD = "cccccccc-0000-4000-8000-000000000003";

afterEach(() => setSession(null));

describe("the admin's list of orders", () => {
  it("shows a table, pages by cursor, filters through the URL and opens an order's actions", async () => {
    setSession({ accessToken: "t", userId: "a1", roles: ["admin"] });
    const shipped: string[] = [];
    const calls = mockApi({
      "/api/v1/admin/orders": (url) =>
        url.searchParams.get("cursor") === "next"
          ? json({ items: [row(THIRD, "cancelled", "2026-11-01T09:00:00+00:00", null)], next_cursor: null })
          : json({ items: [row(FIRST, "paid", "2026-12-02T10:00:00+00:00"), row(SECOND, "pending_payment", "2026-12-01T10:00:00+00:00")], next_cursor: "next" }),
      [`/api/v1/orders/${FIRST}/ship`]: (url) => {
        shipped.push(url.pathname);
        const answer = json({ id: FIRST, status: "shipped" });
        answer.headers.set("X-Event-Log-Position", "812:4077");
        return answer;
      },
    });
    const { router } = renderRoute("/admin/orders", "/admin/orders?status=paid&from=2026-11-01&to=2026-12-02", AdminOrders);
    const table = await screen.findByRole("table", { name: "Orders, newest first" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3); // the header and two orders
    expect(within(rows[1] as HTMLElement).getByText("Paid")).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByText("€24.50")).toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByText("1.25 kg CO2e")).toBeInTheDocument();
    const first = calls.at(-1);
    expect(first?.searchParams.get("status")).toBe("paid");
    expect(first?.searchParams.get("placed_from")).toBe("2026-11-01T00:00:00Z");
    expect(first?.searchParams.get("placed_to")).toBe("2026-12-03T00:00:00.000Z");

    await userEvent.click(screen.getByRole("button", { name: "Older" }));
    expect(await screen.findByText("not rated")).toBeInTheDocument();
    expect(calls.at(-1)?.searchParams.get("cursor")).toBe("next");
    await userEvent.click(screen.getByRole("button", { name: "Newer" }));
    // The ids' last groups tell neighbours apart (a UUIDv7 starts with the time, shared by orders placed together).
    expect(await screen.findByRole("button", { name: `Act on order ${FIRST}` })).toHaveTextContent(/^000000000001$/);
    expect(screen.getByRole("button", { name: `Act on order ${SECOND}` })).toHaveTextContent(/^000000000002$/);
    await userEvent.click(await screen.findByRole("button", { name: `Act on order ${FIRST}` }));
    expect(screen.getByLabelText("Order id")).toHaveValue(FIRST);
    expect(screen.getByLabelText("Order id")).toHaveFocus();
    await userEvent.click(screen.getByRole("button", { name: "Ship" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Done: the order is now shipped.");
    expect(shipped).toHaveLength(1);
    // The list is asked again, waiting for the change to be projected.
    await waitFor(() => expect(calls.at(-1)?.searchParams.get("min_position")).toBe("812:4077"));

    await userEvent.selectOptions(screen.getByLabelText("Status"), "");
    await userEvent.type(screen.getByLabelText("Customer id"), "c0ffee00-0000-4000-8000-000000000001");
    await userEvent.click(screen.getByRole("button", { name: "Show orders" }));
    await waitFor(() => expect(router.state.location.search).toBe("?customer=c0ffee00-0000-4000-8000-000000000001&from=2026-11-01&to=2026-12-02"));
    await waitFor(() => expect(calls.at(-1)?.searchParams.get("customer_id")).toBe("c0ffee00-0000-4000-8000-000000000001"));
    expect(calls.at(-1)?.searchParams.get("status")).toBeNull();
  });

  it("says in words why a filter was refused", async () => {
    setSession({ accessToken: "t", userId: "a1", roles: ["admin"] });
    mockApi({
      "/api/v1/admin/orders": () =>
        json({ status: 400, title: "Bad Request", detail: "Validation failed for GET /api/v1/admin/orders: customer_id is not a valid UUID" }, 400),
    });
    renderRoute("/admin/orders", "/admin/orders?customer=nope", AdminOrders);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The orders could not be listed");
    expect(alert).toHaveTextContent("customer_id is not a valid UUID");
  });

  it("reads unknown statuses and bad days in the URL as no filter", () => {
    expect(filtersFromUrl(new URLSearchParams("status=lost&to=soon"))).toEqual({});
  });
});
