import { useMutation } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

export const ERASE_PHRASE = "erase my personal data";

export function useExportData() {
  return useMutation({
    mutationFn: async () => unwrap(await api.GET("/api/v1/me/export")),
  });
}

/** Erase the caller's personal data; the caller then signs out (after leaving pages that need a session). */
export function useEraseData() {
  return useMutation({
    mutationFn: async (confirm: typeof ERASE_PHRASE) => unwrap(await api.POST("/api/v1/me/erase", { body: { confirm } })),
  });
}
