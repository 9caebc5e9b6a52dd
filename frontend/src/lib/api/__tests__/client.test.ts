import { beforeEach, describe, expect, it, vi } from "vitest";
import { makeClient } from "@/lib/api/client";
import { getSession, setSession } from "@/lib/auth";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

function signedIn() {
  setSession({ accessToken: "old", refreshToken: "r1", userId: "u", roles: ["customer"] });
}

describe("the auth middleware", () => {
  beforeEach(() => setSession(null));

  it("refreshes once on a 401 and resends a copy of the request, body included", async () => {
    signedIn();
    const seen: { url: string; auth: string | null; body: string }[] = [];
    const fetchImpl = vi.fn(async (input: RequestInfo | URL) => {
      const request = input as Request;
      seen.push({ url: request.url, auth: request.headers.get("Authorization"), body: await request.clone().text() });
      if (request.url.endsWith("/auth/refresh")) {
        return json(200, { access_token: "new", refresh_token: "r2", user_id: "u", roles: ["customer"], expires_in: 900 });
      }
      return request.headers.get("Authorization") === "Bearer new" ? json(201, { id: "o1" }) : json(401, { detail: "expired" });
    });
    const client = makeClient("http://shop.test", fetchImpl);
    const order = { lines: [{ product_id: "p", quantity: 1 }], shipping: { country: "FR" as const } };
    const result = await client.POST("/api/v1/orders", { body: order });
    expect(result.data).toEqual({ id: "o1" });
    expect(seen.map((s) => s.url.split("/api/v1")[1])).toEqual(["/orders", "/auth/refresh", "/orders"]);
    expect(seen[2]?.body).toBe(seen[0]?.body);
    expect(getSession()?.refreshToken).toBe("r2");
  });

  it("shares one refresh between requests that fail together", async () => {
    signedIn();
    let refreshes = 0;
    const fetchImpl = vi.fn(async (input: RequestInfo | URL) => {
      const request = input as Request;
      if (request.url.endsWith("/auth/refresh")) {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        return json(200, { access_token: "new", refresh_token: "r2", user_id: "u", roles: [], expires_in: 900 });
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
        return Promise.resolve(json(200, { access_token: "new", refresh_token: "r2", user_id: "u", roles: [], expires_in: 900 }));
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
