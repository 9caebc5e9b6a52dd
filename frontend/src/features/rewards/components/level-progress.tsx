import { useId } from "react";
import type { MyRewards } from "@/features/rewards/api/get-my-rewards";

type Props = Pick<MyRewards, "balance" | "lifetime" | "order_points" | "challenge_points" | "level" | "next_level">;

/** Points, the level they reach, and how far it is to the next one. */
export function LevelProgress({ balance, lifetime, order_points, challenge_points, level, next_level }: Props) {
  const id = useId();
  const span = next_level ? next_level.min_points - level.min_points : 0;
  const percent = next_level && span > 0 ? Math.min(100, Math.floor(((lifetime - level.min_points) / span) * 100)) : 100;
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Points and level</h2>
      <dl className="stats">
        <div>
          <dt>Eco points to spend</dt>
          <dd>{balance.toLocaleString("en-GB")}</dd>
        </div>
        <div>
          <dt>Earned in all</dt>
          <dd>{lifetime.toLocaleString("en-GB")}</dd>
        </div>
        <div>
          <dt>From orders</dt>
          <dd>{order_points.toLocaleString("en-GB")}</dd>
        </div>
        <div>
          <dt>From challenges</dt>
          <dd>{challenge_points.toLocaleString("en-GB")}</dd>
        </div>
        <div>
          <dt>Level</dt>
          <dd>{level.name}</dd>
        </div>
      </dl>
      <div className="job">
        <label htmlFor={id}>{next_level ? `Progress to ${next_level.name}` : `${level.name}: the top level`}</label>
        <progress id={id} max={100} value={percent} aria-valuetext={`${percent}%`}>
          {percent}%
        </progress>
        <p className="note">
          {next_level
            ? `${(next_level.min_points - lifetime).toLocaleString("en-GB")} points to ${next_level.name} (at ${next_level.min_points.toLocaleString("en-GB")}).`
            : "You reached the top level. Thank you for shopping green."}
        </p>
      </div>
    </section>
  );
}
