import createClient, { type Middleware } from "openapi-fetch";
import { getSession, setSession } from "@/lib/auth";
import { networkError } from "@/lib/api/problem";
import type { paths } from "@/lib/api/schema";

const REFRESH_PATH = "/api/v1/auth/refresh";
const NO_BEARER = ["/api/v1/auth/signin", "/api/v1/auth/signup", REFRESH_PATH];

// Each request as it was before the first send: a body can be read only once.
const originals = new Map<string, Request>();
let refreshing: Promise<string | null> | null = null;

/** One refresh shared by every request that got a 401 meanwhile; null when it failed. */
export function refreshOnce(fetchImpl: typeof fetch = fetchOrExplain): Promise<string | null> {
  if (refreshing) return refreshing;
  const session = getSession();
  if (!session) return Promise.resolve(null);
  refreshing = (async () => {
    try {
      const response = await fetchImpl(
        new Request(new URL(REFRESH_PATH, window.location.origin), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ refresh_token: session.refreshToken }),
        }),
      );
      if (!response.ok) {
        // Reused or expired: the session is over; never try the same token again.
        setSession(null);
        return null;
      }
      const tokens = (await response.json()) as { access_token: string; refresh_token: string; roles: string[]; user_id: string };
      setSession({
        ...session,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        roles: tokens.roles,
        userId: tokens.user_id,
      });
      return tokens.access_token;
    } catch {
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/**
 * A bearer token on every request; on a 401, one shared refresh, then the request
 * sent again once (from a copy made before the first send) and its answer kept,
 * whatever it is.
 */
export function authMiddleware(fetchImpl: typeof fetch = fetchOrExplain): Middleware {
  return {
    onRequest({ request, id, schemaPath }) {
      const session = getSession();
      if (session && !NO_BEARER.includes(schemaPath)) {
        request.headers.set("Authorization", `Bearer ${session.accessToken}`);
        originals.set(id, request.clone());
      }
      return request;
    },
    async onResponse({ response, id }) {
      const original = originals.get(id);
      originals.delete(id);
      if (response.status !== 401 || !original) return response;
      const token = await refreshOnce(fetchImpl);
      if (!token) return response;
      const again = new Request(original);
      again.headers.set("Authorization", `Bearer ${token}`);
      return fetchImpl(again);
    },
    onError({ id }) {
      originals.delete(id);
    },
  };
}

/** fetch, with a failure before any answer (offline, connection refused) turned into an ApiError with words. */
export const fetchOrExplain: typeof fetch = async (input, init) => {
  try {
    return await globalThis.fetch(input, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw networkError(error);
  }
};

export function makeClient(baseUrl: string, fetchImpl: typeof fetch = fetchOrExplain) {
  const client = createClient<paths>({ baseUrl, fetch: fetchImpl });
  client.use(authMiddleware(fetchImpl));
  return client;
}

export const api = makeClient(typeof window === "undefined" ? "http://localhost" : window.location.origin);
