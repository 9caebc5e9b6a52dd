import { ErrorBoundary } from "@/components/errors/boundary";
import type { ProductImpact } from "@/features/product/api/get-product-impact";
import FootprintChart from "@/features/product/components/footprint-chart";
import { formatKg, formatShare, titleCase } from "@/lib/format";

/** "ECOLAURA2025; OWID2023" as "ECOLAURA (2025); OWID (2023)": each source with its year. */
export function sourceWithYear(source: string): string {
  return source
    .split(/;\s*/)
    .map((part) => part.replace(/^(.*?)[\s_-]?((?:19|20)\d{2})$/, "$1 ($2)"))
    .join("; ");
}

function range(r: { low: number; central: number; high: number }, digits = 3): string {
  return `${r.central.toFixed(digits)} (${r.low.toFixed(digits)}–${r.high.toFixed(digits)})`;
}

/** The footprint, honestly: the total as a range, the baseline and the savings, each stage and every factor with its source. */
export function FootprintBreakdown({ impact }: { impact: ProductImpact }) {
  const total = impact.kg_co2e;
  return (
    <section aria-labelledby="footprint-heading" className="footprint">
      <h2 id="footprint-heading">Carbon footprint</h2>
      <dl className="footprint-summary">
        <div>
          <dt>This product</dt>
          <dd>
            <strong>{formatKg(total.central)}</strong>{" "}
            <span className="range">
              (range {total.low.toFixed(2)}–{total.high.toFixed(2)} kg)
            </span>
          </dd>
        </div>
        <div>
          <dt>Conventional {impact.baseline.category}</dt>
          <dd>
            {formatKg(impact.baseline.kg_co2e.central)} <span className="range">({impact.baseline.description})</span>
          </dd>
        </div>
        <div>
          <dt>{impact.savings_kg_co2e >= 0 ? "You save" : "Costs more than the baseline by"}</dt>
          <dd>
            <strong>{formatKg(Math.abs(impact.savings_kg_co2e))}</strong>
          </dd>
        </div>
        {impact.evidence ? (
          <div>
            <dt>What it rests on</dt>
            <dd>
              {formatShare(impact.evidence.cited_share)} cited data, {formatShare(impact.evidence.estimated_share)} our estimates
            </dd>
          </div>
        ) : null}
      </dl>
      <ErrorBoundary title="The chart could not be drawn">
        <FootprintChart impact={impact} />
      </ErrorBoundary>
      <h3>Stage by stage</h3>
      <p className="note">
        Factor version {impact.factor_version}. Each line is a quantity times a factor; ranges are low–high estimates.
      </p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Footprint factors">
        <table className="factors">
          <caption className="visually-hidden">Every factor used, with its source</caption>
          <thead>
            <tr>
              <th scope="col">Stage / item</th>
              <th scope="col">Quantity</th>
              <th scope="col">Factor</th>
              <th scope="col">kg CO2e (low–high)</th>
              <th scope="col">Source (year)</th>
            </tr>
          </thead>
          {impact.stages.map((stage) => (
            <tbody key={stage.name}>
              <tr className="stage-row">
                <th scope="rowgroup" colSpan={3}>
                  {titleCase(stage.name)}
                </th>
                <td>{range(stage.kg_co2e)}</td>
                <td />
              </tr>
              {stage.items.map((item, index) => (
                <tr key={`${item.item}-${index}`}>
                  <td>{item.item}</td>
                  <td>
                    {item.quantity} {item.unit}
                  </td>
                  <td>
                    {range(item.factor, 4)} {item.factor_unit}
                  </td>
                  <td>{range(item.kg_co2e)}</td>
                  <td>{sourceWithYear(item.source)}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </section>
  );
}
