import { useState } from "react";
import { Link, useParams } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { EcoBadge } from "@/components/ui/eco-badge";
import { Price } from "@/components/ui/price";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { AlternativeBox } from "@/features/advisor/components/alternative-box";
import { cart } from "@/features/cart/hooks/use-cart";
import { useProduct } from "@/features/product/api/get-product";
import { useProductImpact } from "@/features/product/api/get-product-impact";
import { FootprintBreakdown } from "@/features/product/components/footprint-breakdown";
import { qrCodeUrl } from "@/features/provenance/api/get-provenance";
import { titleCase } from "@/lib/format";

export default function ProductPage() {
  const { productId = "" } = useParams();
  const product = useProduct(productId);
  const impact = useProductImpact(productId);
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState<number | null>(null);

  if (product.isPending) return <Loading label="Loading the product" />;
  if (product.isError) return <ErrorPanel error={product.error} onRetry={() => void product.refetch()} />;
  const p = product.data;
  const available = p.available;
  return (
    <article className="product-page">
      <p className="breadcrumb">
        <Link to={paths.search.href({ category: p.category })}>{titleCase(p.category)}</Link>
      </p>
      <h1>{p.name}</h1>
      <p className="product-meta">
        {p.brand} · made in {p.origin_country} · {p.packaging} packaging
      </p>
      <div className="buy-box">
        <p className="big-price">
          <Price minor={p.price_minor} currency={p.currency} />
        </p>
        <EcoBadge score={p.eco_score ?? null} size="large" />
        <p className={p.in_stock ? "stock in" : "stock out"}>{p.in_stock ? `${available} in stock` : "Out of stock"}</p>
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            cart.add({ productId: p.id, name: p.name, priceMinor: p.price_minor, currency: p.currency }, quantity);
            setAdded(quantity);
          }}
        >
          <label htmlFor="qty">Quantity</label>
          <input
            id="qty"
            type="number"
            min={1}
            max={Math.max(1, Math.min(99, available))}
            value={quantity}
            onChange={(e) => setQuantity(Math.max(1, Number(e.target.value) || 1))}
          />
          <button type="submit" disabled={!p.in_stock}>
            Add to cart
          </button>
        </form>
        <p role="status" className="added">
          {added ? (
            <>
              Added {added} to your cart. <Link to={paths.cart.href()}>View cart</Link>
            </>
          ) : null}
        </p>
        {p.certifications.length > 0 ? <p>Certified: {p.certifications.join(", ")}</p> : null}
      </div>
      <p className="description">{p.description}</p>
      {p.materials.length > 0 ? (
        <p>
          Materials:{" "}
          {p.materials.map((m) => `${m.material} (${m.kg} kg)`).join(", ")}
        </p>
      ) : null}
      <AlternativeBox productId={p.id} />
      <section className="provenance-link" aria-labelledby="provenance-heading">
        <h2 id="provenance-heading">Provenance</h2>
        <Link to={paths.passport.href(p.id)} className="qr-link">
          <img src={qrCodeUrl(p.id)} alt={`QR code of the Digital Link of ${p.name}: opens its product passport`} width={148} height={148} />
        </Link>
        <p>
          <Link to={paths.passport.href(p.id)}>Provenance: where {p.name} comes from, verified in your browser</Link>
        </p>
      </section>
      {impact.isPending ? <Loading label="Loading the footprint" /> : null}
      {impact.isError ? (
        <ErrorPanel error={impact.error} onRetry={() => void impact.refetch()} title="The footprint could not be loaded" />
      ) : null}
      {impact.data ? <FootprintBreakdown impact={impact.data} /> : null}
    </article>
  );
}
