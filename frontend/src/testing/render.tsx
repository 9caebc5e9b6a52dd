import { QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ComponentType } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { vi } from "vitest";
import { makeQueryClient } from "@/lib/query-client";

type Handler = (url: URL, request: Request) => Response | Promise<Response>;

export const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });

/** Answer the app's API calls by path; every request is recorded. Unknown paths are a 404 problem. */
export function mockApi(routes: Record<string, Handler>) {
  const calls: URL[] = [];
  vi.stubGlobal("fetch", async (input: RequestInfo | URL) => {
    const request = input instanceof Request ? input : new Request(input);
    const url = new URL(request.url);
    calls.push(url);
    const handler = routes[url.pathname];
    return handler ? handler(url, request) : json({ status: 404, title: "Not Found", detail: `no mock for ${url.pathname}` }, 404);
  });
  return calls;
}

/** One route of the app at `path`, with a fresh query client (no retries) and a memory router (returned). */
export function renderRoute(pattern: string, path: string, Component: ComponentType) {
  const client = makeQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: 0 } });
  const router = createMemoryRouter([{ path: pattern, Component }], { initialEntries: [path] });
  const view = render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...view, router };
}
