import { beforeEach, describe, expect, it, vi } from "vitest";
import { makeClient, restoreSession } from "@/lib/api/client";
import { getSession, getSessionState, setSession } from "@/lib/auth";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

function signedIn() {
  setSession({ accessToken: "old", userId: "u", roles: ["customer"] });
}

describe("the auth middleware", () => {
  beforeEach(() => setSession(null));

  it("refreshes once on a 401 and resends a copy of the request, body included", async () => {
    signedIn();
    const seen: { url: string; auth: string | null; body: string; mode: string | null; credentials: string }[] = [];
    const fetchImpl = vi.fn(async (input: RequestInfo | URL) => {
      const request = input as Request;
      seen.push({
        url: request.url,
        auth: request.headers.get("Authorization"),
        body: await request.clone().text(),
        mode: request.headers.get("X-Ecolaura-Session"),
        credentials: request.credentials,
      });
      if (request.url.endsWith("/auth/refresh")) {
        return json(200, { access_token: "new", refresh_token: null, user_id: "u", roles: ["customer"], expires_in: 900 });
      }
      return request.headers.get("Authorization") === "Bearer new" ? json(201, { id: "o1" }) : json(401, { detail: "expired" });
    });
    const client = makeClient("http://shop.test", fetchImpl);
    const order = { lines: [{ product_id: "p", quantity: 1 }], shipping: { country: "FR" as const } };
    const result = await client.POST("/api/v1/orders", { body: order });
    expect(result.data).toEqual({ id: "o1" });
    expect(seen.map((s) => s.url.split("/api/v1")[1])).toEqual(["/orders", "/auth/refresh", "/orders"]);
    expect(seen[2]?.body).toBe(seen[0]?.body);
    // The refresh sends no token: the HttpOnly cookie carries it, with the header the API requires.
    expect(seen[1]).toMatchObject({ body: "", auth: null, mode: "cookie", credentials: "same-origin" });
    expect(getSession()?.accessToken).toBe("new");
    expect(JSON.stringify(localStorage)).not.toContain("new"); // the access token stays in memory
  });

  it("shares one refresh between requests that fail together", async () => {
    signedIn();
    let refreshes = 0;
    const fetchImpl = vi.fn(async (input: RequestInfo | URL) => {
      const request = input as Request;
      if (request.url.endsWith("/auth/refresh")) {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        return json(200, { access_token: "new", refresh_token: null, user_id: "u", roles: [], expires_in: 900 });
      }
      return request.headers.get("Authorization") === "Bearer new" ? json(200, { ok: true }) : json(401, { detail: "expired" });
    });
    const client = makeClient("http://shop.test", fetchImpl);
    const answers = await Promise.all([client.GET("/api/v1/me/dashboard"), client.GET("/api/v1/me/orders"), client.GET("/api/v1/me/dashboard")]);
    expect(refreshes).toBe(1);
    expect(answers.every((a) => a.response.status === 200)).toBe(true);
  });

  it("never retries a refused refresh (token reuse): the 401 is the answer and the session ends", async () => {
    signedIn();
    const fetchImpl = vi.fn((input: RequestInfo | URL) => {
      const request = input as Request;
      if (request.url.endsWith("/auth/refresh")) return Promise.resolve(json(401, { detail: "refresh token reused: signed out everywhere" }));
      return Promise.resolve(json(401, { detail: "expired" }));
    });
    const client = makeClient("http://shop.test", fetchImpl);
    const result = await client.GET("/api/v1/me/dashboard");
    expect(result.response.status).toBe(401);
    expect(fetchImpl).toHaveBeenCalledTimes(2);
    expect(getSession()).toBeNull();
  });

  it("accepts the resent request's answer whatever it is (no loop on a second 401)", async () => {
    signedIn();
    const fetchImpl = vi.fn((input: RequestInfo | URL) => {
      const request = input as Request;
      if (request.url.endsWith("/auth/refresh")) {
        return Promise.resolve(json(200, { access_token: "new", refresh_token: null, user_id: "u", roles: [], expires_in: 900 }));
      }
      return Promise.resolve(json(401, { detail: "still no" }));
    });
    const client = makeClient("http://shop.test", fetchImpl);
    const result = await client.GET("/api/v1/me/dashboard");
    expect(result.response.status).toBe(401);
    expect(fetchImpl).toHaveBeenCalledTimes(3);
  });

  it("sends no bearer token to sign-in", async () => {
    signedIn();
    const fetchImpl = vi.fn((input: RequestInfo | URL) => {
      expect((input as Request).headers.get("Authorization")).toBeNull();
      return Promise.resolve(json(401, { detail: "wrong email or password" }));
    });
    const client = makeClient("http://shop.test", fetchImpl);
    await client.POST("/api/v1/auth/signin", { body: { email: "a@b.cd", password: "0123456789" } });
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });
});

describe("a reload", () => {
  beforeEach(() => setSession(null));

  it("restores the session from the refresh cookie when someone was signed in here", async () => {
    setSession({ accessToken: "gone", userId: "u", roles: ["customer"], email: "ada@example.com" });
    expect(localStorage.getItem("ecolaura.signed-in")).toBe("ada@example.com");
    const fetchImpl = vi.fn((input: RequestInfo | URL) => {
      expect((input as Request).url).toMatch(/\/api\/v1\/auth\/refresh$/);
      return Promise.resolve(json(200, { access_token: "fresh", refresh_token: null, user_id: "u", roles: ["customer"], expires_in: 900 }));
    });
    setSession(null);
    localStorage.setItem("ecolaura.signed-in", "ada@example.com"); // what a reload finds: a hint, no token
    await restoreSession(fetchImpl);
    expect(getSessionState()).toEqual({ session: { accessToken: "fresh", userId: "u", roles: ["customer"], email: "ada@example.com" }, restoring: false });
  });

  it("asks nothing when nobody was signed in, and forgets the hint when the cookie is refused", async () => {
    const fetchImpl = vi.fn(() => Promise.resolve(json(401, { detail: "no refresh token" })));
    await restoreSession(fetchImpl);
    expect(fetchImpl).not.toHaveBeenCalled();
    localStorage.setItem("ecolaura.signed-in", "");
    await restoreSession(fetchImpl);
    expect(fetchImpl).toHaveBeenCalledTimes(1);
    expect(getSessionState()).toEqual({ session: null, restoring: false });
    expect(localStorage.getItem("ecolaura.signed-in")).toBeNull();
  });
});
