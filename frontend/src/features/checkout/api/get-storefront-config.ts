import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

export function getStorefrontConfigQueryOptions() {
  return queryOptions({
    queryKey: ["storefront", "config"],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/v1/storefront/config", { signal })),
    staleTime: Infinity,
  });
}

export function useStorefrontConfig() {
  return useQuery(getStorefrontConfigQueryOptions());
}
