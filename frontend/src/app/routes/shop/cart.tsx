import { useQueries } from "@tanstack/react-query";
import { Link } from "react-router";
import { Price } from "@/components/ui/price";
import { paths } from "@/config/paths";
import { cart, cartSubtotal, useCart } from "@/features/cart/hooks/use-cart";
import { getProductImpactQueryOptions } from "@/features/product/api/get-product-impact";
import { formatKg } from "@/lib/format";

export default function Cart() {
  const lines = useCart();
  const impacts = useQueries({ queries: lines.map((l) => getProductImpactQueryOptions(l.productId)) });
  const subtotal = cartSubtotal(lines);
  const footprint = lines.reduce((sum, line, i) => sum + (impacts[i]?.data?.kg_co2e.central ?? 0) * line.quantity, 0);
  const rated = impacts.every((q) => q.data);

  if (lines.length === 0) {
    return (
      <section>
        <h1>Your cart</h1>
        <p>Your cart is empty.</p>
        <Link to={paths.search.href()}>Find something</Link>
      </section>
    );
  }
  return (
    <section>
      <h1>Your cart</h1>
      <ul className="cart-lines" aria-label="Cart lines">
        {lines.map((line, i) => {
          const impact = impacts[i]?.data;
          return (
            <li key={line.productId} className="cart-line">
              <Link to={paths.product.href(line.productId)}>{line.name}</Link>
              <Price minor={line.priceMinor} currency={line.currency} />
              <label>
                Quantity of {line.name}
                <input
                  type="number"
                  min={0}
                  max={99}
                  value={line.quantity}
                  onChange={(e) => cart.setQuantity(line.productId, Number(e.target.value) || 0)}
                />
              </label>
              <span>{impact ? formatKg(impact.kg_co2e.central * line.quantity) : "footprint loading"}</span>
              <button type="button" onClick={() => cart.setQuantity(line.productId, 0)}>
                Remove {line.name}
              </button>
            </li>
          );
        })}
      </ul>
      <dl className="totals">
        <div>
          <dt>Subtotal</dt>
          <dd>
            <Price minor={subtotal.minor} currency={subtotal.currency} />
          </dd>
        </div>
        <div>
          <dt>Products' footprint</dt>
          <dd>{rated ? formatKg(footprint) : "calculating…"} (shipping is added at checkout)</dd>
        </div>
      </dl>
      <Link className="button" to={paths.checkout.href()}>
        Go to checkout
      </Link>
    </section>
  );
}
