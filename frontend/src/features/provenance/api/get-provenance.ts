import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api/client";
import { unwrap } from "@/lib/api/problem";

// The OpenAPI document types this answer as a free-form object (its events are EPCIS JSON as
// recorded); these are the fields the passport reads. The verifier trusts none of them.
export type TreeHead = { tree_size: number; root_hash: string; issued_at: string; key_id: string; signature: string };

export type QuantityElement = { epcClass: string; quantity: number; uom?: string };

export type EpcisEvent = {
  type: "ObjectEvent" | "TransformationEvent";
  eventTime: string;
  eventTimeZoneOffset: string;
  action?: "ADD" | "OBSERVE" | "DELETE";
  bizStep?: string;
  disposition?: string;
  readPoint?: { id: string };
  bizLocation?: { id: string };
  bizTransactionList?: { bizTransaction: string; type?: string }[];
  epcList?: string[];
  quantityList?: QuantityElement[];
  inputEPCList?: string[];
  inputQuantityList?: QuantityElement[];
  outputEPCList?: string[];
  outputQuantityList?: QuantityElement[];
  ilmd?: {
    "ecolaura:materials"?: { material: string; kg?: number }[];
    "ecolaura:originCountry"?: string;
    "ecolaura:certificates"?: string[];
  };
  "ecolaura:country"?: string;
  [extension: string]: unknown;
};

export type TimelineEvent = {
  leaf_index: number;
  leaf_hash: string;
  recorded_at: string;
  event: EpcisEvent;
  inclusion_proof?: string[];
};

export type Timeline = {
  product_id: string;
  gtin: string;
  digital_link: string;
  tree_head: TreeHead | null;
  events: TimelineEvent[];
  pending: TimelineEvent[];
  /** The catalog's footprint and, where the log states another origin or materials, theirs. */
  footprint?: {
    catalog_kg_co2e: number;
    factor_version: string;
    recorded_kg_co2e: number | null;
    differs: string[];
    note?: string;
  };
  keys: { keys?: { kty?: unknown; crv?: unknown; x?: unknown; kid?: unknown }[] };
};

export function asTimeline(body: Record<string, unknown>): Timeline {
  if (!Array.isArray(body.events) || !Array.isArray(body.pending) || typeof body.gtin !== "string") {
    throw new Error("the provenance answer is not a timeline");
  }
  return body as unknown as Timeline;
}

/** A product's provenance timeline with its proofs; the log only grows, so a minute's staleness is fine. */
export function getProvenanceQueryOptions(productId: string) {
  return queryOptions({
    queryKey: ["provenance", productId],
    queryFn: async ({ signal }) =>
      asTimeline(
        unwrap(await api.GET("/api/v1/provenance/{product_id}", { params: { path: { product_id: productId } }, signal })),
      ),
    staleTime: 60_000,
  });
}

export function useProvenance(productId: string) {
  return useQuery(getProvenanceQueryOptions(productId));
}

export const qrCodeUrl = (productId: string) => `/api/v1/provenance/${productId}/qr.svg`;
