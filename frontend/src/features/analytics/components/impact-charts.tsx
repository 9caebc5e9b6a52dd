import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ImpactSummary } from "@/features/analytics/api/get-impact-summary";
import { titleCase } from "@/lib/format";

type Row = { label: string; kg_co2e: number; saved_kg_co2e: number };

function ImpactBars({ title, rows }: { title: string; rows: Row[] }) {
  const text = rows.map((r) => `${r.label}: ${r.kg_co2e.toFixed(1)} kg emitted, ${r.saved_kg_co2e.toFixed(1)} kg saved`).join("; ");
  return (
    <figure className="chart" role="img" aria-label={`${title}: ${text}`}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={rows} margin={{ left: 8, right: 8 }}>
          <CartesianGrid vertical={false} />
          <XAxis dataKey="label" interval={0} angle={rows.length > 6 ? -30 : 0} textAnchor={rows.length > 6 ? "end" : "middle"} height={rows.length > 6 ? 60 : 30} />
          <YAxis unit=" kg" />
          <Tooltip formatter={(v) => `${Number(v).toFixed(1)} kg CO2e`} />
          <Legend />
          <Bar dataKey="kg_co2e" name="Emitted" fill="#8a5a2b" isAnimationActive={false} />
          <Bar dataKey="saved_kg_co2e" name="Saved vs conventional" fill="#2e7d4f" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** Month, country and category charts (recharts: loaded only on this page). */
export default function ImpactCharts({ summary }: { summary: ImpactSummary }) {
  return (
    <>
      <ImpactBars title="By month" rows={summary.by_month.map((m) => ({ ...m, label: m.month }))} />
      <ImpactBars title="By shipping country" rows={summary.by_country.map((c) => ({ ...c, label: c.shipping_country }))} />
      <ImpactBars title="By category" rows={summary.by_category.map((c) => ({ ...c, label: titleCase(c.category) }))} />
    </>
  );
}
