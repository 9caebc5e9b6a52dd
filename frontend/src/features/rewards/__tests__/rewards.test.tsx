import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";
import { attachmentName } from "@/features/rewards/api/download-credential";
import type { MyRewards } from "@/features/rewards/api/get-my-rewards";
import { BadgeList } from "@/features/rewards/components/badge-list";
import { ChallengeProgressList } from "@/features/rewards/components/challenge-progress-list";
import { challengeFromForm, CreateChallengeForm } from "@/features/rewards/components/create-challenge-form";
import { LevelProgress } from "@/features/rewards/components/level-progress";
import { StreakCalendar, weekCells } from "@/features/rewards/components/streak-calendar";
import { VisibilityToggle } from "@/features/rewards/components/visibility-toggle";
import { goalWords, percentOf } from "@/features/rewards/utils/goal";
import { setSession } from "@/lib/auth";
import { makeQueryClient } from "@/lib/query-client";
import { json, mockApi } from "@/testing/render";

function wrap(children: ReactNode) {
  const client = makeQueryClient();
  client.setDefaultOptions({ queries: { retry: false }, mutations: { retry: false } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>{children}</MemoryRouter>
    </QueryClientProvider>,
  );
}

const signIn = () => setSession({ accessToken: "t", userId: "c1", roles: ["customer"] });

const streak: MyRewards["streak"] = {
  current: 0,
  best: 3,
  status: "broken",
  time_zone: "Europe/Paris",
  this_week: "2026-11-23",
  active_weeks: ["2026-11-02", "2026-11-09", "2026-11-16"],
  frozen_weeks: ["2026-10-26"],
  freeze_available: false,
  message: "Your best run was 3 weeks. Streaks take breaks too: any order this week starts a new one.",
};

describe("goals in words", () => {
  it("says the measure, the threshold and the filter", () => {
    expect(goalWords({ measure: "orders", threshold: 3 })).toBe("3 orders");
    expect(goalWords({ measure: "orders", threshold: 1, filter: { shipping_method: "slow-green", certified_only: true } })).toBe(
      "1 order, shipped slow & green, orders with a certified product only",
    );
    expect(goalWords({ measure: "kg_co2e_saved", threshold: 12.5 })).toBe("12.5 kg CO2e saved");
    expect(percentOf(2, 3)).toBe(66);
    expect(percentOf(5, 3)).toBe(100);
  });
});

describe("the level", () => {
  it("shows points and a progress bar to the next level", () => {
    wrap(
      <LevelProgress
        balance={240}
        lifetime={300}
        order_points={200}
        challenge_points={100}
        level={{ name: "Sprout", min_points: 100 }}
        next_level={{ name: "Sapling", min_points: 500 }}
      />,
    );
    const bar = screen.getByRole("progressbar", { name: "Progress to Sapling" });
    expect(bar).toHaveAttribute("value", "50");
    expect(screen.getByText("200 points to Sapling (at 500).")).toBeInTheDocument();
    expect(screen.getByText("Sprout")).toBeInTheDocument();
  });
});

describe("the streak calendar", () => {
  it("shows twelve weeks: ordered, frozen, missed, and the kind message", () => {
    const cells = weekCells(streak); // this_week: Monday 23 November
    expect(cells).toHaveLength(12);
    expect(cells.at(-1)).toEqual({ monday: "2026-11-23", state: "current" });
    expect(cells.at(-2)?.state).toBe("active");
    expect(cells.find((c) => c.monday === "2026-10-26")?.state).toBe("frozen");
    expect(cells.find((c) => c.monday === "2026-10-19")?.state).toBe("missed");

    wrap(<StreakCalendar streak={streak} />);
    expect(screen.getByText(/Streaks take breaks too/)).toBeInTheDocument();
    const weeks = within(screen.getByRole("list", { name: "The last 12 weeks" })).getAllByRole("listitem");
    expect(weeks).toHaveLength(12);
    expect(weeks[11]).toHaveTextContent("Week of 23 Nov: this week, no order yet");
    expect(weeks[10]).toHaveTextContent("Week of 16 Nov: ordered");
    expect(weeks[7]).toHaveTextContent("Week of 26 Oct: kept by a streak freeze");
  });
});

describe("joined challenges", () => {
  it("have an accessible progress bar each and say the outcome", () => {
    wrap(
      <ChallengeProgressList
        href={(id) => `/challenges/${id}`}
        challenges={[
          {
            id: "ch1", title: "Three green orders", goal: { measure: "orders", threshold: 3 }, starts_on: "2026-12-01",
            ends_on: "2026-12-31", time_zone: "Europe/Paris", reward_points: 150, status: "active", progress: 2,
            reached: false, joined_at: "2026-12-01T10:00:00Z", completed_at: null, rewarded_points: 0,
          },
          {
            id: "ch2", title: "One slow order", goal: { measure: "orders", threshold: 1 }, starts_on: "2026-11-01",
            ends_on: "2026-11-30", time_zone: "UTC", reward_points: 50, status: "ended", progress: 1,
            reached: true, joined_at: "2026-11-02T10:00:00Z", completed_at: "2026-11-10T10:00:00Z", rewarded_points: 50,
          },
        ]}
      />,
    );
    const first = screen.getByRole("progressbar", { name: "Progress on Three green orders" });
    expect(first).toHaveAttribute("value", "66");
    expect(first).toHaveAttribute("aria-valuetext", "66%: 2 orders of 3 orders");
    expect(screen.getByRole("progressbar", { name: "Progress on One slow order" })).toHaveAttribute("value", "100");
    expect(screen.getByText("Completed: 50 points earned.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Three green orders" })).toHaveAttribute("href", "/challenges/ch1");
  });
});

