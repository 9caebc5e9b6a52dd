import { ErrorPanel } from "@/components/errors/error-panel";
import { FINISHED, useCancelJob, useJob } from "@/features/admin/api/jobs";

function eta(seconds: string | undefined): string {
  const s = Number(seconds);
  if (!seconds || !Number.isFinite(s)) return "estimating";
  return s < 60 ? `${Math.ceil(s)} s` : `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`;
}

/** The one component that polls a job: a progress bar with done/total, rate and ETA, and Cancel. */
export function JobProgress({ jobId, label }: { jobId: string; label: string }) {
  const job = useJob(jobId);
  const cancel = useCancelJob();
  if (job.isError) return <ErrorPanel error={job.error} onRetry={() => void job.refetch()} />;
  const j = job.data ?? {};
  const done = Number(j.done ?? 0);
  const total = Number(j.total ?? 0);
  const state = j.state ?? "queued";
  const finished = FINISHED.includes(state);
  const percent = state === "done" ? 100 : total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 0;
  return (
    <div className="job">
      <label htmlFor={`job-${jobId}`}>
        {label}: {state}
      </label>
      <progress id={`job-${jobId}`} max={100} value={percent} aria-valuetext={`${percent}%`}>
        {percent}%
      </progress>
      <p className="job-figures" aria-live="polite">
        {percent}% — {done.toLocaleString()} / {total.toLocaleString()} events
        {!finished ? ` — ${j.rate ?? "0"} events/s — ETA ${eta(j.eta_seconds)}` : ""}
        {j.error ? ` — ${j.error}` : ""}
      </p>
      {state === "cancelled" ? (
        <p role="status">Cancelled: nothing was swapped, and the live generation keeps serving. Rebuilding again resumes where this one stopped.</p>
      ) : null}
      {!finished ? (
        <button type="button" onClick={() => cancel.mutate(jobId)} disabled={cancel.isPending || j.cancel_requested === "1"}>
          Cancel {label.toLowerCase()}
        </button>
      ) : null}
      {cancel.isError ? <ErrorPanel error={cancel.error} title="The job could not be cancelled" /> : null}
    </div>
  );
}
