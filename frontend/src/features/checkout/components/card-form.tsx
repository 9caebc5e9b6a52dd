import { useEffect, useRef, useState } from "react";
import { useStorefrontConfig } from "@/features/checkout/api/get-storefront-config";
import { type CardElement, loadStripe, type StripeJs } from "@/features/checkout/utils/stripe";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";

type Props = { onReady: (stripe: StripeJs, card: CardElement) => void };

/** The Stripe Elements card field, from Stripe.js at the configured address. */
export function CardForm({ onReady }: Props) {
  const config = useStorefrontConfig();
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<unknown>(null);
  const [ready, setReady] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const stripeConfig = config.data?.stripe;
    if (!stripeConfig || !host.current) return;
    if (!stripeConfig.publishable_key) return; // said during render: nothing to load
    let card: CardElement | null = null;
    let cancelled = false;
    loadStripe(stripeConfig.js_url, stripeConfig.publishable_key)
      .then((stripe) => {
        if (cancelled || !host.current) return;
        card = stripe.elements().create("card");
        card.mount(host.current);
        setReady(true);
        onReady(stripe, card);
      })
      .catch(setError);
    return () => {
      cancelled = true;
      card?.destroy();
    };
  }, [config.data, onReady, attempt]);

  if (config.isError) return <ErrorPanel error={config.error} onRetry={() => void config.refetch()} />;
  if (config.data?.stripe && !config.data.stripe.publishable_key) {
    return (
      <ErrorPanel
        error={new Error("Card payments are not configured on this shop (no Stripe publishable key).")}
        title="The card form could not be loaded"
      />
    );
  }
  return (
    <fieldset className="card-form">
      <legend>Card</legend>
      <p className="note" id="card-help">
        Card number, expiry month, two-digit year, CVC and postcode.
      </p>
      <div ref={host} className="card-element" aria-describedby="card-help" />
      {!ready && !error ? <Loading label="Loading the secure card form" /> : null}
      {error ? (
        <ErrorPanel
          error={error}
          title="The card form could not be loaded"
          onRetry={() => {
            setError(null);
            setAttempt((n) => n + 1);
          }}
        />
      ) : null}
    </fieldset>
  );
}
