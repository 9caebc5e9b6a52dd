import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { components } from "@/lib/api/schema";

export type ImpactSummary = components["schemas"]["ImpactSummary"];

export function getImpactSummaryQueryOptions() {
  return queryOptions({
    queryKey: ["impact", "summary"],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/v1/impact/summary", { signal })),
    staleTime: 60_000,
  });
}

export function useImpactSummary() {
  return useQuery(getImpactSummaryQueryOptions());
}
