import { ErrorPanel } from "@/components/errors/error-panel";
import { useDeadLetters, useResolveDeadLetter } from "@/features/admin/api/projections";

// A parked event's fields come as the projector stored them (JSON without a fixed shape).
const text = (value: unknown) => (typeof value === "string" || typeof value === "number" ? String(value) : "");

export function DeadLetters({ name }: { name: string }) {
  const letters = useDeadLetters(name, true);
  const resolve = useResolveDeadLetter();
  if (letters.isError) return <ErrorPanel error={letters.error} onRetry={() => void letters.refetch()} />;
  const open = (letters.data ?? []) as Record<string, unknown>[];
  return (
    <>
      {open.length === 0 ? <p>No open dead letters.</p> : null}
      <ul className="dead-letters" aria-label={`Dead letters of ${name}`} hidden={open.length === 0}>
        {open.map((letter) => {
          const position = Number(letter.position);
          return (
            <li key={position}>
              Event {text(letter.event_type) || "?"} at position {position}: {text(letter.error)}{" "}
              <button type="button" onClick={() => resolve.mutate({ name, position, action: "retry" })} disabled={resolve.isPending}>
                Retry event {position}
              </button>{" "}
              <button type="button" onClick={() => resolve.mutate({ name, position, action: "skip" })} disabled={resolve.isPending}>
                Skip event {position}
              </button>
            </li>
          );
        })}
      </ul>
      {resolve.isError ? <ErrorPanel error={resolve.error} title="The dead letter could not be resolved" /> : null}
      {resolve.isSuccess ? <p role="status">Done: the projection picks the event up again.</p> : null}
    </>
  );
}
