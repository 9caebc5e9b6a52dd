import { useMutation } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

export type OrderAction = "ship" | "deliver" | "refund" | "mark-paid";

async function send({ orderId, action, text }: { orderId: string; action: OrderAction; text: string }) {
  const path = { params: { path: { order_id: orderId } } };
  switch (action) {
    case "ship":
      return api.POST("/api/v1/orders/{order_id}/ship", path);
    case "deliver":
      return api.POST("/api/v1/orders/{order_id}/deliver", path);
    case "refund":
      return api.POST("/api/v1/orders/{order_id}/refund", { ...path, body: { amount_minor: null, reason: text || "refunded by an admin" } });
    case "mark-paid":
      return api.POST("/api/v1/orders/{order_id}/mark-paid", { ...path, body: { reference: text } });
  }
}

/**
 * The admin's order transitions; each answers the order as it now is, and the log position of the
 * change, which a read model asked with `min_position` waits for (the list shows the change at once).
 */
export function useOrderAction() {
  return useMutation({
    mutationFn: async (variables: { orderId: string; action: OrderAction; text: string }) => {
      const result = await send(variables);
      const order = unwrap<{ status?: string }>(result);
      return { order, position: result.response.headers.get("X-Event-Log-Position") ?? undefined };
    },
  });
}
