import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { ApiError, unwrap } from "@/lib/api/problem";
import type { components } from "@/lib/api/schema";

export type ProductCreate = components["schemas"]["ProductCreate"];
export type ProductUpdate = components["schemas"]["ProductUpdate"];

export function useCreateProduct() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ product, key }: { product: ProductCreate; key: string }) =>
      unwrap(await api.POST("/api/v1/products", { body: product, params: { header: { "Idempotency-Key": key } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["catalog"] }),
  });
}

/** A 412 is somebody else's edit in between: said so in words, with what to do. */
export function conflictMessage(error: unknown): string | null {
  if (error instanceof ApiError && error.status === 412) {
    return `Someone changed this product since you opened it (${error.message}). Reload it to see their changes, then make yours again.`;
  }
  return null;
}

export function useUpdateProduct() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, version, changes }: { id: string; version: number; changes: ProductUpdate }) =>
      unwrap(
        await api.PATCH("/api/v1/products/{product_id}", {
          params: { path: { product_id: id }, header: { "If-Match": `"${version}"` } },
          body: changes,
        }),
      ),
    onSuccess: (_, { id }) => client.invalidateQueries({ queryKey: ["catalog", "products", id] }),
  });
}

export function useAdjustStock() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, delta, note }: { id: string; delta: number; note?: string }) =>
      unwrap(await api.POST("/api/v1/products/{product_id}/stock", { params: { path: { product_id: id } }, body: { delta, note: note ?? null } })),
    onSuccess: (_, { id }) => client.invalidateQueries({ queryKey: ["catalog", "products", id] }),
  });
}
