/** The little of Stripe.js v3 the checkout uses (Stripe's own and localstripe's fake both have it). */
export type CardElement = { mount: (el: HTMLElement) => void; destroy: () => void; on?: (event: string, handler: (e: unknown) => void) => void };
type StripeError = { message?: string } | undefined;
export type StripeJs = {
  elements: () => { create: (type: "card", options?: object) => CardElement };
  createPaymentMethod?: (data: { type: "card"; card: CardElement }) => Promise<{ paymentMethod?: { id: string }; error?: StripeError } | undefined>;
  createToken: (card: CardElement) => Promise<{ token?: { id: string; card?: { id: string } }; error?: StripeError }>;
  confirmCardPayment: (clientSecret: string) => Promise<{ paymentIntent?: { status: string }; error?: StripeError }>;
};

declare global {
  interface Window {
    Stripe?: (key: string) => StripeJs;
  }
}

const loading = new Map<string, Promise<void>>();

/** Load Stripe.js once from the configured address (Stripe's, or localstripe's fake). */
export function loadStripe(url: string, key: string): Promise<StripeJs> {
  let promise = loading.get(url);
  if (!promise) {
    promise = new Promise<void>((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => resolve();
      script.onerror = () => {
        loading.delete(url);
        reject(new Error("The payment form could not be loaded; check your connection and try again."));
      };
      document.head.appendChild(script);
    });
    loading.set(url, promise);
  }
  return promise.then(() => {
    if (!window.Stripe) throw new Error("The payment form did not start.");
    return window.Stripe(key);
  });
}

/**
 * A payment method id for the card typed in the element: Stripe.js `createPaymentMethod`
 * where it exists (Stripe), else the card of a token (`createToken`), which is what
 * localstripe's fake Stripe.js makes.
 */
export async function paymentMethodFor(stripe: StripeJs, card: CardElement): Promise<string> {
  const created = await stripe.createPaymentMethod?.({ type: "card", card });
  if (created?.error) throw new Error(created.error.message ?? "The card was refused.");
  if (created?.paymentMethod) return created.paymentMethod.id;
  const { token, error } = await stripe.createToken(card);
  if (error || !token) throw new Error(error?.message ?? "The card details are incomplete or invalid.");
  return token.card?.id ?? token.id;
}
