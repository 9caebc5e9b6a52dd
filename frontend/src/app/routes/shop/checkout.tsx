import { useQueries } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Price } from "@/components/ui/price";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { cart, cartSubtotal, useCart } from "@/features/cart/hooks/use-cart";
import { useShippingQuote } from "@/features/checkout/api/get-shipping-quote";
import { usePayOrder } from "@/features/checkout/api/pay-order";
import { usePlaceOrder } from "@/features/checkout/api/place-order";
import { CardForm } from "@/features/checkout/components/card-form";
import { COUNTRIES, type Country, METHOD_LABELS, type ShippingMethod } from "@/features/checkout/utils/countries";
import { type CardElement, paymentMethodFor, type StripeJs } from "@/features/checkout/utils/stripe";
import { getProductImpactQueryOptions } from "@/features/product/api/get-product-impact";
import { errorMessage } from "@/lib/api/problem";
import { useSession } from "@/lib/auth";
import { formatKg } from "@/lib/format";

/** Two steps in the URL (`?step=delivery`, then `?step=payment&order=…`), so a reload keeps the place. */
export default function Checkout() {
  const session = useSession();
  const [url, setUrl] = useSearchParams();
  const orderId = url.get("order");
  if (!session) {
    return (
      <section>
        <h1>Checkout</h1>
        <p>Please sign in or create an account to place your order; your cart is kept.</p>
        <Link to={paths.signIn.href(paths.checkout.href())}>Sign in</Link> or <Link to={paths.signUp.href()}>create an account</Link>
      </section>
    );
  }
  return (
    <section className="checkout">
      <h1>Checkout</h1>
      {orderId ? (
        <Payment orderId={orderId} total={url.get("total")} />
      ) : (
        <Delivery onPlaced={(id, total) => setUrl({ step: "payment", order: id, total })} />
      )}
    </section>
  );
}

function Delivery({ onPlaced }: { onPlaced: (orderId: string, total: string) => void }) {
  const lines = useCart();
  const [country, setCountry] = useState<Country>("FR");
  const [method, setMethod] = useState<ShippingMethod>("slow-green");
  const impacts = useQueries({ queries: lines.map((l) => getProductImpactQueryOptions(l.productId)) });
  const weighed = impacts.every((q) => q.data);
  const shippedKg = lines.reduce((sum, l, i) => sum + (impacts[i]?.data?.shipped_kg ?? 0) * l.quantity, 0);
  const subtotal = cartSubtotal(lines);
  const quote = useShippingQuote(
    { country, shipped_kg: Math.round(shippedKg * 1000) / 1000, currency: subtotal.currency as "EUR", subtotal_minor: subtotal.minor },
    weighed && lines.length > 0,
  );
  const place = usePlaceOrder();
  const key = useRef(crypto.randomUUID());

  if (lines.length === 0) return <p>Your cart is empty. <Link to={paths.search.href()}>Find something</Link></p>;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        place.mutate(
          {
            key: key.current,
            order: { lines: lines.map((l) => ({ product_id: l.productId, quantity: l.quantity })), shipping: { country, method, address: null } },
          },
          {
            onSuccess: (order) => onPlaced(order.id, `${order.totals.total_minor} ${order.currency}`),
            // A changed order after a refusal is another request: it needs another key (the same key
            // with another body is a 422). A retry of the same request may reuse it; a new one is as safe.
            onError: () => {
              key.current = crypto.randomUUID();
            },
          },
        );
      }}
    >
      <h2>Delivery</h2>
      <label htmlFor="country">Ship to</label>
      <select id="country" value={country} onChange={(e) => setCountry(e.target.value as Country)}>
        {COUNTRIES.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </select>
      <fieldset className="methods">
        <legend>Shipping method (each with its footprint for your parcel)</legend>
        {quote.isPending ? <Loading label="Weighing the shipping options" /> : null}
        {quote.isError ? <ErrorPanel error={quote.error} onRetry={() => void quote.refetch()} /> : null}
        {quote.data?.options.map((option) => (
          <label key={option.method} className="method">
            <input
              type="radio"
              name="method"
              value={option.method}
              checked={method === option.method}
              onChange={() => setMethod(option.method as ShippingMethod)}
            />{" "}
            <span>{METHOD_LABELS[option.method as ShippingMethod] ?? option.method}</span>{" "}
            <Price minor={option.fee_minor} currency={option.currency} /> ·{" "}
            <strong>{formatKg(option.kg_co2e.central)}</strong>{" "}
            <span className="range">
              ({option.kg_co2e.low.toFixed(2)}–{option.kg_co2e.high.toFixed(2)} kg)
            </span>
          </label>
        ))}
      </fieldset>
      <p>
        Goods: <Price minor={subtotal.minor} currency={subtotal.currency} />
      </p>
      {place.isError ? <ErrorPanel error={place.error} title="The order could not be placed" /> : null}
      <button type="submit" disabled={place.isPending || !weighed}>
        {place.isPending ? "Placing the order…" : "Place order and pay"}
      </button>
    </form>
  );
}

function Payment({ orderId, total }: { orderId: string; total: string | null }) {
  const navigate = useNavigate();
  const pay = usePayOrder();
  const stripe = useRef<{ stripe: StripeJs; card: CardElement } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onReady = useCallback((s: StripeJs, card: CardElement) => {
    stripe.current = { stripe: s, card };
  }, []);
  const [amount, currency] = (total ?? "").split(" ");

  const submit = async () => {
    if (!stripe.current) return;
    setProblem(null);
    setBusy(true);
    try {
      const method = await paymentMethodFor(stripe.current.stripe, stripe.current.card);
      // One key per attempt: a second attempt (another card after a decline) is another request.
      const key = crypto.randomUUID();
      const { payment, position } = await pay.mutateAsync({ orderId, paymentMethod: method, key });
      if (payment.payment_status === "requires_action" && payment.client_secret) {
        const confirmed = await stripe.current.stripe.confirmCardPayment(payment.client_secret);
        if (confirmed.error) throw new Error(confirmed.error.message ?? "The card's authentication failed.");
      }
      cart.clear();
      void navigate(paths.orderConfirmation.href(orderId, position ?? undefined));
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2>Payment</h2>
      {amount && currency ? (
        <p>
          To pay: <Price minor={Number(amount)} currency={currency} />
        </p>
      ) : null}
      <CardForm onReady={onReady} />
      {problem ? (
        <div role="alert" className="error-panel">
          <p className="error-title">The payment did not go through</p>
          <p>{problem}</p>
          <p>
            Your cart is kept: try another card, or go <Link to={paths.cart.href()}>back to your cart</Link>.
          </p>
        </div>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? "Paying…" : "Pay now"}
      </button>
    </form>
  );
}
