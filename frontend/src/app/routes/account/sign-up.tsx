import { Link, useNavigate } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { paths } from "@/config/paths";
import { useSignUp } from "@/features/account/api/auth";
import { COUNTRIES, type Country } from "@/features/checkout/utils/countries";
import { cartCount, useCart } from "@/features/cart/hooks/use-cart";
import { formText } from "@/lib/form";

export default function SignUp() {
  const signUp = useSignUp();
  const navigate = useNavigate();
  const items = cartCount(useCart());
  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          signUp.mutate(
            {
              email: formText(form, "email"),
              password: formText(form, "password"),
              display_name: formText(form, "display_name"),
              country: formText(form, "country") as Country,
            },
            { onSuccess: () => void navigate(items > 0 ? paths.checkout.href() : paths.account.href()) },
          );
        }}
      >
        <label htmlFor="display_name">Your name</label>
        <input id="display_name" name="display_name" autoComplete="name" required maxLength={80} />
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
        <label htmlFor="password">Password (at least 10 characters)</label>
        <input id="password" name="password" type="password" autoComplete="new-password" minLength={10} required />
        <label htmlFor="country">Country</label>
        <select id="country" name="country" defaultValue="FR">
          {COUNTRIES.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
        {signUp.isError ? <ErrorPanel error={signUp.error} title="The account could not be created" /> : null}
        <button type="submit" disabled={signUp.isPending}>
          {signUp.isPending ? "Creating…" : "Create account"}
        </button>
      </form>
      <p>
        Already have one? <Link to={paths.signIn.href()}>Sign in</Link>
      </p>
    </section>
  );
}
