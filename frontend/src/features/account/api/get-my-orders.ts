import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

export function getMyOrdersQueryOptions(cursor?: string) {
  return queryOptions({
    queryKey: ["me", "orders", "list", cursor ?? ""],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/v1/me/orders", { params: { query: cursor ? { cursor, limit: 10 } : { limit: 10 } }, signal })),
  });
}

export function useMyOrders(cursor?: string) {
  return useQuery(getMyOrdersQueryOptions(cursor));
}
