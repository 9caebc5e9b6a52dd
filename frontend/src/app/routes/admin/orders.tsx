import { useState } from "react";
import { ErrorPanel } from "@/components/errors/error-panel";
import { RequireSession } from "@/features/account/components/require-session";
import { type OrderAction, useOrderAction } from "@/features/admin/api/orders";
import { AdminNav } from "@/features/admin/components/admin-nav";

const ACTIONS: { value: OrderAction; label: string }[] = [
  { value: "ship", label: "Ship" },
  { value: "deliver", label: "Mark delivered" },
  { value: "mark-paid", label: "Mark paid (offline payment)" },
  { value: "refund", label: "Refund" },
];

function Orders() {
  const act = useOrderAction();
  const [orderId, setOrderId] = useState("");
  const [text, setText] = useState("");
  return (
    <section>
      <h1>Orders</h1>
      <AdminNav />
      <form className="admin-form" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor="order-id">Order id</label>
        <input id="order-id" value={orderId} onChange={(e) => setOrderId(e.target.value.trim())} required />
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
      {act.data ? <p role="status">Done: the order is now {String((act.data as { status?: string }).status ?? "updated")}.</p> : null}
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
