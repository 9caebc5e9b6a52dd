import type { ReactNode } from "react";
import { Link, useLocation } from "react-router";
import { paths } from "@/config/paths";
import { Loading } from "@/components/ui/spinner";
import { hasRole, useSessionState } from "@/lib/auth";

/** Shows a sign-in link instead of `children` when nobody (or nobody with one of `roles`) is signed in. */
export function RequireSession({ children, roles }: { children: ReactNode; roles?: string[] }) {
  const { session, restoring } = useSessionState();
  const location = useLocation();
  if (restoring) return <Loading label="Restoring your session" />;
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
