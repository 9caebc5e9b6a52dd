import { useId } from "react";
import { measureWords, percentOf, type Goal } from "@/features/rewards/utils/goal";

type Props = { label: string; goal: Goal; progress: number };

/** How far along a goal is: a labelled <progress> (the progressbar role) and the figures in words. */
export function GoalProgress({ label, goal, progress }: Props) {
  const id = useId();
  const percent = percentOf(progress, goal.threshold);
  const shown = Math.min(progress, goal.threshold);
  return (
    <div className="job">
      <label htmlFor={id}>{label}</label>
      <progress
        id={id}
        max={100}
        value={percent}
        aria-valuetext={`${percent}%: ${measureWords(goal.measure, round(shown))} of ${measureWords(goal.measure, goal.threshold)}`}
      >
        {percent}%
      </progress>
      <p className="note">
        {percent}% — {measureWords(goal.measure, round(progress))} of {measureWords(goal.measure, goal.threshold)}
      </p>
    </div>
  );
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
