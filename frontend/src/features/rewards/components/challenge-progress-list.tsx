import { Link } from "react-router";
import type { ChallengeProgress } from "@/features/rewards/api/get-my-rewards";
import { GoalProgress } from "@/features/rewards/components/goal-progress";
import { goalWords, STATUS_WORDS, windowWords } from "@/features/rewards/utils/goal";

type Props = { challenges: ChallengeProgress[]; href: (id: string) => string };

function outcome(c: ChallengeProgress): string {
  if (c.completed_at) return `Completed: ${c.rewarded_points} points earned.`;
  if (c.reached) return `Goal reached: ${c.reward_points} points once your orders are delivered.`;
  if (c.status === "ended") return "Ended before the goal was reached. There will be more.";
  if (c.status === "upcoming") return "Not started yet: orders placed from its first day count.";
  return `${c.reward_points} points when you reach it.`;
}

/** The challenges I joined, each with its progress toward the goal. */
export function ChallengeProgressList({ challenges, href }: Props) {
  if (challenges.length === 0) return <p>You have not joined a challenge yet.</p>;
  return (
    <ul className="cart-lines" aria-label="My challenges">
      {challenges.map((c) => (
        <li key={c.id} className="cart-line challenge-line">
          <h3>
            <Link to={href(c.id)}>{c.title}</Link>
          </h3>
          <p className="note">
            {STATUS_WORDS[c.status]} · {windowWords(c.starts_on, c.ends_on, c.time_zone)} · Goal: {goalWords(c.goal)}
          </p>
          <GoalProgress label={`Progress on ${c.title}`} goal={c.goal} progress={c.progress} />
          <p className="status">{outcome(c)}</p>
        </li>
      ))}
    </ul>
  );
}
