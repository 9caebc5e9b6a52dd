import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import { challengesKey } from "@/features/rewards/api/get-challenges";

export function getChallengeQueryOptions(challengeId: string, minPosition?: string | null) {
  return queryOptions({
    queryKey: [...challengesKey, "detail", challengeId],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET("/api/v1/challenges/{challenge_id}", {
          params: { path: { challenge_id: challengeId }, query: minPosition ? { min_position: minPosition } : {} },
          signal,
        }),
      ),
  });
}

/** One challenge; with `minPosition` (just created) it waits for the read model and asks again while not projected. */
export function useChallenge(challengeId: string, minPosition?: string | null) {
  return useQuery({
    ...getChallengeQueryOptions(challengeId, minPosition),
    retry: (count, error) => !!minPosition && count < 5 && (error as { status?: number }).status === 404,
    retryDelay: 700,
  });
}
