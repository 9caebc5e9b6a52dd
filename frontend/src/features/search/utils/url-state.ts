import type { SearchParams } from "@/features/search/api/search-products";
import { formatMoney } from "@/lib/format";

export const SORTS = [
  { value: "relevance", label: "Relevance" },
  { value: "eco", label: "Eco score, best first" },
  { value: "price", label: "Price, low to high" },
  { value: "-price", label: "Price, high to low" },
  { value: "newest", label: "Newest" },
] as const;

export type Sort = (typeof SORTS)[number]["value"];
export const PAGE_SIZE = 12;
/** Facets whose value is an exact match; price and eco are bands ("1000-2500", "80-"). */
export const TERM_FACETS = ["category", "brand", "certification"] as const;

function band(value: string | null): [number | null, number | null] {
  if (!value) return [null, null];
  const [lo, hi] = value.split("-");
  const num = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : null);
  return [num(lo), num(hi)];
}

/** The API's search parameters from the page's URL, which is the one source of truth. */
export function searchParamsFromUrl(url: URLSearchParams): SearchParams {
  const params: SearchParams = { q: url.get("q") ?? "", size: PAGE_SIZE };
  for (const facet of TERM_FACETS) {
    const value = url.get(facet);
    if (value) params[facet] = value;
  }
  const [priceMin, priceMax] = band(url.get("price"));
  if (priceMin !== null) params.price_min = priceMin;
  // A band's upper bound is exclusive; price_max is inclusive.
  if (priceMax !== null) params.price_max = priceMax - 1;
  const [ecoMin] = band(url.get("eco"));
  if (ecoMin !== null) params.eco_min = ecoMin;
  const sort = url.get("sort");
  if (sort && SORTS.some((s) => s.value === sort)) params.sort = sort as Sort;
  const page = Number(url.get("page") ?? "1");
  if (Number.isInteger(page) && page > 1 && page <= 500) params.page = page;
  return params;
}

/** A copy of the URL's parameters with one changed (null removes it); any change but paging goes back to page 1. */
export function withParam(url: URLSearchParams, key: string, value: string | null): URLSearchParams {
  const next = new URLSearchParams(url);
  if (value === null || value === "") next.delete(key);
  else next.set(key, value);
  if (key !== "page") next.delete("page");
  return next;
}

export function bandLabel(value: string, unit: "price" | "eco", currency = "EUR"): string {
  const [lo, hi] = band(value);
  if (unit === "eco") {
    if (lo !== null && hi !== null) return `${lo}–${hi - 1}`;
    if (lo !== null) return `${lo} and above`;
    return `below ${hi ?? 0}`;
  }
  const money = (minor: number) => formatMoney(minor, currency, 0);
  if (lo !== null && hi !== null) return `${money(lo)}–${money(hi)}`;
  if (lo !== null) return `${money(lo)} and above`;
  return `under ${money(hi ?? 0)}`;
}

/**
 * The eco facet as the filter works: the API filters by a minimum score (`eco_min`), so each
 * band is offered as "lo and above", with the products of that band and every better one.
 * Best first; bands with no lower bound (which would mean "any") are left out.
 */
export function ecoAtLeast(bands: { value: string; count: number }[]): { value: string; count: number }[] {
  const withLow = bands
    .map((band) => ({ band, low: band.value.split("-")[0] ?? "" }))
    .filter(({ low }) => /^\d+$/.test(low))
    .sort((a, b) => Number(b.low) - Number(a.low));
  let running = 0;
  return withLow.map(({ band, low }) => {
    running += band.count;
    return { value: `${low}-`, count: running };
  });
}
