import { formatMoney } from "@/lib/format";

export function Price({ minor, currency }: { minor: number; currency: string }) {
  return <span className="price">{formatMoney(minor, currency)}</span>;
}
