import type { ChallengeView } from "@/features/rewards/api/get-challenges";
import { goalWords, STATUS_WORDS, windowWords } from "@/features/rewards/utils/goal";

/** A challenge's facts as a description list: status, window, goal, reward, participants. */
export function ChallengeSummary({ challenge }: { challenge: ChallengeView }) {
  return (
    <dl className="stats">
      <div>
        <dt>Status</dt>
        <dd>{STATUS_WORDS[challenge.status]}</dd>
      </div>
      <div>
        <dt>When</dt>
        <dd>{windowWords(challenge.starts_on, challenge.ends_on, challenge.time_zone)}</dd>
      </div>
      <div>
        <dt>Goal</dt>
        <dd>{goalWords(challenge.goal)}</dd>
      </div>
      <div>
        <dt>Reward</dt>
        <dd>{challenge.reward_points.toLocaleString("en-GB")} eco points</dd>
      </div>
      <div>
        <dt>Participants</dt>
        <dd>
          {challenge.participants.toLocaleString("en-GB")} joined, {challenge.completions.toLocaleString("en-GB")} completed
        </dd>
      </div>
    </dl>
  );
}
