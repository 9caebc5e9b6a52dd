import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { components } from "@/lib/api/schema";
import { challengesKey } from "@/features/rewards/api/get-challenges";

export type ChallengeCreate = components["schemas"]["ChallengeCreate"];

/** Create a challenge (admin); answers it and the log position its pages wait for. */
export function useCreateChallenge() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ challenge, key }: { challenge: ChallengeCreate; key: string }) => {
      const result = await api.POST("/api/v1/challenges", {
        body: challenge,
        params: { header: { "Idempotency-Key": key } },
      });
      return { challenge: unwrap(result), position: result.response.headers.get("X-Event-Log-Position") };
    },
    onSuccess: () => client.invalidateQueries({ queryKey: challengesKey }),
  });
}
