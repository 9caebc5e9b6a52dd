import { useMutation } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

/** The file name the server proposes (Content-Disposition), or ours. */
export function attachmentName(disposition: string | null, fallback: string): string {
  const match = disposition?.match(/filename="?([^";]+)"?/i);
  return match?.[1] ?? fallback;
}

/** Save `text` as a file: a link needs the bearer token, so the credential is fetched, then handed over as a Blob. */
export function saveText(text: string, fileName: string, type: string): void {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1_000);
}

function parseProblem(body: unknown): unknown {
  if (typeof body !== "string") return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** One of my badges as a signed credential (VC-JWT), saved as a file. */
export function useDownloadCredential() {
  return useMutation({
    mutationFn: async (badgeId: string) => {
      const result = await api.GET("/api/v1/me/badges/{badge_id}/credential", {
        params: { path: { badge_id: badgeId } },
        parseAs: "text",
      });
      // Read as text, a problem body is JSON text: parsed again so that its words reach the error panel.
      const token = unwrap({ ...result, error: result.error === undefined ? undefined : parseProblem(result.error) });
      const name = attachmentName(result.response.headers.get("Content-Disposition"), `ecolaura-${badgeId}.jwt`);
      saveText(token, name, "application/vc+jwt");
      return name;
    },
  });
}
