import { useState } from "react";
import { Link } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { CursorPager } from "@/components/ui/cursor-pager";
import { Price } from "@/components/ui/price";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { useMyOrders } from "@/features/account/api/get-my-orders";
import { RequireSession } from "@/features/account/components/require-session";
import { formatDate, formatKg, titleCase } from "@/lib/format";

function Orders() {
  const [cursors, setCursors] = useState<string[]>([]);
  const orders = useMyOrders(cursors.at(-1));
  return (
    <section>
      <h1>My orders</h1>
      {orders.isPending ? <Loading /> : null}
      {orders.isError ? <ErrorPanel error={orders.error} onRetry={() => void orders.refetch()} /> : null}
      {orders.data && orders.data.items.length === 0 ? <p>No orders yet.</p> : null}
      {orders.data ? (
        <ul className="order-list" aria-label="Orders">
          {orders.data.items.map((order) => (
            <li key={order.id}>
              <Link to={paths.order.href(order.id)}>Order of {formatDate(order.placed_at)}</Link> —{" "}
              <span className={`status status-${order.status}`}>{titleCase(order.status)}</span> —{" "}
              <Price minor={order.totals.total_minor} currency={order.currency} /> —{" "}
              {order.footprint ? formatKg(order.footprint.kg_co2e) : "footprint not rated"}
            </li>
          ))}
        </ul>
      ) : null}
      <CursorPager cursors={cursors} next={orders.data?.next_cursor} onChange={setCursors} />
    </section>
  );
}

export default function OrdersRoute() {
  return (
    <RequireSession>
      <Orders />
    </RequireSession>
  );
}
