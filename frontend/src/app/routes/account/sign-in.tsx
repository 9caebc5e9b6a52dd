import { Link, useNavigate, useSearchParams } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { paths } from "@/config/paths";
import { useSignIn } from "@/features/account/api/auth";
import { formText } from "@/lib/form";

/** Only paths inside this app are followed after signing in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : paths.account.href();
}

export default function SignIn() {
  const signIn = useSignIn();
  const navigate = useNavigate();
  const [url] = useSearchParams();
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          signIn.mutate(
            { email: formText(form, "email"), password: formText(form, "password") },
            { onSuccess: () => void navigate(safeNext(url.get("next"))) },
          );
        }}
      >
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        {signIn.isError ? <ErrorPanel error={signIn.error} title="You could not be signed in" /> : null}
        <button type="submit" disabled={signIn.isPending}>
          {signIn.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p>
        New here? <Link to={paths.signUp.href()}>Create an account</Link>
      </p>
    </section>
  );
}
