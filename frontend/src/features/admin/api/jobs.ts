import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

export const FINISHED = ["done", "failed", "cancelled"];

/** One job, polled each second until it is finished (then the polling stops). */
export function useJob(jobId: string) {
  return useQuery({
    queryKey: ["admin", "jobs", jobId],
    queryFn: async ({ signal }) => unwrap(await api.GET("/api/v1/admin/jobs/{job_id}", { params: { path: { job_id: jobId } }, signal })),
    refetchInterval: (query) => (FINISHED.includes(query.state.data?.state ?? "") ? false : 1000),
    staleTime: 0,
  });
}

export function useCancelJob() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (jobId: string) => unwrap(await api.DELETE("/api/v1/admin/jobs/{job_id}", { params: { path: { job_id: jobId } } })),
    onSuccess: (_, jobId) => client.invalidateQueries({ queryKey: ["admin", "jobs", jobId] }),
  });
}

export function useRunAnalytics() {
  return useMutation({
    mutationFn: async (engine: "polars" | "duckdb") => unwrap(await api.POST("/api/v1/admin/analytics/run", { body: { engine } })),
  });
}
