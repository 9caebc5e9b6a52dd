import { Link, useParams, useSearchParams } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { useMyOrder } from "@/features/account/api/get-my-order";
import { OrderSummary } from "@/features/account/components/order-summary";
import { RequireSession } from "@/features/account/components/require-session";

function Confirmation() {
  const { orderId = "" } = useParams();
  const [url] = useSearchParams();
  const order = useMyOrder(orderId, { minPosition: url.get("min_position") ?? undefined, follow: true });
  return (
    <section>
      <h1>Thank you</h1>
      {order.isPending ? <Loading label="Waiting for your order" /> : null}
      {order.isError ? <ErrorPanel error={order.error} onRetry={() => void order.refetch()} /> : null}
      {order.data ? (
        <>
          <p role="status" aria-live="polite" className="payment-state">
            {order.data.status === "pending_payment"
              ? "Waiting for the payment to be confirmed…"
              : order.data.status === "paid"
                ? "Payment received: your order is paid."
                : `Your order is ${order.data.status.replace("_", " ")}.`}
          </p>
          <OrderSummary order={order.data} />
          <Link to={paths.orders.href()}>See all your orders</Link>
        </>
      ) : null}
    </section>
  );
}

export default function ConfirmationRoute() {
  return (
    <RequireSession>
      <Confirmation />
    </RequireSession>
  );
}
