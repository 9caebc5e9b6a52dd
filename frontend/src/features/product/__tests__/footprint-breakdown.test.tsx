import { render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { ProductImpact } from "@/features/product/api/get-product-impact";
import { FootprintBreakdown, sourceWithYear } from "@/features/product/components/footprint-breakdown";

vi.mock("@/features/product/components/footprint-chart", () => ({ default: () => <div>chart</div> }));

const r = (low: number, central: number, high: number) => ({ low, central, high });
const impact: ProductImpact = {
  product_id: "p1",
  name: "Linen towel",
  category: "bathroom",
  version: 1,
  factor_version: "2026.1",
  kg_co2e: r(0.9, 1.59, 2.71),
  shipped_kg: 0.4,
  stages: [
    {
      name: "materials",
      kg_co2e: r(0.738, 1.23, 1.968),
      items: [{ item: "linen", quantity: 0.28, unit: "kg", factor: r(3, 5, 8), factor_unit: "kg CO2e/kg", source: "ECOLAURA2025", kg_co2e: r(0.738, 1.23, 1.968) }],
    },
    {
      name: "manufacturing",
      kg_co2e: r(0.1, 0.3, 0.6),
      items: [{ item: "process energy", quantity: 0.7, unit: "kWh", factor: r(0.29, 0.38, 0.42), factor_unit: "kg CO2e/kWh", source: "ECOLAURA2025; OWID2023", kg_co2e: r(0.1, 0.3, 0.6) }],
    },
  ],
  baseline: { category: "bathroom", description: "conventional cotton towel", kg_co2e: r(1.5, 2.15, 3) },
  savings_kg_co2e: 0.56,
  eco_score: { score: 72, footprint_points: 40, certification_points: 20, packaging_points: 12, ratio_to_baseline: 0.7 },
  purchases: null,
  evidence: { cited_share: 0.25, estimated_share: 0.75 },
};

describe("the footprint breakdown", () => {
  it("shows the range, the baseline, the savings and what it rests on", () => {
    render(<FootprintBreakdown impact={impact} />);
    expect(screen.getByText("1.59 kg CO2e")).toBeInTheDocument();
    expect(screen.getByText(/range 0\.90–2\.71 kg/)).toBeInTheDocument();
    expect(screen.getByText("Conventional bathroom")).toBeInTheDocument();
    expect(screen.getByText("560 g CO2e")).toBeInTheDocument();
    expect(screen.getByText("25% cited data, 75% our estimates")).toBeInTheDocument();
  });

  it("lists every factor with its source and year, stage by stage", () => {
    render(<FootprintBreakdown impact={impact} />);
    const table = screen.getByRole("table");
    expect(within(table).getByRole("rowheader", { name: "Materials" })).toBeInTheDocument();
    expect(within(table).getByText("ECOLAURA (2025)")).toBeInTheDocument();
    expect(within(table).getByText("ECOLAURA (2025); OWID (2023)")).toBeInTheDocument();
    expect(within(table).getByText("5.0000 (3.0000–8.0000) kg CO2e/kg")).toBeInTheDocument();
  });

  it("says what a product costs over its baseline, honestly", () => {
    render(<FootprintBreakdown impact={{ ...impact, savings_kg_co2e: -0.2 }} />);
    expect(screen.getByText("Costs more than the baseline by")).toBeInTheDocument();
  });

  it("keeps sources without a year as they are", () => {
    expect(sourceWithYear("ADEME Base Empreinte")).toBe("ADEME Base Empreinte");
  });
});
