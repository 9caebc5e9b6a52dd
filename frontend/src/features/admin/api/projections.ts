import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

/** Projections, processes and the log's head; refreshed every 2 s while the page is open. */
export function getProjectionsQueryOptions() {
  return queryOptions({
    queryKey: ["admin", "projections"],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/v1/admin/projections", { signal })),
    refetchInterval: 2000,
    staleTime: 0,
  });
}

export function useProjections() {
  return useQuery(getProjectionsQueryOptions());
}

export function useDeadLetters(name: string, enabled: boolean) {
  return useQuery({
    queryKey: ["admin", "projections", name, "dead-letters"],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/v1/admin/projections/{name}/dead-letters", { params: { path: { name } }, signal })),
    enabled,
    refetchInterval: 5000,
  });
}

export function useResolveDeadLetter() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ name, position, action }: { name: string; position: number; action: "retry" | "skip" }) => {
      const options = { params: { path: { name, position } } };
      return unwrap(
        action === "retry"
          ? await api.POST("/api/v1/admin/projections/{name}/dead-letters/{position}/retry", options)
          : await api.POST("/api/v1/admin/projections/{name}/dead-letters/{position}/skip", options),
      );
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "projections"] }),
  });
}

export function useStartRebuild() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) =>
      unwrap(await api.POST("/api/v1/admin/projections/{name}/rebuild", { params: { path: { name } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "projections"] }),
  });
}
