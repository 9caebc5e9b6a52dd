import { useQuery } from "@tanstack/react-query";
import type { Timeline } from "@/features/provenance/api/get-provenance";
import { verifyTimeline } from "@/features/provenance/utils/verify";

/** The browser's own check of a timeline (WebCrypto), redone whenever a new copy of it arrives. */
export function useVerification(productId: string, timeline: Timeline | undefined, receivedAt: number) {
  return useQuery({
    queryKey: ["provenance", productId, "verification", receivedAt],
    queryFn: () => verifyTimeline(timeline!),
    enabled: timeline !== undefined,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    retry: false,
  });
}
