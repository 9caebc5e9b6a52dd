import { ErrorPanel } from "@/components/errors/error-panel";
import type { BadgeView } from "@/features/rewards/api/get-my-rewards";
import { useDownloadCredential } from "@/features/rewards/api/download-credential";
import { formatDate } from "@/lib/format";

/** My badges, each with its signed credential to download. */
export function BadgeList({ badges }: { badges: BadgeView[] }) {
  const download = useDownloadCredential();
  if (badges.length === 0) return <p>No badges yet: your first delivered order earns one.</p>;
  return (
    <>
      <ul className="badge-list" aria-label="Badges">
        {badges.map((badge) => (
          <li key={badge.id} className="badge-card">
            <h3>{badge.name}</h3>
            <p>{badge.description}</p>
            <p className="note">
              {badge.criteria} Earned {formatDate(badge.earned_at)}.
            </p>
            <button
              type="button"
              aria-label={`Download credential for ${badge.name}`}
              disabled={download.isPending && download.variables === badge.id}
              onClick={() => download.mutate(badge.id)}
            >
              Download credential
            </button>
          </li>
        ))}
      </ul>
      {download.isSuccess ? <p role="status">Saved {download.data}: a signed Open Badges credential you can share.</p> : null}
      {download.isError ? <ErrorPanel error={download.error} title="The credential could not be downloaded" /> : null}
    </>
  );
}
