import { ErrorPanel } from "@/components/errors/error-panel";
import { useSetLeaderboardVisibility } from "@/features/rewards/api/set-leaderboard-visibility";

/**
 * Appear on the leaderboards (under a pseudonym) or on none: a checkbox shown from the mutation's
 * variables once it is sent, so the choice stays put while my rewards are read again.
 */
export function VisibilityToggle({ visible }: { visible: boolean }) {
  const set = useSetLeaderboardVisibility();
  const shown = set.isPending || set.isSuccess ? set.variables : visible;
  return (
    <div>
      <label className="checkbox">
        <input type="checkbox" checked={shown} disabled={set.isPending} onChange={(e) => set.mutate(e.target.checked)} /> Show me on the
        leaderboards (under a pseudonym, never my name)
      </label>
      {set.isSuccess ? <p role="status">{set.data.visibility.visible ? "You appear on the leaderboards." : "You are on no leaderboard."}</p> : null}
      {set.isError ? <ErrorPanel error={set.error} title="The setting was not saved" /> : null}
    </div>
  );
}
