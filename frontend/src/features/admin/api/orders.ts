import { useMutation } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

export type OrderAction = "ship" | "deliver" | "refund" | "mark-paid";

/** The admin's order transitions; each answers the order as it now is. */
export function useOrderAction() {
  return useMutation({
    mutationFn: async ({ orderId, action, text }: { orderId: string; action: OrderAction; text: string }) => {
      const path = { params: { path: { order_id: orderId } } };
      switch (action) {
        case "ship":
          return unwrap(await api.POST("/api/v1/orders/{order_id}/ship", path));
        case "deliver":
          return unwrap(await api.POST("/api/v1/orders/{order_id}/deliver", path));
        case "refund":
          return unwrap(await api.POST("/api/v1/orders/{order_id}/refund", { ...path, body: { amount_minor: null, reason: text || "refunded by an admin" } }));
        case "mark-paid":
          return unwrap(await api.POST("/api/v1/orders/{order_id}/mark-paid", { ...path, body: { reference: text } }));
      }
    },
  });
}
