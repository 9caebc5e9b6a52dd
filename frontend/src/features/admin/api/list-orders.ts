import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import type { operations } from "@/lib/api/schema";
import { unwrap } from "@/lib/api/problem";

export type OrderFilters = NonNullable<operations["ListOrders"]["parameters"]["query"]>;
export type OrderStatus = NonNullable<OrderFilters["status"]>;

export const ORDER_STATUSES: OrderStatus[] = ["pending_payment", "paid", "shipped", "delivered", "cancelled", "refunded"];

/** A page of every order (admins), newest first; `cursor` is the previous page's `next_cursor`. */
export function getAdminOrdersQueryOptions(filters: OrderFilters, cursor?: string) {
  const query: OrderFilters = { ...filters, limit: 20, ...(cursor ? { cursor } : {}) };
  return queryOptions({
    queryKey: ["admin", "orders", "list", query],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/v1/admin/orders", { params: { query }, signal })),
  });
}

export function useAdminOrders(filters: OrderFilters, cursor?: string) {
  // The previous page stays on screen while the next one loads: the table does not jump.
  return useQuery({ ...getAdminOrdersQueryOptions(filters, cursor), placeholderData: keepPreviousData });
}
