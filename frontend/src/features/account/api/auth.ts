import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, COOKIE_MODE } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { components } from "@/lib/api/schema";
import { getSession, setSession } from "@/lib/auth";

type Tokens = components["schemas"]["TokensOut"];

// The refresh token comes as an HttpOnly cookie (COOKIE_MODE); only the access token is kept, in memory.
function keep(tokens: Tokens, email: string): void {
  setSession({
    accessToken: tokens.access_token,
    userId: tokens.user_id,
    roles: tokens.roles,
    email,
  });
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: components["schemas"]["SignInIn"]) => {
      keep(unwrap(await api.POST("/api/v1/auth/signin", { body, params: { header: COOKIE_MODE } })), body.email);
    },
    onSuccess: () => client.removeQueries({ queryKey: ["me"] }),
  });
}

export function useSignUp() {
  return useMutation({
    mutationFn: async (body: components["schemas"]["SignUpIn"]) => {
      keep(unwrap(await api.POST("/api/v1/auth/signup", { body, params: { header: COOKIE_MODE } })), body.email);
    },
  });
}

/** Sign out here at once; tell the server too (it revokes the session and clears the cookie), whatever it answers. */
export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const session = getSession();
      try {
        if (session) await api.POST("/api/v1/auth/signout");
      } finally {
        setSession(null);
        client.removeQueries({ queryKey: ["me"] });
      }
    },
  });
}
