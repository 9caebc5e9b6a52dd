import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

/** The product card: content, price and live stock (kept fresh: stale after 10 s). */
export function getProductQueryOptions(productId: string) {
  return queryOptions({
    queryKey: ["catalog", "products", productId],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/v1/catalog/products/{product_id}", { params: { path: { product_id: productId } }, signal })),
    staleTime: 10_000,
  });
}

export function useProduct(productId: string) {
  return useQuery(getProductQueryOptions(productId));
}
