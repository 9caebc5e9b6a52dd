import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "@/lib/api/problem";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // Retry only what may pass on a second try (offline, 5xx); a 4xx is an answer.
        retry: (count, error) => count < 2 && (!(error instanceof ApiError) || error.retryable),
        refetchOnWindowFocus: false,
        // Offline, fetch and fail like any other error: the page says so and offers "Try again",
        // instead of waiting silently (TanStack's default pauses queries while offline).
        networkMode: "always",
        retryDelay: (count) => Math.min(500 * 2 ** count, 4000),
      },
      mutations: { retry: false, networkMode: "always" },
    },
  });
}

/** The app's one client: the provider hands it to React, route loaders prefetch into it. */
export const queryClient = makeQueryClient();
