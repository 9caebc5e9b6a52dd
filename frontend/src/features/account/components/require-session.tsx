import type { ReactNode } from "react";
import { Link, useLocation } from "react-router";
import { paths } from "@/config/paths";
import { hasRole, useSession } from "@/lib/auth";

/** Shows a sign-in link instead of `children` when nobody (or nobody with one of `roles`) is signed in. */
export function RequireSession({ children, roles }: { children: ReactNode; roles?: string[] }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    return (
      <section>
        <h1>Please sign in</h1>
        <p>
          <Link to={paths.signIn.href(location.pathname + location.search)}>Sign in</Link> to see this page.
        </p>
      </section>
    );
  }
  if (roles && !hasRole(session, ...roles)) {
    return (
      <section>
        <h1>Not available</h1>
        <p>This page is for {roles.join(" or ")} accounts.</p>
      </section>
    );
  }
  return <>{children}</>;
}
