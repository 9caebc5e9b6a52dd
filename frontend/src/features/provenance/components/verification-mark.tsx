import type { EventCheck, HeadCheck } from "@/features/provenance/utils/verify";

/** One event's mark: verified in this browser, or exactly what failed. */
export function VerificationMark({ check }: { check: EventCheck | undefined }) {
  if (!check) return <span className="mark mark-checking">Checking…</span>;
  switch (check.status) {
    case "verified":
      return <span className="mark mark-ok">✓ Verified in your browser</span>;
    case "included":
      return <span className="mark mark-ok">✓ Included in the log (its signature could not be checked in this browser)</span>;
    case "pending":
      return <span className="mark mark-pending">Awaiting the next signed tree head</span>;
    case "failed":
      return <span className="mark mark-failed">✗ Not verified: {check.reason}</span>;
  }
}

export function HeadSummary({ head }: { head: HeadCheck }) {
  switch (head.status) {
    case "verified":
      return <>its Ed25519 signature checks out with the published key {head.keyId.slice(0, 12)}…</>;
    case "unsupported":
      return <>its signature was not checked: {head.reason}</>;
    case "failed":
      return <>it failed: {head.reason}</>;
    case "none":
      return <>no tree head has been signed yet</>;
  }
}
