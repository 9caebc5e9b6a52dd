import { Link } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { RequireSession } from "@/features/account/components/require-session";
import { useMyRewards } from "@/features/rewards/api/get-my-rewards";
import { BadgeList } from "@/features/rewards/components/badge-list";
import { ChallengeProgressList } from "@/features/rewards/components/challenge-progress-list";
import { LevelProgress } from "@/features/rewards/components/level-progress";
import { StreakCalendar } from "@/features/rewards/components/streak-calendar";
import { VisibilityToggle } from "@/features/rewards/components/visibility-toggle";

export function Rewards() {
  const rewards = useMyRewards();
  const r = rewards.data;
  return (
    <section>
      <h1>Your rewards</h1>
      <p>
        <Link to={paths.account.href()}>Back to your account</Link>
      </p>
      {rewards.isPending ? <Loading /> : null}
      {rewards.isError ? (
        <ErrorPanel error={rewards.error} onRetry={() => void rewards.refetch()} title="Your rewards could not be loaded" />
      ) : null}
      {r ? (
        <>
          <LevelProgress
            balance={r.balance}
            lifetime={r.lifetime}
            order_points={r.order_points}
            challenge_points={r.challenge_points}
            level={r.level}
            next_level={r.next_level}
          />
          <StreakCalendar streak={r.streak} />
          <section aria-labelledby="badges-heading">
            <h2 id="badges-heading">Badges</h2>
            <BadgeList badges={r.badges} />
          </section>
          <section aria-labelledby="challenges-heading">
            <h2 id="challenges-heading">My challenges</h2>
            <ChallengeProgressList challenges={r.challenges} href={(id) => paths.challenge.href(id)} />
            <p>
              <Link to={paths.challenges.href()}>See every challenge</Link>
            </p>
          </section>
          <section aria-labelledby="leaderboards-heading">
            <h2 id="leaderboards-heading">Leaderboards</h2>
            <VisibilityToggle visible={r.leaderboard_visible} />
            <p>
              <Link to={paths.leaderboards.href()}>See the leaderboards</Link>
            </p>
          </section>
        </>
      ) : null}
    </section>
  );
}

export default function RewardsRoute() {
  return (
    <RequireSession roles={["customer"]}>
      <Rewards />
    </RequireSession>
  );
}
