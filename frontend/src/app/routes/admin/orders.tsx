import { type FormEvent, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { CursorPager } from "@/components/ui/cursor-pager";
import { Price } from "@/components/ui/price";
import { Loading } from "@/components/ui/spinner";
import { RequireSession } from "@/features/account/components/require-session";
import { ORDER_STATUSES, useAdminOrders } from "@/features/admin/api/list-orders";
import { type OrderAction, useOrderAction } from "@/features/admin/api/orders";
import { AdminNav } from "@/features/admin/components/admin-nav";
import { filtersFromUrl } from "@/features/admin/utils/order-filters";
import { formatDate, formatKg, titleCase } from "@/lib/format";

const ACTIONS: { value: OrderAction; label: string }[] = [
  { value: "ship", label: "Ship" },
  { value: "deliver", label: "Mark delivered" },
  { value: "mark-paid", label: "Mark paid (offline payment)" },
  { value: "refund", label: "Refund" },
];

function FilterForm({ params, onApply }: { params: URLSearchParams; onApply: (next: URLSearchParams) => void }) {
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, value] of new FormData(event.currentTarget)) {
      if (typeof value === "string" && value.trim()) next.set(name, value.trim());
    }
    onApply(next);
  };
  return (
    <form className="admin-form filters" aria-label="Filter orders" onSubmit={submit}>
      <div className="inline">
        <label htmlFor="filter-status">Status</label>
        <select id="filter-status" name="status" defaultValue={params.get("status") ?? ""}>
          <option value="">Any</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {titleCase(s)}
            </option>
          ))}
        </select>
        <label htmlFor="filter-customer">Customer id</label>
        <input id="filter-customer" name="customer" defaultValue={params.get("customer") ?? ""} />
        <label htmlFor="filter-from">Placed from</label>
        <input id="filter-from" name="from" type="date" defaultValue={params.get("from") ?? ""} />
        <label htmlFor="filter-to">to</label>
        <input id="filter-to" name="to" type="date" defaultValue={params.get("to") ?? ""} />
        <button type="submit">Show orders</button>
      </div>
    </form>
  );
}

function Orders() {
  const [params, setParams] = useSearchParams();
  const [cursors, setCursors] = useState<string[]>([]);
  const act = useOrderAction();
  // After an action the list is asked to wait for the change (read-your-writes), so it shows it.
  const list = useAdminOrders({ ...filtersFromUrl(params), ...(act.data?.position ? { min_position: act.data.position } : {}) }, cursors.at(-1));
  const [orderId, setOrderId] = useState("");
  const [text, setText] = useState("");
  const orderInput = useRef<HTMLInputElement>(null);
  const open = (id: string) => {
    setOrderId(id);
    act.reset();
    orderInput.current?.focus();
  };
  return (
    <section>
      <h1>Orders</h1>
      <AdminNav />
      <FilterForm
        key={params.toString()}
        params={params}
        onApply={(next) => {
          setCursors([]);
          setParams(next);
        }}
      />
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorPanel error={list.error} title="The orders could not be listed" onRetry={() => void list.refetch()} /> : null}
      {list.data && list.data.items.length === 0 ? <p>No orders match.</p> : null}
      {list.data && list.data.items.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Orders, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Placed at</th>
                <th scope="col">Order</th>
                <th scope="col">Status</th>
                <th scope="col">Customer</th>
                <th scope="col">Total</th>
                <th scope="col">Footprint</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((order) => (
                <tr key={order.id} className={order.id === orderId ? "selected" : undefined}>
                  <td>{formatDate(order.placed_at)}</td>
                  <td>
                    <button type="button" onClick={() => open(order.id)} aria-label={`Act on order ${order.id}`}>
                      {/* The last group: order ids are UUIDv7, whose first characters are the time, shared by
                          neighbours; a whole group keeps the visible text a word of the accessible name. */}
                      {order.id.slice(order.id.lastIndexOf("-") + 1)}
                    </button>
                  </td>
                  <td>
                    <span className={`status status-${order.status}`}>{titleCase(order.status)}</span>
                  </td>
                  <td>
                    <code>{order.customer_id}</code>
                  </td>
                  <td>
                    <Price minor={order.total_minor} currency={order.currency} />
                    {order.refunded_minor > 0 ? (
                      <>
                        {" "}
                        (refunded <Price minor={order.refunded_minor} currency={order.currency} />)
                      </>
                    ) : null}
                  </td>
                  <td>{order.kg_co2e === null ? "not rated" : formatKg(order.kg_co2e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <CursorPager cursors={cursors} next={list.data?.next_cursor} onChange={setCursors} />
      <h2>Act on an order</h2>
      <form className="admin-form" aria-label="Act on an order" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="order-id">Order id</label>
        <input id="order-id" ref={orderInput} value={orderId} onChange={(e) => setOrderId(e.target.value.trim())} required />
        <label htmlFor="order-text">Payment reference (mark paid) or reason (refund)</label>
        <input id="order-text" value={text} onChange={(e) => setText(e.target.value)} />
        <div className="inline">
          {ACTIONS.map((a) => (
            <button key={a.value} type="button" disabled={!orderId || act.isPending} onClick={() => act.mutate({ orderId, action: a.value, text })}>
              {a.label}
            </button>
          ))}
        </div>
      </form>
      {act.isError ? <ErrorPanel error={act.error} title="The order was not changed" /> : null}
      {act.data ? <p role="status">Done: the order is now {titleCase(act.data.order.status ?? "updated").toLowerCase()}.</p> : null}
    </section>
  );
}

export default function OrdersRoute() {
  return (
    <RequireSession roles={["admin"]}>
      <Orders />
    </RequireSession>
  );
}
