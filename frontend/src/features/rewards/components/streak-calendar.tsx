import type { StreakView } from "@/features/rewards/api/get-my-rewards";

const WEEKS = 12;
const DAY = 86_400_000;

export type WeekCell = { monday: string; state: "active" | "frozen" | "missed" | "current" };

/**
 * The last `WEEKS` weeks, oldest first, ending with the API's `this_week` (a Monday in the shopper's
 * time zone, as the streak's weeks are); this week, not over yet, is "current" unless it already counts.
 */
export function weekCells(streak: Pick<StreakView, "active_weeks" | "frozen_weeks" | "this_week">): WeekCell[] {
  const active = new Set(streak.active_weeks);
  const frozen = new Set(streak.frozen_weeks);
  const last = Date.parse(`${streak.this_week}T00:00:00Z`);
  return Array.from({ length: WEEKS }, (_, i) => {
    const monday = new Date(last - (WEEKS - 1 - i) * 7 * DAY).toISOString().slice(0, 10);
    const state = active.has(monday) ? "active" : frozen.has(monday) ? "frozen" : i === WEEKS - 1 ? "current" : "missed";
    return { monday, state };
  });
}

const WORDS: Record<WeekCell["state"], string> = {
  active: "ordered",
  frozen: "kept by a streak freeze",
  missed: "no order",
  current: "this week, no order yet",
};
const MARKS: Record<WeekCell["state"], string> = { active: "●", frozen: "❄", missed: "", current: "…" };

function weekLabel(monday: string): string {
  const date = new Date(`${monday}T00:00:00Z`);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
}

/** The weekly streak: twelve weeks as a row of cells, and the API's kind words about it. */
export function StreakCalendar({ streak }: { streak: StreakView }) {
  const cells = weekCells(streak);
  return (
    <section aria-labelledby="streak-heading">
      <h2 id="streak-heading">Weekly streak</h2>
      <p className={`streak-message streak-${streak.status}`}>{streak.message}</p>
      <p className="note">
        Current {streak.current} week{streak.current === 1 ? "" : "s"}, best {streak.best}.{" "}
        {streak.freeze_available
          ? "A streak freeze is ready: one missed week a month keeps your run."
          : "This month's streak freeze is used."}
      </p>
      <ol className="streak-calendar" aria-label="The last 12 weeks">
        {cells.map((cell) => (
          <li key={cell.monday} className={`week week-${cell.state}`} title={`Week of ${weekLabel(cell.monday)}: ${WORDS[cell.state]}`}>
            <span aria-hidden="true">{MARKS[cell.state]}</span>
            <span className="visually-hidden">
              Week of {weekLabel(cell.monday)}: {WORDS[cell.state]}
            </span>
          </li>
        ))}
      </ol>
      <p className="note" aria-hidden="true">
        ● ordered · ❄ kept by a freeze · empty: no order ({streak.time_zone} weeks, Monday to Sunday)
      </p>
    </section>
  );
}
