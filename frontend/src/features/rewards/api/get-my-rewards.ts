import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { components } from "@/lib/api/schema";

export type MyRewards = components["schemas"]["MyRewards"];
export type BadgeView = components["schemas"]["BadgeView"];
export type StreakView = components["schemas"]["StreakView"];
export type ChallengeProgress = components["schemas"]["ChallengeProgress"];

export const myRewardsKey = ["me", "rewards"] as const;

/** My rewards; `minPosition` (a command's X-Event-Log-Position) waits until the read model has my write. */
export function getMyRewardsQueryOptions(minPosition?: string | null) {
  return queryOptions({
    queryKey: myRewardsKey,
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/v1/me/rewards", { params: { query: minPosition ? { min_position: minPosition } : {} }, signal })),
  });
}

export function useMyRewards() {
  return useQuery(getMyRewardsQueryOptions());
}
