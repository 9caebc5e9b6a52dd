import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import { getChallengeQueryOptions } from "@/features/rewards/api/get-challenge";
import { challengesKey } from "@/features/rewards/api/get-challenges";
import { getMyRewardsQueryOptions, myRewardsKey } from "@/features/rewards/api/get-my-rewards";

/** Join a challenge (customer); then the challenge and my rewards are read again, at least as new as the join. */
export function useJoinChallenge() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (challengeId: string) => {
      const result = await api.POST("/api/v1/challenges/{challenge_id}/join", { params: { path: { challenge_id: challengeId } } });
      return { entry: unwrap(result), position: result.response.headers.get("X-Event-Log-Position") };
    },
    onSuccess: async ({ position }, challengeId) => {
      await Promise.all([
        client.fetchQuery({ ...getChallengeQueryOptions(challengeId, position), staleTime: 0 }),
        client.invalidateQueries({ queryKey: [...challengesKey, "list"] }),
        client.getQueryData(myRewardsKey)
          ? client.fetchQuery({ ...getMyRewardsQueryOptions(position), staleTime: 0 })
          : client.invalidateQueries({ queryKey: myRewardsKey }),
      ]);
    },
  });
}
