import { ErrorPanel } from "@/components/errors/error-panel";
import { useJoinChallenge } from "@/features/rewards/api/join-challenge";
import { measureWords } from "@/features/rewards/utils/goal";
import type { ChallengeView } from "@/features/rewards/api/get-challenges";

/** Join (customers only; the route decides who sees it). A 409 (the challenge ended) is shown in the API's words. */
export function JoinButton({ challenge, joined }: { challenge: ChallengeView; joined: boolean }) {
  const join = useJoinChallenge();
  if (challenge.status === "ended") return <p className="note">This challenge has ended.</p>;
  const entry = join.data?.entry;
  return (
    <div>
      {joined || entry ? (
        <p role="status">
          You joined this challenge.
          {entry
            ? entry.completed
              ? " You already reached its goal."
              : ` So far: ${measureWords(challenge.goal.measure, Math.round(entry.progress * 100) / 100)} of ${measureWords(challenge.goal.measure, entry.threshold)}.`
            : ""}
        </p>
      ) : (
        <button type="button" disabled={join.isPending} onClick={() => join.mutate(challenge.id)}>
          {join.isPending ? "Joining…" : "Join this challenge"}
        </button>
      )}
      {join.isError ? <ErrorPanel error={join.error} title="You could not join" /> : null}
    </div>
  );
}
