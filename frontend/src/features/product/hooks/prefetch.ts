import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { getProductQueryOptions } from "@/features/product/api/get-product";
import { getProductImpactQueryOptions } from "@/features/product/api/get-product-impact";

/** Fill the cache for a product page before it is opened (hover, focus). */
export function usePrefetchProduct(): (id: string) => void {
  const client = useQueryClient();
  return useCallback(
    (id: string) => {
      void client.prefetchQuery(getProductQueryOptions(id));
      void client.prefetchQuery(getProductImpactQueryOptions(id));
    },
    [client],
  );
}
