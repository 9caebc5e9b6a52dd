import { Link, useParams, useSearchParams } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { useChallenge } from "@/features/rewards/api/get-challenge";
import { useMyRewards } from "@/features/rewards/api/get-my-rewards";
import { ChallengeSummary } from "@/features/rewards/components/challenge-summary";
import { GoalProgress } from "@/features/rewards/components/goal-progress";
import { JoinButton } from "@/features/rewards/components/join-button";
import type { ChallengeView } from "@/features/rewards/api/get-challenges";
import { hasRole, useSession } from "@/lib/auth";

/** A customer's part: Join, or their progress once joined. */
function MyPart({ challenge }: { challenge: ChallengeView }) {
  const rewards = useMyRewards();
  if (rewards.isPending) return <Loading label="Loading your progress" />;
  const mine = rewards.data?.challenges.find((c) => c.id === challenge.id);
  return (
    <>
      {mine ? (
        <>
          <GoalProgress label="Your progress" goal={mine.goal} progress={mine.progress} />
          {mine.completed_at ? <p className="status">Completed: {mine.rewarded_points} points earned.</p> : null}
        </>
      ) : null}
      <JoinButton challenge={challenge} joined={!!mine} />
    </>
  );
}

export default function Challenge() {
  const { challengeId = "" } = useParams();
  const [url] = useSearchParams();
  const session = useSession();
  const result = useChallenge(challengeId, url.get("min_position"));
  const c = result.data;
  return (
    <section>
      <p>
        <Link to={paths.challenges.href()}>All challenges</Link>
      </p>
      {result.isPending ? <Loading /> : null}
      {result.isError ? <ErrorPanel error={result.error} onRetry={() => void result.refetch()} /> : null}
      {c ? (
        <>
          <h1>{c.title}</h1>
          <p>{c.description}</p>
          <ChallengeSummary challenge={c} />
          {hasRole(session, "customer") ? (
            <MyPart challenge={c} />
          ) : session ? null : (
            <p>
              <Link to={paths.signIn.href(paths.challenge.href(c.id))}>Sign in</Link> to join this challenge.
            </p>
          )}
        </>
      ) : null}
    </section>
  );
}
