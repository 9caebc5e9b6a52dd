import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

export function getDashboardQueryOptions() {
  return queryOptions({
    queryKey: ["me", "dashboard"],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/v1/me/dashboard", { signal })),
  });
}

export function useDashboard() {
  return useQuery(getDashboardQueryOptions());
}
