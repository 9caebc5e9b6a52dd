import { Link, useParams } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { useMyOrder } from "@/features/account/api/get-my-order";
import { OrderSummary } from "@/features/account/components/order-summary";
import { RequireSession } from "@/features/account/components/require-session";

function Order() {
  const { orderId = "" } = useParams();
  const order = useMyOrder(orderId);
  return (
    <section>
      <h1>Order</h1>
      {order.isPending ? <Loading /> : null}
      {order.isError ? <ErrorPanel error={order.error} onRetry={() => void order.refetch()} /> : null}
      {order.data ? <OrderSummary order={order.data} /> : null}
      <Link to={paths.orders.href()}>All orders</Link>
    </section>
  );
}

export default function OrderRoute() {
  return (
    <RequireSession>
      <Order />
    </RequireSession>
  );
}
