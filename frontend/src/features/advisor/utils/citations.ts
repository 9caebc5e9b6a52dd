import { paths } from "@/config/paths";
import type { Fact } from "@/features/advisor/api/ask-advisor";

export type CitationTarget = { href: string; external: boolean; label: string };

/** Where a fact's source can be seen: its product, its order, or the factor's publication. */
export function citationTarget(fact: Fact): CitationTarget | null {
  const { kind, ref, title, url } = fact.source;
  if (kind === "product_stage") {
    const productId = ref.split(":")[0];
    return productId ? { href: paths.product.href(productId), external: false, label: title } : null;
  }
  if (kind === "order_line") {
    // "order:line", or "order,order,…" when a fact sums several orders: the first one is shown.
    const orderId = ref.split(/[,:]/)[0];
    return orderId ? { href: paths.order.href(orderId), external: false, label: title } : null;
  }
  return url ? { href: url, external: true, label: title } : null;
}

export type TextPart = { text: string } | { factId: string };

/** The answer's text with the model's citations ("[fact id]") split out, in order. */
export function splitCitations(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(/\[([^[\]]+)\]/g)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ factId: (match[1] ?? "").trim() });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** A fact's value at the precision the advisor's text writes it (so the two read alike). */
export function formatFact(fact: Fact): string {
  if (fact.unit === "kg CO2e") return `${fact.value.toFixed(2)} kg CO2e`;
  if (fact.unit === "%") return `${fact.value.toFixed(1)}%`;
  return `${fact.value} ${fact.unit}`;
}

/** Which part of a product's footprint a fact is ("materials", "total low"): its source title names only the product. */
export function factLabel(fact: Fact): string | null {
  if (fact.source.kind !== "product_stage") return null;
  const part = fact.source.ref.split(":").slice(1).join(" ").replace(/_/g, " ");
  return part || null;
}
