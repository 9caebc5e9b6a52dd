import { useRef, useState } from "react";
import { Link } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { type ChallengeCreate, useCreateChallenge } from "@/features/rewards/api/create-challenge";
import { MEASURES, type Measure } from "@/features/rewards/utils/goal";
import { formText } from "@/lib/form";

type Shipping = "" | "standard" | "express" | "slow-green";

function isoDay(offsetDays: number): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

const browserZone = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
})();

/** The form's values as the API's body. */
export function challengeFromForm(f: FormData): ChallengeCreate {
  const shipping = formText(f, "shipping_method") as Shipping;
  const certified = f.get("certified_only") === "on";
  return {
    title: formText(f, "title").trim(),
    description: formText(f, "description").trim(),
    goal: {
      measure: formText(f, "measure") as Measure,
      threshold: Number(f.get("threshold")),
      ...(shipping || certified ? { filter: { ...(shipping ? { shipping_method: shipping } : {}), ...(certified ? { certified_only: true } : {}) } } : {}),
    },
    starts_on: formText(f, "starts_on"),
    ends_on: formText(f, "ends_on"),
    // The server checks the name and says what is wrong with it (a 422 in words).
    time_zone: formText(f, "time_zone").trim() as ChallengeCreate["time_zone"],
    reward_points: Number(f.get("reward_points")),
  };
}

/** Create a challenge (admin); the server's problem (422 with the field in `detail`) is shown as it says it. */
export function CreateChallengeForm({ href }: { href: (id: string, position?: string | null) => string }) {
  const create = useCreateChallenge();
  const key = useRef(crypto.randomUUID());
  const [localError, setLocalError] = useState<string | null>(null);
  return (
    <form
      className="admin-form"
      aria-labelledby="new-challenge"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const challenge = challengeFromForm(new FormData(event.currentTarget));
        setLocalError(challenge.ends_on && challenge.starts_on && challenge.ends_on < challenge.starts_on ? "The last day must not be before the first day." : null);
        if (challenge.ends_on && challenge.starts_on && challenge.ends_on < challenge.starts_on) return;
        create.mutate({ challenge, key: key.current }, { onSuccess: () => (key.current = crypto.randomUUID()) });
      }}
    >
      <h2 id="new-challenge">New challenge</h2>
      <label htmlFor="ch-title">Title</label>
      <input id="ch-title" name="title" required maxLength={80} />
      <label htmlFor="ch-description">Description</label>
      <textarea id="ch-description" name="description" required maxLength={1000} />
      <fieldset>
        <legend>Goal</legend>
        <label htmlFor="ch-measure">Measure</label>
        <select id="ch-measure" name="measure" defaultValue="orders">
          {MEASURES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
        <label htmlFor="ch-threshold">How much is enough</label>
        <input id="ch-threshold" name="threshold" type="number" step="any" min="0" required defaultValue="3" />
        <label htmlFor="ch-shipping">Only orders shipped by</label>
        <select id="ch-shipping" name="shipping_method" defaultValue="">
          <option value="">Any method</option>
          <option value="standard">Standard</option>
          <option value="express">Express</option>
          <option value="slow-green">Slow &amp; green</option>
        </select>
        <label className="checkbox">
          <input type="checkbox" name="certified_only" /> Only orders with a certified product
        </label>
      </fieldset>
      <label htmlFor="ch-starts">First day</label>
      <input id="ch-starts" name="starts_on" type="date" required defaultValue={isoDay(0)} />
      <label htmlFor="ch-ends">Last day</label>
      <input id="ch-ends" name="ends_on" type="date" required defaultValue={isoDay(30)} />
      <label htmlFor="ch-zone">Time zone (IANA, e.g. Europe/Paris)</label>
      <input id="ch-zone" name="time_zone" required defaultValue={browserZone} autoComplete="off" />
      <label htmlFor="ch-reward">Reward (eco points)</label>
      <input id="ch-reward" name="reward_points" type="number" min="1" step="1" required defaultValue="100" />
      {localError ? (
        <p role="alert" className="error-text">
          {localError}
        </p>
      ) : null}
      {create.isError ? <ErrorPanel error={create.error} title="The challenge was not created" /> : null}
      {create.data ? (
        <p role="status">
          Created: <Link to={href(create.data.challenge.id, create.data.position)}>{create.data.challenge.title}</Link>
        </p>
      ) : null}
      <button type="submit" disabled={create.isPending}>
        Create challenge
      </button>
    </form>
  );
}
