import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { components } from "@/lib/api/schema";

export type OrderCreate = components["schemas"]["OrderCreate"];

/** Place the order (reserves stock); the idempotency key makes a double click one order. */
export function usePlaceOrder() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ order, key }: { order: OrderCreate; key: string }) =>
      unwrap(await api.POST("/api/v1/orders", { body: order, params: { header: { "Idempotency-Key": key } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["me"] });
      void client.invalidateQueries({ queryKey: ["catalog"] });
    },
  });
}
