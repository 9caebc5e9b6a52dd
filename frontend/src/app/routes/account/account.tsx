import { lazy, Suspense } from "react";
import { Link, useNavigate } from "react-router";
import { ErrorBoundary } from "@/components/errors/boundary";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Price } from "@/components/ui/price";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { useSignOut } from "@/features/account/api/auth";
import { useDashboard } from "@/features/account/api/get-dashboard";
import { RequireSession } from "@/features/account/components/require-session";
import { useSession } from "@/lib/auth";
import { formatKg } from "@/lib/format";

// Its own chunk, loaded after the dashboard: the advisor is a secondary panel of this page.
const AdvisorChat = lazy(() => import("@/features/advisor/components/advisor-chat"));

function Dashboard() {
  const dashboard = useDashboard();
  const session = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const d = dashboard.data;
  return (
    <section>
      <h1>Your account</h1>
      <p>
        Signed in{session?.email ? ` as ${session.email}` : ""}.{" "}
        <button
          type="button"
          onClick={() => {
            void navigate(paths.home.href()); // first: this page needs the session that signing out ends
            signOut.mutate();
          }}
        >
          Sign out
        </button>
      </p>
      <nav aria-label="Account">
        <ul className="chips">
          <li>
            <Link to={paths.orders.href()}>My orders</Link>
          </li>
          <li>
            <Link to={paths.rewards.href()}>Rewards</Link>
          </li>
          <li>
            <Link to={paths.privacy.href()}>My data (export, erase)</Link>
          </li>
        </ul>
      </nav>
      <h2>My dashboard</h2>
      {dashboard.isPending ? <Loading /> : null}
      {dashboard.isError ? (
        <ErrorPanel error={dashboard.error} onRetry={() => void dashboard.refetch()} title="Your dashboard could not be loaded" />
      ) : null}
      {d ? (
        <dl className="stats">
          <div>
            <dt>Orders</dt>
            <dd>{d.orders_placed}</dd>
          </div>
          <div>
            <dt>Spent</dt>
            <dd>
              {Object.entries(d.spent_minor).length === 0
                ? "nothing yet"
                : Object.entries(d.spent_minor).map(([currency, minor]) => <Price key={currency} minor={minor} currency={currency} />)}
            </dd>
          </div>
          <div>
            <dt>Footprint of what you bought</dt>
            <dd>{formatKg(d.footprint_kg_co2e)}</dd>
          </div>
          <div>
            <dt>Saved against conventional products</dt>
            <dd>{formatKg(d.saved_kg_co2e)}</dd>
          </div>
          <div>
            <dt>Eco points</dt>
            <dd>{d.eco_points}</dd>
          </div>
        </dl>
      ) : null}
      <ErrorBoundary title="The advisor could not be loaded">
        <Suspense fallback={<Loading label="Loading the advisor" />}>
          <AdvisorChat />
        </Suspense>
      </ErrorBoundary>
    </section>
  );
}

export default function AccountRoute() {
  return (
    <RequireSession>
      <Dashboard />
    </RequireSession>
  );
}
