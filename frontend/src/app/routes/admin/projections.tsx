import { Fragment, useState } from "react";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { RequireSession } from "@/features/account/components/require-session";
import { useRunAnalytics } from "@/features/admin/api/jobs";
import { useProjections, useStartRebuild } from "@/features/admin/api/projections";
import { AdminNav } from "@/features/admin/components/admin-nav";
import { DeadLetters } from "@/features/admin/components/dead-letters";
import { JobProgress } from "@/features/admin/components/job-progress";

function seconds(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${value.toFixed(1)} s`;
}

function Projections() {
  const status = useProjections();
  const rebuild = useStartRebuild();
  const analytics = useRunAnalytics();
  const [jobs, setJobs] = useState<Record<string, string>>({});
  const [analyticsJob, setAnalyticsJob] = useState<string | null>(null);
  const [openLetters, setOpenLetters] = useState<string | null>(null);

  return (
    <section>
      <h1>Admin console</h1>
      <AdminNav />
      <h2>Projections</h2>
      <p className="note" aria-live="off">
        Refreshed every 2 seconds{status.data ? `; log head ${status.data.head ?? "empty"}` : ""}.
      </p>
      {status.isPending ? <Loading /> : null}
      {status.isError ? <ErrorPanel error={status.error} onRetry={() => void status.refetch()} /> : null}
      {rebuild.isError ? <ErrorPanel error={rebuild.error} title="The rebuild could not start" /> : null}
      {status.data ? (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Projections">
          <table className="projections">
            <thead>
              <tr>
                <th scope="col">Projection</th>
                <th scope="col">State</th>
                <th scope="col">Generation</th>
                <th scope="col">Checkpoint</th>
                <th scope="col">Lag</th>
                <th scope="col">Heartbeat</th>
                <th scope="col">Dead letters</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {status.data.projections.map((p) => (
                <Fragment key={p.name}>
                  <tr>
                    <th scope="row">{p.name}</th>
                    <td>
                      <span className={`state state-${p.state.replace(" ", "-")}`}>{p.state}</span>
                      {p.rebuilding_generation ? ` (rebuilding generation ${p.rebuilding_generation})` : ""}
                      {p.error ? <div className="error-text">{p.error}</div> : null}
                    </td>
                    <td>{p.generation}</td>
                    <td>{p.checkpoint ?? "—"}</td>
                    <td>
                      {p.lag_events} events, {seconds(p.lag_seconds)}
                    </td>
                    <td>{seconds(p.heartbeat_age_seconds)}</td>
                    <td>
                      {p.dead_letters ?? 0}{" "}
                      {(p.dead_letters ?? 0) > 0 ? (
                        <button type="button" onClick={() => setOpenLetters(openLetters === p.name ? null : p.name)}>
                          {openLetters === p.name ? "Hide" : "Show"} dead letters of {p.name}
                        </button>
                      ) : null}
                    </td>
                    <td>
                      <button
                        type="button"
                        disabled={rebuild.isPending}
                        onClick={() =>
                          rebuild.mutate(p.name, {
                            onSuccess: (job) => {
                              const id = job.job_id;
                              if (id) setJobs((current) => ({ ...current, [p.name]: id }));
                            },
                          })
                        }
                      >
                        Rebuild {p.name}
                      </button>
                    </td>
                  </tr>
                  {jobs[p.name] ? (
                    <tr>
                      <td colSpan={8}>
                        <JobProgress jobId={jobs[p.name] as string} label={`Rebuild of ${p.name}`} />
                      </td>
                    </tr>
                  ) : null}
                  {openLetters === p.name ? (
                    <tr>
                      <td colSpan={8}>
                        <DeadLetters name={p.name} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {status.data ? (
        <>
          <h2>Processes</h2>
          <ul className="processes">
            {status.data.processes.map((proc) => (
              <li key={`${proc.kind}-${proc.name}`}>
                {proc.kind} {proc.name}: {proc.alive ? "alive" : "not answering"}, heartbeat {seconds(proc.heartbeat_age_seconds)} ago{" "}
                {proc.detail ? `(${proc.detail})` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Analytics</h2>
      <p>Recompute footprints, impact summaries and leaderboards from the lake.</p>
      <button
        type="button"
        disabled={analytics.isPending}
        onClick={() => analytics.mutate("polars", { onSuccess: (job) => setAnalyticsJob(job.job_id ?? null) })}
      >
        Run analytics
      </button>
      {analytics.isError ? <ErrorPanel error={analytics.error} title="The analytics run could not start" /> : null}
      {analyticsJob ? <JobProgress jobId={analyticsJob} label="Analytics run" /> : null}
    </section>
  );
}

export default function ProjectionsRoute() {
  return (
    <RequireSession roles={["admin"]}>
      <Projections />
    </RequireSession>
  );
}
