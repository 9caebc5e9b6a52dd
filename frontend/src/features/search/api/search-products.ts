import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { paths } from "@/lib/api/schema";

export type SearchParams = NonNullable<paths["/api/v1/search"]["get"]["parameters"]["query"]>;

export function getSearchQueryOptions(params: SearchParams) {
  return queryOptions({
    queryKey: ["search", params],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/v1/search", { params: { query: params }, signal })),
    placeholderData: keepPreviousData,
  });
}

export function useSearch(params: SearchParams) {
  return useQuery(getSearchQueryOptions(params));
}
