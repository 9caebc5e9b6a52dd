import { useMutation } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { components } from "@/lib/api/schema";

export type AdvisorAnswer = components["schemas"]["AdvisorAnswer"];
export type Fact = components["schemas"]["Fact"];
export type Suggestion = components["schemas"]["Suggestion"];

/** One question to the advisor: every number in its answer is one of the answer's facts. */
export async function askAdvisor(
  question: string,
  signal?: AbortSignal,
  options: Omit<components["schemas"]["AdvisorQuestion"], "question"> = {},
): Promise<AdvisorAnswer> {
  return unwrap(await api.POST("/api/v1/advisor/ask", { body: { question, ...options }, signal }));
}

/** The chat panel's question; the panel keeps the exchange (the server keeps no conversation). */
export function useAskAdvisor() {
  return useMutation({ mutationFn: (question: string) => askAdvisor(question) });
}
