// Our currencies, formatted by hand: building an Intl.NumberFormat costs ~100 ms of a
// 4x-throttled phone's CPU on the first product page, before its largest paint.
const SYMBOLS: Record<string, [string, string]> = {
  EUR: ["€", ""], GBP: ["£", ""], USD: ["$", ""], CHF: ["CHF ", ""],
  SEK: ["", " kr"], DKK: ["", " kr."], NOK: ["", " kr"], PLN: ["", " zł"],
};

/** Minor units as money: "€1,234.50". Amounts in our currencies have two decimals. */
export function formatMoney(minor: number, currency: string, decimals = 2): string {
  const [before, after] = SYMBOLS[currency] ?? ["", ` ${currency}`];
  const fixed = (Math.abs(minor) / 100).toFixed(decimals);
  const [whole = "0", fraction] = fixed.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${minor < 0 ? "-" : ""}${before}${grouped}${fraction ? `.${fraction}` : ""}${after}`;
}

export function formatKg(kg: number): string {
  if (Math.abs(kg) < 1) return `${(kg * 1000).toFixed(0)} g CO2e`;
  return `${kg.toFixed(kg < 10 ? 2 : 1)} kg CO2e`;
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}

export function titleCase(text: string): string {
  return text.replace(/[-_]/g, " ").replace(/^\w/, (c) => c.toUpperCase());
}
