/** The words for an EPCIS event: what happened, where, to what. */
import type { EpcisEvent, QuantityElement, Timeline, TimelineEvent } from "@/features/provenance/api/get-provenance";

const regions = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "region" }) : null;

export function countryName(code: string): string {
  try {
    return regions?.of(code) ?? code;
  } catch {
    return code;
  }
}

// CBV 2.0 business steps, in words (others are shown as their own name).
const STEPS: Record<string, string> = {
  commissioning: "Commissioned",
  creating_class_instance: "Produced",
  transforming: "Transformed",
  assembling: "Assembled",
  packing: "Packed",
  inspecting: "Inspected",
  shipping: "Shipped",
  departing: "Departed",
  arriving: "Arrived",
  receiving: "Received",
  accepting: "Accepted",
  storing: "Stored",
  loading: "Loaded",
  picking: "Picked",
  retail_selling: "Sold",
  repairing: "Repaired",
  destroying: "Destroyed",
  decommissioning: "Decommissioned",
};

/** `urn:epcglobal:cbv:bizstep:shipping` or a URL or `shipping`: the bare word. */
export function bareWord(word: string | undefined): string | undefined {
  if (!word) return undefined;
  const tail = word.split(/[:/#]/).filter(Boolean).pop();
  return tail ?? word;
}

function humanise(word: string): string {
  const text = word.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A Digital Link URI's GTIN and lot, when it is one. */
export function parseDigitalLink(uri: string): { gtin: string; lot?: string; serial?: string } | null {
  const found = /\/01\/(\d{14})(?:\/10\/([^/]+))?(?:\/21\/([^/]+))?$/.exec(uri);
  if (!found?.[1]) return null;
  return { gtin: found[1], lot: found[2], serial: found[3] };
}

function quantities(list: QuantityElement[] | undefined): string[] {
  return (list ?? []).map((q) => `${q.quantity}${q.uom === "KGM" ? " kg" : q.uom ? ` ${q.uom}` : ""}`);
}

/** A sentence for the event: "Raw material commissioned (120.5 kg)", "Shipped", "Transformed: 2 inputs into 1 output". */
export function describeEvent(event: EpcisEvent, productGtin?: string): string {
  const step = bareWord(event.bizStep);
  if (event.type === "TransformationEvent") {
    const inputs = (event.inputEPCList?.length ?? 0) + (event.inputQuantityList?.length ?? 0);
    const outputs = [...(event.outputEPCList ?? []), ...(event.outputQuantityList ?? []).map((q) => q.epcClass)];
    const made = (event.ilmd?.["ecolaura:materials"] ?? []).map((m) => m.material);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    if (productGtin && outputs.some((uri) => parseDigitalLink(uri)?.gtin === productGtin)) {
      return `Manufactured from ${plural(inputs, "input")}`;
    }
    if (made.length) return `Processed into ${made.join(", ")}`;
    const what = step && step !== "commissioning" ? (STEPS[step] ?? humanise(step)) : "Made";
    return `${what}: ${plural(inputs, "input")} transformed into ${plural(outputs.length, "output")}`;
  }
  let what = step ? (STEPS[step] ?? humanise(step)) : event.action === "ADD" ? "Created" : "Observed";
  if (step === "commissioning" && event.ilmd?.["ecolaura:materials"]?.length) what = "Raw material commissioned";
  if (event.action === "DELETE" && !step) what = "Taken out of circulation";
  const amounts = quantities(event.quantityList);
  const disposition = bareWord(event.disposition);
  return [
    what + (amounts.length ? ` (${amounts.join(", ")})` : ""),
    disposition ? `now ${disposition.replace(/_/g, " ")}` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

/** Every lot the event names: lot code and GTIN, marked when it is this product's. */
export function lotsOf(event: EpcisEvent, productGtin: string): { lot: string; gtin: string; ours: boolean }[] {
  const uris = [
    ...(event.epcList ?? []),
    ...(event.quantityList ?? []).map((q) => q.epcClass),
    ...(event.inputEPCList ?? []),
    ...(event.inputQuantityList ?? []).map((q) => q.epcClass),
    ...(event.outputEPCList ?? []),
    ...(event.outputQuantityList ?? []).map((q) => q.epcClass),
  ];
  const seen = new Map<string, { lot: string; gtin: string; ours: boolean }>();
  for (const uri of uris) {
    const link = parseDigitalLink(uri);
    if (link?.lot) seen.set(`${link.gtin}/${link.lot}`, { lot: link.lot, gtin: link.gtin, ours: link.gtin === productGtin });
  }
  return [...seen.values()];
}

/** Events (signed and pending) in the order they happened. */
export function inTimeOrder(timeline: Timeline): TimelineEvent[] {
  return [...timeline.events, ...timeline.pending].sort(
    (a, b) => Date.parse(a.event.eventTime) - Date.parse(b.event.eventTime) || a.leaf_index - b.leaf_index,
  );
}

export type MaterialOrigin = { material: string; kg?: number; origin?: string; certificates: string[] };

/** The raw materials the chain states (ILMD of object events), with their origins and certificates. */
export function materialsOf(events: TimelineEvent[]): MaterialOrigin[] {
  const out: MaterialOrigin[] = [];
  for (const { event } of events) {
    const ilmd = event.ilmd;
    // A transformation's ILMD describes what it made (a fabric, a board), not a raw material.
    if (!ilmd || event.type !== "ObjectEvent") continue;
    for (const m of ilmd["ecolaura:materials"] ?? []) {
      out.push({
        material: m.material,
        kg: m.kg,
        origin: ilmd["ecolaura:originCountry"] ?? event["ecolaura:country"],
        certificates: ilmd["ecolaura:certificates"] ?? [],
      });
    }
  }
  return out;
}

export function certificatesOf(events: TimelineEvent[]): string[] {
  return [...new Set(events.flatMap(({ event }) => event.ilmd?.["ecolaura:certificates"] ?? []))];
}

/** Countries in the order the chain passed through them (origins first where an event states one). */
export function routeOf(events: TimelineEvent[]): string[] {
  const route: string[] = [];
  for (const { event } of events) {
    for (const code of [event.ilmd?.["ecolaura:originCountry"], event["ecolaura:country"]]) {
      if (code && route[route.length - 1] !== code) route.push(code);
    }
  }
  return route;
}
