import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";
import type { components } from "@/lib/api/schema";
import { getSession, setSession } from "@/lib/auth";

type Tokens = components["schemas"]["TokensOut"];

function keep(tokens: Tokens, email: string): void {
  setSession({
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    userId: tokens.user_id,
    roles: tokens.roles,
    email,
  });
}

export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: components["schemas"]["SignInIn"]) => {
      keep(unwrap(await api.POST("/api/v1/auth/signin", { body })), body.email);
    },
    onSuccess: () => client.removeQueries({ queryKey: ["me"] }),
  });
}

export function useSignUp() {
  return useMutation({
    mutationFn: async (body: components["schemas"]["SignUpIn"]) => {
      keep(unwrap(await api.POST("/api/v1/auth/signup", { body })), body.email);
    },
  });
}

/** Sign out here at once; tell the server too (it revokes the refresh token), whatever it answers. */
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
