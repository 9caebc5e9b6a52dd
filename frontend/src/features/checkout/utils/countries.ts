import type { components } from "@/lib/api/schema";

export type Country = components["schemas"]["ShippingIn"]["country"];
export type ShippingMethod = NonNullable<components["schemas"]["ShippingIn"]["method"]>;

const CODES: Country[] = [
  "AT", "AU", "BE", "BG", "CA", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU",
  "IE", "IS", "IT", "JP", "LT", "LU", "LV", "MT", "NL", "NO", "NZ", "PL", "PT", "RO", "SE", "SI", "SK", "US",
];

const names = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "region" }) : null;

export const COUNTRIES = CODES.map((code) => ({ code, name: names?.of(code) ?? code })).sort((a, b) =>
  a.name.localeCompare(b.name),
);

export const METHOD_LABELS: Record<ShippingMethod, string> = {
  "slow-green": "Slow & green (rail and sea, consolidated)",
  standard: "Standard",
  express: "Express (air where needed)",
};
