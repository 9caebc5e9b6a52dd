import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { components } from "@/lib/api/schema";

export type ProductImpact = components["schemas"]["ProductImpact"];

/** The footprint stage by stage, with every factor's source (changes only with the product or factors). */
export function getProductImpactQueryOptions(productId: string) {
  return queryOptions({
    queryKey: ["impact", "products", productId],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/v1/impact/products/{product_id}", { params: { path: { product_id: productId } }, signal })),
    staleTime: 5 * 60_000,
  });
}

export function useProductImpact(productId: string) {
  return useQuery(getProductImpactQueryOptions(productId));
}
