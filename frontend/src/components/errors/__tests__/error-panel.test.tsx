import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ErrorPanel } from "@/components/errors/error-panel";
import { ApiError, unwrap } from "@/lib/api/problem";

describe("problems in words", () => {
  it("shows the problem's detail, and no retry for a 4xx", () => {
    const error = new ApiError(409, { detail: "only 2 left of Linen towel" }, "fallback");
    render(<ErrorPanel error={error} onRetry={vi.fn()} />);
    expect(screen.getByRole("alert")).toHaveTextContent("only 2 left of Linen towel");
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
  });

  it("offers a retry when offline or on a 5xx", async () => {
    const retry = vi.fn();
    render(<ErrorPanel error={new ApiError(503, undefined, "The shop is busy")} onRetry={retry} />);
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(retry).toHaveBeenCalledOnce();
  });

  it("turns a problem body into an ApiError with its detail, and a bare status into words", () => {
    const response = new Response(null, { status: 502 });
    expect(() => unwrap({ error: { detail: "no such product" }, response: new Response(null, { status: 404 }) })).toThrow("no such product");
    expect(() => unwrap({ error: "", response })).toThrow("The shop had a problem answering; please try again.");
  });
});
