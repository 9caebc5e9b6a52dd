import type { components } from "@/lib/api/schema";

export type Goal = components["schemas"]["Goal"];
export type Measure = Goal["measure"];

export const MEASURES: { value: Measure; label: string }[] = [
  { value: "orders", label: "Orders" },
  { value: "kg_co2e_saved", label: "kg CO2e saved" },
  { value: "certified_units", label: "Units of certified products" },
  { value: "certified_brands", label: "Brands of certified products" },
  { value: "eco_points", label: "Eco points earned" },
];

const SHIPPING: Record<string, string> = { standard: "standard", express: "express", "slow-green": "slow & green" };

function amount(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString("en-GB") : value.toLocaleString("en-GB", { maximumFractionDigits: 2 });
}

function plural(n: number, one: string, many: string): string {
  return `${amount(n)} ${n === 1 ? one : many}`;
}

/** What the measure adds up to, e.g. "3 orders" or "12.5 kg CO2e saved". */
export function measureWords(measure: Measure, value: number): string {
  switch (measure) {
    case "orders":
      return plural(value, "order", "orders");
    case "kg_co2e_saved":
      return `${amount(value)} kg CO2e saved`;
    case "certified_units":
      return plural(value, "certified product", "certified products");
    case "certified_brands":
      return plural(value, "certified brand", "certified brands");
    case "eco_points":
      return plural(value, "eco point", "eco points");
  }
}

/** The goal in words: "3 orders, shipped slow & green, each with a certified product". */
export function goalWords(goal: Goal): string {
  const parts = [measureWords(goal.measure, goal.threshold)];
  const method = goal.filter?.shipping_method;
  if (method) parts.push(`shipped ${SHIPPING[method] ?? method}`);
  if (goal.filter?.certified_only) parts.push("orders with a certified product only");
  return parts.join(", ");
}

/** "1 Dec 2026 – 31 Dec 2026 (Europe/Paris)": the window's days, as the challenge's time zone counts them. */
export function windowWords(startsOn: string, endsOn: string, timeZone: string): string {
  const day = (iso: string) => {
    const date = new Date(`${iso}T00:00:00Z`);
    return Number.isNaN(date.getTime())
      ? iso
      : date.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  };
  return `${day(startsOn)} – ${day(endsOn)} (${timeZone})`;
}

export const STATUS_WORDS: Record<"upcoming" | "active" | "ended", string> = {
  upcoming: "Starts soon",
  active: "Open now",
  ended: "Ended",
};

/** Share of the goal reached, 0–100, rounded down so 100 means reached. */
export function percentOf(progress: number, threshold: number): number {
  if (threshold <= 0) return 100;
  return Math.max(0, Math.min(100, Math.floor((progress / threshold) * 100)));
}
