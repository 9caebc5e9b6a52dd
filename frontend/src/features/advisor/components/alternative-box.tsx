import { Link } from "react-router";
import { paths } from "@/config/paths";
import { useAlternative } from "@/features/advisor/api/get-alternative";

/** "A greener alternative": the advisor's best in-stock swap for this product, or nothing at all. */
export function AlternativeBox({ productId }: { productId: string }) {
  const alternative = useAlternative(productId);
  const best = alternative.data?.suggestions[0];
  // Loading, failed, or nothing greener in stock: the page reads as well without the box.
  if (!best) return null;
  return (
    <section className="alternative-box" aria-labelledby="alternative-heading">
      <h2 id="alternative-heading">A greener alternative</h2>
      <p>
        <Link to={paths.product.href(best.product_id)}>{best.name}</Link> weighs {best.kg_co2e.toFixed(2)} kg CO2e per
        unit: <strong>{best.saving_kg.toFixed(2)} kg CO2e less ({best.saving_pct.toFixed(1)}%)</strong>.
      </p>
      {alternative.data && alternative.data.suggestions.length > 1 ? (
        <p className="note">
          Also lower:{" "}
          {alternative.data.suggestions.slice(1, 3).map((s, i) => (
            <span key={s.product_id}>
              {i > 0 ? ", " : null}
              <Link to={paths.product.href(s.product_id)}>{s.name}</Link> (−{s.saving_pct.toFixed(1)}%)
            </span>
          ))}
        </p>
      ) : null}
    </section>
  );
}
