import { useState } from "react";
import { useNavigate } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { paths } from "@/config/paths";
import { ERASE_PHRASE, useEraseData, useExportData } from "@/features/account/api/privacy";
import { RequireSession } from "@/features/account/components/require-session";
import { setSession } from "@/lib/auth";

function Privacy() {
  const exportData = useExportData();
  const erase = useEraseData();
  const navigate = useNavigate();
  const [phrase, setPhrase] = useState("");
  return (
    <section>
      <h1>Your data</h1>
      <h2>Export</h2>
      <p>Download everything we hold about you, as JSON.</p>
      <button
        type="button"
        disabled={exportData.isPending}
        onClick={() =>
          exportData.mutate(undefined, {
            onSuccess: (data) => {
              const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
              const link = document.createElement("a");
              link.href = URL.createObjectURL(blob);
              link.download = "ecolaura-my-data.json";
              link.click();
              URL.revokeObjectURL(link.href);
            },
          })
        }
      >
        {exportData.isPending ? "Preparing…" : "Export my data"}
      </button>
      {exportData.isSuccess ? <p role="status">Your data was downloaded (ecolaura-my-data.json).</p> : null}
      {exportData.isError ? <ErrorPanel error={exportData.error} title="The export failed" /> : null}
      <h2>Erase</h2>
      <p>
        Erasure cannot be undone: your name, email and addresses are removed; orders stay under a pseudonym for the
        accounts. To go ahead, type <strong>{ERASE_PHRASE}</strong> below.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (phrase !== ERASE_PHRASE) return;
          erase.mutate(ERASE_PHRASE, {
            onSuccess: () => {
              void navigate(paths.home.href());
              setSession(null); // the account is gone: so is its session
            },
          });
        }}
      >
        <label htmlFor="erase-phrase">Confirmation phrase</label>
        <input id="erase-phrase" value={phrase} onChange={(e) => setPhrase(e.target.value)} autoComplete="off" />
        {erase.isError ? <ErrorPanel error={erase.error} title="Your data could not be erased" /> : null}
        <button type="submit" className="danger" disabled={phrase !== ERASE_PHRASE || erase.isPending}>
          Erase my personal data
        </button>
      </form>
    </section>
  );
}

export default function PrivacyRoute() {
  return (
    <RequireSession>
      <Privacy />
    </RequireSession>
  );
}
