import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import RewardsRoute from "@/app/routes/account/rewards";
import ChallengePage from "@/app/routes/shop/challenge";
import ChallengesPage from "@/app/routes/shop/challenges";
import { setSession } from "@/lib/auth";
import { json, mockApi, renderRoute } from "@/testing/render";

const challenge = {
  id: "ch1", title: "Three green orders", description: "Three orders in December.", goal: { measure: "orders", threshold: 3 },
  starts_on: "2026-12-01", ends_on: "2026-12-31", time_zone: "Europe/Paris", reward_points: 150, created_at: "2026-11-30T10:00:00Z",
  participants: 4, completions: 1, status: "active",
};

const rewards = {
  customer_id: "c1", balance: 40, lifetime: 40, order_points: 40, challenge_points: 0,
  level: { name: "Seedling", min_points: 0 }, next_level: { name: "Sprout", min_points: 100 }, badges: [],
  streak: { current: 1, best: 1, status: "active", time_zone: "UTC", this_week: "2026-11-30", active_weeks: [], frozen_weeks: [], freeze_available: true, message: "1 week in a row. Lovely." },
  challenges: [] as unknown[], leaderboard_visible: true,
};

describe("the challenges list", () => {
  it("shows each challenge with status, window, goal, reward and participants", async () => {
    mockApi({ "/api/v1/challenges": () => json({ items: [challenge], total: 1, next_cursor: null }) });
    renderRoute("/challenges", "/challenges", ChallengesPage);
    expect(await screen.findByRole("link", { name: "Three green orders" })).toHaveAttribute("href", "/challenges/ch1");
    expect(screen.getByText("Open now")).toBeInTheDocument();
    expect(screen.getByText("3 orders")).toBeInTheDocument();
    expect(screen.getByText("150 eco points")).toBeInTheDocument();
    expect(screen.getByText("4 joined, 1 completed")).toBeInTheDocument();
    expect(screen.getByText("1 Dec 2026 – 31 Dec 2026 (Europe/Paris)")).toBeInTheDocument();
  });
});

describe("a challenge", () => {
  it("offers a sign-in link to visitors", async () => {
    mockApi({ "/api/v1/challenges/ch1": () => json(challenge) });
    renderRoute("/challenges/:challengeId", "/challenges/ch1", ChallengePage);
    expect(await screen.findByRole("heading", { name: "Three green orders" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Sign in" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Join this challenge" })).not.toBeInTheDocument();
  });

  it("lets a customer join, then reads the challenge again from the join's log position", async () => {
    setSession({ accessToken: "t", userId: "c1", roles: ["customer"] });
    let joined = false;
    const calls = mockApi({
      "/api/v1/challenges/ch1": () => json(joined ? { ...challenge, participants: 5 } : challenge),
      "/api/v1/me/rewards": () => json(rewards),
      "/api/v1/challenges/ch1/join": () => {
        joined = true;
        return new Response(JSON.stringify({ challenge_id: "ch1", customer_id: "c1", progress: 1, threshold: 3, completed: false, rewarded_points: 0 }), {
          headers: { "Content-Type": "application/json", "X-Event-Log-Position": "5:10" },
        });
      },
    });
    renderRoute("/challenges/:challengeId", "/challenges/ch1", ChallengePage);
    await userEvent.click(await screen.findByRole("button", { name: "Join this challenge" }));
    expect(await screen.findByText(/You joined this challenge\. So far: 1 order of 3 orders\./)).toBeInTheDocument();
    expect(await screen.findByText("5 joined, 1 completed")).toBeInTheDocument();
    await waitFor(() =>
      expect(calls.some((u) => u.pathname === "/api/v1/challenges/ch1" && u.searchParams.get("min_position") === "5:10")).toBe(true),
    );
  });

  it("says why joining failed (an ended challenge answers 409)", async () => {
    setSession({ accessToken: "t", userId: "c1", roles: ["customer"] });
    mockApi({
      "/api/v1/challenges/ch1": () => json(challenge),
      "/api/v1/me/rewards": () => json(rewards),
      "/api/v1/challenges/ch1/join": () => json({ status: 409, title: "Conflict", detail: "challenge ch1 ended on 2026-12-31" }, 409),
    });
    renderRoute("/challenges/:challengeId", "/challenges/ch1", ChallengePage);
    await userEvent.click(await screen.findByRole("button", { name: "Join this challenge" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("challenge ch1 ended on 2026-12-31");
  });
});

describe("the rewards page", () => {
  it("shows points, level, streak, badges, challenges and the visibility toggle", async () => {
    setSession({ accessToken: "t", userId: "c1", roles: ["customer"] });
    mockApi({ "/api/v1/me/rewards": () => json(rewards) });
    renderRoute("/account/rewards", "/account/rewards", RewardsRoute);
    expect(await screen.findByRole("heading", { name: "Points and level" })).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Progress to Sprout" })).toHaveAttribute("value", "40");
    expect(screen.getByText("1 week in a row. Lovely.")).toBeInTheDocument();
    expect(screen.getByText(/No badges yet/)).toBeInTheDocument();
    expect(screen.getByText("You have not joined a challenge yet.")).toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: /Show me on the leaderboards/ })).toBeChecked();
  });
});
