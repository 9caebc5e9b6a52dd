import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { paths } from "@/lib/api/schema";

export type QuoteParams = paths["/api/v1/storefront/shipping"]["get"]["parameters"]["query"];

/** Each shipping method's fee and kg CO2e, shown before the shopper chooses. */
export function getShippingQuoteQueryOptions(params: QuoteParams) {
  return queryOptions({
    queryKey: ["storefront", "shipping", params],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/v1/storefront/shipping", { params: { query: params }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useShippingQuote(params: QuoteParams, enabled: boolean) {
  return useQuery({ ...getShippingQuoteQueryOptions(params), enabled });
}
