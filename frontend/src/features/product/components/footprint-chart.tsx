import { Bar, BarChart, CartesianGrid, ErrorBar, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ProductImpact } from "@/features/product/api/get-product-impact";
import { titleCase } from "@/lib/format";

/** kg CO2e by stage, central value with the low–high range as an error bar (its own chunk: recharts). */
export default function FootprintChart({ impact }: { impact: ProductImpact }) {
  const data = impact.stages.map((stage) => ({
    stage: titleCase(stage.name),
    central: stage.kg_co2e.central,
    range: [stage.kg_co2e.central - stage.kg_co2e.low, stage.kg_co2e.high - stage.kg_co2e.central],
  }));
  const summary = impact.stages
    .map((s) => `${titleCase(s.name)} ${s.kg_co2e.central.toFixed(2)} kg (${s.kg_co2e.low.toFixed(2)}–${s.kg_co2e.high.toFixed(2)})`)
    .join("; ");
  return (
    <figure className="chart" aria-label={`Footprint by stage in kg CO2e: ${summary}`} role="img">
      <ResponsiveContainer width="100%" height={Math.max(180, data.length * 44)}>
        <BarChart data={data} layout="vertical" margin={{ left: 16, right: 24 }}>
          <CartesianGrid horizontal={false} />
          <XAxis type="number" unit=" kg" />
          <YAxis type="category" dataKey="stage" width={110} />
          <Tooltip formatter={(v) => [`${Number(v).toFixed(3)} kg CO2e`, "central"]} />
          <Bar dataKey="central" fill="#2e7d4f" isAnimationActive={false}>
            <ErrorBar dataKey="range" width={6} stroke="#1b3a2a" direction="x" />
          </Bar>
          <ReferenceLine x={0} stroke="#555" />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
