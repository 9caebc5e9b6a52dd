import { queryOptions, useQuery } from "@tanstack/react-query";
import { askAdvisor } from "@/features/advisor/api/ask-advisor";

// The box shows the suggestions, not the answer's text: no language model is asked to word it.
const SUGGESTIONS_ONLY = { use_model: false } as const;

/** The advisor's greener alternatives to one product (it finds the product by its id in the question). */
export function getAlternativeQueryOptions(productId: string) {
  return queryOptions({
    queryKey: ["advisor", "alternative", productId],
    queryFn: ({ signal }) => askAdvisor(`greener alternative to ${productId}`, signal, SUGGESTIONS_ONLY),
    staleTime: 5 * 60_000,
  });
}

export function useAlternative(productId: string) {
  return useQuery(getAlternativeQueryOptions(productId));
}
