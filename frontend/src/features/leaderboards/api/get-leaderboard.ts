import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

export type Board = "co2e-saved" | "eco-points";
export type Period = "week" | "month" | "all";

export function getLeaderboardQueryOptions(board: Board, period: Period) {
  return queryOptions({
    queryKey: ["leaderboards", board, period],
    queryFn: async ({ signal }) =>
      unwrap(await api.GET("/api/v1/leaderboards/{board}", { params: { path: { board }, query: { period } }, signal })),
    staleTime: 60_000,
  });
}

export function useLeaderboard(board: Board, period: Period) {
  return useQuery(getLeaderboardQueryOptions(board, period));
}
