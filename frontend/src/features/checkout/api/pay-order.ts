import { useMutation } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

/** Open the order's payment with a card from Stripe.js; answers the payment and the log position to wait for. */
export function usePayOrder() {
  return useMutation({
    mutationFn: async ({ orderId, paymentMethod, key }: { orderId: string; paymentMethod: string; key: string }) => {
      const result = await api.POST("/api/v1/orders/{order_id}/pay", {
        params: { path: { order_id: orderId }, header: { "Idempotency-Key": key } },
        body: { payment_method: paymentMethod },
      });
      return { payment: unwrap(result), position: result.response.headers.get("X-Event-Log-Position") };
    },
  });
}
