import { useEffect, useRef, useState } from "react";
import type { ProductImpact } from "@/features/product/api/get-product-impact";
import { titleCase } from "@/lib/format";

const ROW = 34;
const PAD = 16;

/** The figure's width in CSS pixels, so the SVG draws at 1:1 and its text stays readable on phones. */
function useWidth(fallback: number) {
  const ref = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(280, Math.round(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width] as const;
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / step) * step;
}

/**
 * kg CO2e by stage: the central value as a bar, the low–high range as a whisker, the
 * conventional baseline's total as a dashed line. Plain SVG: the product page loads no
 * chart library (Recharts is loaded only by the analyst's charts).
 */
export default function FootprintChart({ impact }: { impact: ProductImpact }) {
  const [ref, WIDTH] = useWidth(640);
  const LABEL = WIDTH < 480 ? 112 : 124;
  const stages = impact.stages;
  const max = niceMax(Math.max(...stages.map((s) => s.kg_co2e.high), 0.001));
  const plot = WIDTH - LABEL - PAD;
  const x = (kg: number) => LABEL + (kg / max) * plot;
  const height = stages.length * ROW + 30;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => t * max);
  const summary = stages
    .map((s) => `${titleCase(s.name)} ${s.kg_co2e.central.toFixed(2)} kg (${s.kg_co2e.low.toFixed(2)}–${s.kg_co2e.high.toFixed(2)})`)
    .join("; ");
  return (
    <figure className="chart stage-chart" ref={ref}>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`Footprint by stage in kg CO2e: ${summary}`} width="100%">
        {ticks.map((tick) => (
          <g key={tick}>
            <line x1={x(tick)} x2={x(tick)} y1={0} y2={stages.length * ROW} stroke="#d5ddd7" />
            <text x={x(tick)} y={stages.length * ROW + 18} textAnchor="middle" fontSize="12" fill="#4a524d">
              {tick.toFixed(max < 1 ? 2 : 1)}
              {tick === 0 ? " kg" : ""}
            </text>
          </g>
        ))}
        {stages.map((stage, i) => {
          const y = i * ROW;
          const { low, central, high } = stage.kg_co2e;
          return (
            <g key={stage.name}>
              <text x={LABEL - 8} y={y + ROW / 2 + 4} textAnchor="end" fontSize={WIDTH < 480 ? 12 : 13} fill="#1b1f1c">
                {titleCase(stage.name)}
              </text>
              <rect x={LABEL} y={y + 7} width={Math.max(1, x(central) - LABEL)} height={ROW - 14} fill="#2e7d4f" rx="2" />
              <line x1={x(low)} x2={x(high)} y1={y + ROW / 2} y2={y + ROW / 2} stroke="#1b3a2a" strokeWidth="1.5" />
              <line x1={x(low)} x2={x(low)} y1={y + 10} y2={y + ROW - 10} stroke="#1b3a2a" strokeWidth="1.5" />
              <line x1={x(high)} x2={x(high)} y1={y + 10} y2={y + ROW - 10} stroke="#1b3a2a" strokeWidth="1.5" />
            </g>
          );
        })}
      </svg>
      <figcaption className="note">Bars: central estimate per stage; whiskers: the low–high range.</figcaption>
    </figure>
  );
}
