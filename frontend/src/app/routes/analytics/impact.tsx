import { lazy, Suspense } from "react";
import { ErrorBoundary } from "@/components/errors/boundary";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { RequireSession } from "@/features/account/components/require-session";
import { useImpactSummary } from "@/features/analytics/api/get-impact-summary";
import { formatDate, formatKg } from "@/lib/format";

const ImpactCharts = lazy(() => import("@/features/analytics/components/impact-charts"));

function Impact() {
  const summary = useImpactSummary();
  const s = summary.data;
  return (
    <section>
      <h1>Impact</h1>
      {summary.isPending ? <Loading /> : null}
      {summary.isError ? <ErrorPanel error={summary.error} onRetry={() => void summary.refetch()} /> : null}
      {s ? (
        <>
          <p className="note">
            Factor version <strong>{s.factor_version}</strong>, as of <time dateTime={s.as_of}>{formatDate(s.as_of)}</time> (computed{" "}
            {formatDate(s.computed_at)} by {s.engine}); {s.unrated_products} products unrated.
          </p>
          <dl className="stats">
            <div>
              <dt>Orders</dt>
              <dd>{s.platform.orders}</dd>
            </div>
            <div>
              <dt>Emitted</dt>
              <dd>{formatKg(s.platform.kg_co2e ?? 0)}</dd>
            </div>
            <div>
              <dt>Saved vs conventional</dt>
              <dd>{formatKg(s.platform.saved_kg_co2e ?? 0)}</dd>
            </div>
          </dl>
          <ErrorBoundary title="The charts could not be drawn">
            <Suspense fallback={<Loading label="Drawing the charts" />}>
              <ImpactCharts summary={s} />
            </Suspense>
          </ErrorBoundary>
        </>
      ) : null}
    </section>
  );
}

export default function ImpactRoute() {
  return (
    <RequireSession roles={["analyst", "admin"]}>
      <Impact />
    </RequireSession>
  );
}
