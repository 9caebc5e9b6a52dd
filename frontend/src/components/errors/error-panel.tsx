import { ApiError, errorMessage } from "@/lib/api/problem";

type Props = { error: unknown; onRetry?: () => void; title?: string };

/** An API problem in words, with "Try again" when a second try may work (or when asked). */
export function ErrorPanel({ error, onRetry, title = "This could not be loaded" }: Props) {
  const retryable = !(error instanceof ApiError) || error.retryable;
  return (
    <div role="alert" className="error-panel">
      <p className="error-title">{title}</p>
      <p>{errorMessage(error)}</p>
      {onRetry && retryable ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
