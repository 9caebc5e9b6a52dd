import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { conflictMessage } from "@/features/admin/api/products";
import { JobProgress } from "@/features/admin/components/job-progress";
import { ApiError } from "@/lib/api/problem";
import { makeQueryClient } from "@/lib/query-client";
import { json, mockApi } from "@/testing/render";

function renderJob() {
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <JobProgress jobId="j1" label="Rebuild of product_cards" />
    </QueryClientProvider>,
  );
}

describe("the rebuild's progress", () => {
  it("shows done/total, rate and ETA, and cancels", async () => {
    const methods: string[] = [];
    mockApi({
      "/api/v1/admin/jobs/j1": (_, request) =>
        methods.push(request.method) && request.method === "DELETE"
          ? json({ id: "j1", state: "running", cancel_requested: "1" })
          : json({ id: "j1", state: "running", done: "500", total: "2000", rate: "250.0", eta_seconds: "6.0" }),
    });
    renderJob();
    expect(await screen.findByText("25% — 500 / 2,000 events — 250.0 events/s — ETA 6 s")).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Rebuild of product_cards: running" })).toHaveAttribute("value", "25");
    await userEvent.click(screen.getByRole("button", { name: "Cancel rebuild of product_cards" }));
    await waitFor(() => expect(methods).toContain("DELETE"));
  });

  it("says a cancelled rebuild left the live generation serving", async () => {
    mockApi({ "/api/v1/admin/jobs/j1": () => json({ id: "j1", state: "cancelled", done: "500", total: "2000", cancel_requested: "1" }) });
    renderJob();
    expect(await screen.findByRole("status")).toHaveTextContent("Cancelled: nothing was swapped, and the live generation keeps serving.");
    expect(screen.getByText("25% — 500 / 2,000 events")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Cancel/ })).not.toBeInTheDocument();
  });

  it("reaches 100% when the job is done, and stops offering to cancel", async () => {
    mockApi({ "/api/v1/admin/jobs/j1": () => json({ id: "j1", state: "done", done: "2000", total: "2000", generation: "3" }) });
    renderJob();
    expect(await screen.findByText("100% — 2,000 / 2,000 events")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Cancel/ })).not.toBeInTheDocument();
  });
});

describe("an edit conflict", () => {
  it("is explained with what to do", () => {
    const message = conflictMessage(new ApiError(412, { detail: "product p1 is at version 4, not 3" }, "x"));
    expect(message).toContain("Someone changed this product since you opened it");
    expect(message).toContain("version 4, not 3");
    expect(conflictMessage(new ApiError(422, { detail: "bad" }, "x"))).toBeNull();
  });
});
