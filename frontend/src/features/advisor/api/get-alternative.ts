import { queryOptions, useQuery } from "@tanstack/react-query";
import { askAdvisor } from "@/features/advisor/api/ask-advisor";

/** The advisor's greener alternatives to one product (it finds the product by its id in the question). */
export function getAlternativeQueryOptions(productId: string) {
  return queryOptions({
    queryKey: ["advisor", "alternative", productId],
    queryFn: ({ signal }) => askAdvisor(`greener alternative to ${productId}`, signal),
    staleTime: 5 * 60_000,
  });
}

export function useAlternative(productId: string) {
  return useQuery(getAlternativeQueryOptions(productId));
}
