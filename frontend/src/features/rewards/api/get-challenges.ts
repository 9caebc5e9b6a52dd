import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { components } from "@/lib/api/schema";

export type ChallengeView = components["schemas"]["ChallengeView"];

export const challengesKey = ["challenges"] as const;

export function getChallengesQueryOptions(cursor?: string, minPosition?: string | null) {
  return queryOptions({
    queryKey: [...challengesKey, "list", cursor ?? null],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET("/api/v1/challenges", {
          params: { query: { ...(cursor ? { cursor } : {}), ...(minPosition ? { min_position: minPosition } : {}) } },
          signal,
        }),
      ),
    staleTime: 10_000,
  });
}

export function useChallenges(cursor?: string) {
  return useQuery(getChallengesQueryOptions(cursor));
}
