import { Link, useSearchParams } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { useChallenges } from "@/features/rewards/api/get-challenges";
import { ChallengeSummary } from "@/features/rewards/components/challenge-summary";

export default function Challenges() {
  const [url, setUrl] = useSearchParams();
  const cursor = url.get("cursor") ?? undefined;
  const result = useChallenges(cursor);
  return (
    <section>
      <h1>Challenges</h1>
      <p>Join a challenge, shop green inside its window, and earn eco points once your orders are delivered.</p>
      {result.isPending ? <Loading /> : null}
      {result.isError ? <ErrorPanel error={result.error} onRetry={() => void result.refetch()} /> : null}
      {result.data ? (
        <>
          {result.data.items.length === 0 ? <p>No challenges yet: come back soon.</p> : null}
          <ul className="cart-lines" aria-label="Challenges">
            {result.data.items.map((challenge) => (
              <li key={challenge.id} className="cart-line challenge-line">
                <h2>
                  <Link to={paths.challenge.href(challenge.id)}>{challenge.title}</Link>
                </h2>
                <ChallengeSummary challenge={challenge} />
              </li>
            ))}
          </ul>
          <nav aria-label="Pages" className="pager">
            {cursor ? (
              <button type="button" onClick={() => setUrl({})}>
                First page
              </button>
            ) : null}
            {result.data.next_cursor ? (
              <button type="button" onClick={() => setUrl({ cursor: result.data.next_cursor ?? "" })}>
                More challenges
              </button>
            ) : null}
          </nav>
        </>
      ) : null}
    </section>
  );
}
