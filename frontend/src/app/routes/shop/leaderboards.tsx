import { useSearchParams } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { type Board, type Period, useLeaderboard } from "@/features/leaderboards/api/get-leaderboard";
import { formatKg } from "@/lib/format";

const PERIODS: { value: Period; label: string }[] = [
  { value: "week", label: "This week" },
  { value: "month", label: "This month" },
  { value: "all", label: "All time" },
];
const BOARDS: { value: Board; label: string }[] = [
  { value: "co2e-saved", label: "CO2e saved" },
  { value: "eco-points", label: "Eco points" },
];

export default function Leaderboards() {
  const [url, setUrl] = useSearchParams();
  const period = PERIODS.find((p) => p.value === url.get("period"))?.value ?? "week";
  const board = BOARDS.find((b) => b.value === url.get("board"))?.value ?? "co2e-saved";
  const result = useLeaderboard(board, period);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(url);
    next.set(key, value);
    setUrl(next);
  };
  return (
    <section>
      <h1>Leaderboards</h1>
      <div className="toolbar">
        <fieldset className="segmented">
          <legend>Board</legend>
          {BOARDS.map((b) => (
            <label key={b.value}>
              <input type="radio" name="board" checked={board === b.value} onChange={() => set("board", b.value)} /> {b.label}
            </label>
          ))}
        </fieldset>
        <fieldset className="segmented">
          <legend>Period</legend>
          {PERIODS.map((p) => (
            <label key={p.value}>
              <input type="radio" name="period" checked={period === p.value} onChange={() => set("period", p.value)} /> {p.label}
            </label>
          ))}
        </fieldset>
      </div>
      {result.isPending ? <Loading /> : null}
      {result.isError ? <ErrorPanel error={result.error} onRetry={() => void result.refetch()} /> : null}
      {result.data ? (
        <>
          <table className="leaderboard">
            <caption>
              {BOARDS.find((b) => b.value === board)?.label}, {PERIODS.find((p) => p.value === period)?.label.toLowerCase()} (
              {period === "all" ? "live" : `${result.data.period_key}, UTC, live`})
            </caption>
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Shopper</th>
                <th scope="col">{board === "co2e-saved" ? "Saved" : "Points"}</th>
              </tr>
            </thead>
            <tbody>
              {result.data.entries.map((entry) => (
                <tr key={entry.rank}>
                  <td>{entry.rank}</td>
                  <td>{entry.name}</td>
                  <td>{board === "co2e-saved" ? formatKg(entry.value) : entry.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.data.entries.length === 0 ? <p>Nobody on this board yet.</p> : null}
          {result.data.you ? <YourRank you={result.data.you} total={result.data.total} /> : null}
        </>
      ) : null}
    </section>
  );
}

function YourRank({ you, total }: { you: { rank: number | null; visible: boolean }; total: number }) {
  if (!you.visible) return <p className="muted">You chose not to appear on leaderboards (change it on your rewards page).</p>;
  if (you.rank === null) return <p className="muted">You are not on this board yet: a paid order puts you on it.</p>;
  return (
    <p role="status">
      You are <strong>#{you.rank}</strong> of {total}.
    </p>
  );
}
