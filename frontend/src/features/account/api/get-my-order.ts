import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { components } from "@/lib/api/schema";

export type OrderView = components["schemas"]["OrderView"];

export function getMyOrderQueryOptions(orderId: string, minPosition?: string) {
  return queryOptions({
    queryKey: ["me", "orders", orderId],
    queryFn: async ({ signal }) =>
      unwrap(
        await api.GET("/api/v1/me/orders/{order_id}", {
          params: { path: { order_id: orderId }, query: minPosition ? { min_position: minPosition } : {} },
          signal,
        }),
      ),
  });
}

/** The order, followed (polled each second) until it leaves pending_payment when `follow` is set. */
export function useMyOrder(orderId: string, options: { minPosition?: string; follow?: boolean } = {}) {
  return useQuery({
    ...getMyOrderQueryOptions(orderId, options.minPosition),
    refetchInterval: (query) => (options.follow && query.state.data?.status === "pending_payment" ? 1000 : false),
    // Not projected yet (404 just after paying) is worth asking again.
    retry: (count, error) => count < 10 && (error as { status?: number }).status !== 401,
    retryDelay: 700,
  });
}