describe("a badge's credential", () => {
  it("is fetched with the bearer token and saved as a file", async () => {
    signIn();
    const seen: string[] = [];
    mockApi({
      "/api/v1/me/badges/first-green-order/credential": (_, request) => {
        seen.push(request.headers.get("Authorization") ?? "");
        return new Response("eyJ.header.sig", {
          headers: { "Content-Type": "application/vc+jwt", "Content-Disposition": 'attachment; filename="ecolaura-first-green-order.jwt"' },
        });
      },
    });
    const created = vi.fn(() => "blob:credential");
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() }));
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
    wrap(
      <BadgeList
        badges={[
          {
            id: "first-green-order", name: "First green order", description: "Your first order delivered.",
            criteria: "Had an order delivered.", earned_at: "2026-12-01T10:00:00Z", credential_url: "/api/v1/me/badges/first-green-order/credential",
          },
        ]}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "Download credential for First green order" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Saved ecolaura-first-green-order.jwt");
    expect(seen).toEqual(["Bearer t"]);
    expect(created).toHaveBeenCalledOnce();
    expect(clicked).toHaveBeenCalledOnce();
    expect((clicked.mock.contexts[0] as HTMLAnchorElement).download).toBe("ecolaura-first-green-order.jwt");
  });

  it("names the file from Content-Disposition, or after the badge", () => {
    expect(attachmentName('attachment; filename="x.jwt"', "y.jwt")).toBe("x.jwt");
    expect(attachmentName(null, "y.jwt")).toBe("y.jwt");
  });

  it("shows the problem's words when it cannot be had", async () => {
    signIn();
    mockApi({
      "/api/v1/me/badges/b1/credential": () => json({ status: 404, title: "Not Found", detail: "you have not earned a badge 'b1'" }, 404),
    });
    wrap(
      <BadgeList
        badges={[{ id: "b1", name: "B one", description: "d", criteria: "c", earned_at: "2026-12-01T10:00:00Z", credential_url: "" }]}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "Download credential for B one" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("you have not earned a badge 'b1'");
  });
});

