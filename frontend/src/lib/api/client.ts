import createClient, { type Middleware } from "openapi-fetch";
import { getSession, readHint, setRestoring, setSession } from "@/lib/auth";
import { networkError } from "@/lib/api/problem";
import type { paths } from "@/lib/api/schema";

const REFRESH_PATH = "/api/v1/auth/refresh";
const NO_BEARER = ["/api/v1/auth/signin", "/api/v1/auth/signup", REFRESH_PATH];

// Each request as it was before the first send: a body can be read only once.
const originals = new Map<string, Request>();
let refreshing: Promise<string | null> | null = null;

/** Ask for the refresh cookie: the header the API requires of a refresh from its cookie (CSRF). */
export const COOKIE_MODE = { "X-Ecolaura-Session": "cookie" } as const;

type Tokens = { access_token: string; roles: string[]; user_id: string };

/**
 * One refresh (from the HttpOnly cookie) shared by every request that got a 401 meanwhile; the new
 * access token, or null when it failed. A refused refresh ends the session: the cookie's token was
 * expired, or used already (which revoked the session), and is never tried again.
 */
export function refreshOnce(fetchImpl: typeof fetch = fetchOrExplain): Promise<string | null> {
  if (refreshing) return refreshing;
  const session = getSession();
  const hint = readHint();
  if (!session && hint === null) return Promise.resolve(null);
  const send = async (): Promise<string | null> => {
    const response = await fetchImpl(
      new Request(new URL(REFRESH_PATH, window.location.origin), { method: "POST", headers: COOKIE_MODE, credentials: "same-origin" }),
    );
    if (!response.ok) {
      setSession(null);
      return null;
    }
    const tokens = (await response.json()) as Tokens;
    setSession({ accessToken: tokens.access_token, roles: tokens.roles, userId: tokens.user_id, email: session?.email ?? (hint || undefined) });
    return tokens.access_token;
  };
  refreshing = (async () => {
    try {
      // Tabs share the cookie: one refresh at a time across them, or two would send the same
      // single-use token and the second would end the session (Web Locks, where the browser has them).
      const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
      return locks ? await locks.request("ecolaura-refresh", send) : await send();
    } catch {
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** After a reload: a new access token from the refresh cookie, when someone was signed in here. */
export async function restoreSession(fetchImpl: typeof fetch = fetchOrExplain): Promise<void> {
  if (getSession() || readHint() === null) {
    setRestoring(false);
    return;
  }
  setRestoring(true);
  try {
    await refreshOnce(fetchImpl);
  } finally {
    setRestoring(false);
  }
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
