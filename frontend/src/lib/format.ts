const money = new Map<string, Intl.NumberFormat>();

export function formatMoney(minor: number, currency: string): string {
  let format = money.get(currency);
  if (!format) {
    format = new Intl.NumberFormat("en-GB", { style: "currency", currency });
    money.set(currency, format);
  }
  return format.format(minor / 100);
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