describe("leaderboard visibility", () => {
  it("sends the choice and reads my rewards again from its log position", async () => {
    signIn();
    const bodies: unknown[] = [];
    const calls = mockApi({
      "/api/v1/me/leaderboard-visibility": async (_, request) => {
        bodies.push(await request.json());
        return new Response(JSON.stringify({ visible: false }), {
          headers: { "Content-Type": "application/json", "X-Event-Log-Position": "7:42" },
        });
      },
      "/api/v1/me/rewards": () => json({}),
    });
    wrap(<VisibilityToggle visible />);
    const box = screen.getByRole("checkbox", { name: /Show me on the leaderboards/ });
    expect(box).toBeChecked();
    await userEvent.click(box);
    expect(await screen.findByRole("status")).toHaveTextContent("You are on no leaderboard.");
    expect(bodies).toEqual([{ visible: false }]);
    await waitFor(() => expect(calls.some((u) => u.pathname === "/api/v1/me/rewards" && u.searchParams.get("min_position") === "7:42")).toBe(true));
  });
});

describe("creating a challenge", () => {
  it("builds the body from the form", () => {
    const f = new FormData();
    for (const [k, v] of Object.entries({
      title: " Slow December ", description: "Ship slow.", measure: "orders", threshold: "2", shipping_method: "slow-green",
      starts_on: "2026-12-01", ends_on: "2026-12-31", time_zone: "Europe/Paris", reward_points: "120",
    }))
      f.set(k, v);
    expect(challengeFromForm(f)).toEqual({
      title: "Slow December", description: "Ship slow.", goal: { measure: "orders", threshold: 2, filter: { shipping_method: "slow-green" } },
      starts_on: "2026-12-01", ends_on: "2026-12-31", time_zone: "Europe/Paris", reward_points: 120,
    });
  });

  it("shows the server's validation message and then the created challenge", async () => {
    setSession({ accessToken: "t", userId: "a1", roles: ["admin"] });
    let attempt = 0;
    mockApi({
      "/api/v1/challenges": () =>
        ++attempt === 1
          ? json({ status: 422, title: "Unprocessable Entity", detail: "time_zone: 'Mars/Olympus' is not an IANA time zone" }, 422)
          : new Response(
              JSON.stringify({ id: "ch9", title: "Slow December", description: "d", goal: { measure: "orders", threshold: 1 }, starts_on: "2026-12-01", ends_on: "2026-12-31", time_zone: "UTC", reward_points: 10 }),
              { status: 201, headers: { "Content-Type": "application/json", "X-Event-Log-Position": "3:9" } },
            ),
    });
    wrap(<CreateChallengeForm href={(id, position) => `/challenges/${id}?min_position=${position ?? ""}`} />);
    await userEvent.type(screen.getByLabelText("Title"), "Slow December");
    await userEvent.type(screen.getByLabelText("Description"), "d");
    const zone = screen.getByLabelText("Time zone (IANA, e.g. Europe/Paris)");
    await userEvent.clear(zone);
    await userEvent.type(zone, "Mars/Olympus");
    await userEvent.click(screen.getByRole("button", { name: "Create challenge" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("'Mars/Olympus' is not an IANA time zone");
    await userEvent.clear(zone);
    await userEvent.type(zone, "UTC");
    await userEvent.click(screen.getByRole("button", { name: "Create challenge" }));
    expect(await screen.findByRole("link", { name: "Slow December" })).toHaveAttribute("href", "/challenges/ch9?min_position=3:9");
  });

  it("refuses a last day before the first", async () => {
    wrap(<CreateChallengeForm href={(id) => id} />);
    const ends = screen.getByLabelText("Last day");
    await userEvent.clear(ends);
    await userEvent.type(ends, "2000-01-01");
    await userEvent.click(screen.getByRole("button", { name: "Create challenge" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The last day must not be before the first day.");
  });
});
