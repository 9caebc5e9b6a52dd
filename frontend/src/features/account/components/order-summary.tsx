import { Price } from "@/components/ui/price";
import type { OrderView } from "@/features/account/api/get-my-order";
import { formatDate, formatKg, titleCase } from "@/lib/format";

export function OrderSummary({ order }: { order: OrderView }) {
  return (
    <div className="order">
      <p>
        Status: <strong className={`status status-${order.status}`}>{titleCase(order.status)}</strong>
      </p>
      <ul aria-label="Order lines">
        {order.lines.map((line) => (
          <li key={line.product_id}>
            {line.quantity} × {line.name} — <Price minor={line.line_total_minor} currency={order.currency} />
          </li>
        ))}
      </ul>
      <p>
        Total <Price minor={order.totals.total_minor} currency={order.currency} /> (shipping{" "}
        <Price minor={order.totals.shipping_minor} currency={order.currency} />, {order.shipping.method} to {order.shipping.country})
      </p>
      {order.footprint ? (
        <p className="order-footprint">
          Footprint: <strong>{formatKg(order.footprint.kg_co2e)}</strong> ({order.footprint.low.toFixed(2)}–
          {order.footprint.high.toFixed(2)} kg, of which shipping {formatKg(order.footprint.shipping_kg_co2e)}); saved{" "}
          {formatKg(order.footprint.savings_kg_co2e)} against the conventional basket. Factors {order.footprint.factor_version}.
        </p>
      ) : (
        <p>Footprint not rated.</p>
      )}
      <h3>History</h3>
      <ol className="history">
        {order.history.map((change, i) => (
          <li key={`${change.status}-${i}`}>
            {titleCase(change.status)} — <time dateTime={change.at}>{formatDate(change.at)}</time>
          </li>
        ))}
      </ol>
    </div>
  );
}
