import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import { getMyRewardsQueryOptions } from "@/features/rewards/api/get-my-rewards";

/** Appear on the leaderboards or on none; my rewards and every board are read again after it. */
export function useSetLeaderboardVisibility() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (visible: boolean) => {
      const result = await api.PUT("/api/v1/me/leaderboard-visibility", { body: { visible } });
      return { visibility: unwrap(result), position: result.response.headers.get("X-Event-Log-Position") };
    },
    onSuccess: async ({ position }) => {
      await Promise.all([
        client.fetchQuery({ ...getMyRewardsQueryOptions(position), staleTime: 0 }),
        client.invalidateQueries({ queryKey: ["leaderboards"] }),
      ]);
    },
  });
}
