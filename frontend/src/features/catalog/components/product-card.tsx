import { Link } from "react-router";
import { EcoBadge } from "@/components/ui/eco-badge";
import { Price } from "@/components/ui/price";
import { paths } from "@/config/paths";

export type CardProduct = {
  id: string;
  name: string;
  brand: string;
  category: string;
  price_minor: number;
  currency: string;
  eco_score?: number | null;
};

type Props = { product: CardProduct; onIntent?: (id: string) => void };

/** A product in a list; hovering or focusing it prefetches its page (`onIntent`). */
export function ProductCard({ product, onIntent }: Props) {
  return (
    <li className="product-card">
      <Link
        to={paths.product.href(product.id)}
        onMouseEnter={() => onIntent?.(product.id)}
        onFocus={() => onIntent?.(product.id)}
      >
        <span className="product-name">{product.name}</span>
      </Link>
      <span className="product-meta">
        {product.brand} · {product.category}
      </span>
      <Price minor={product.price_minor} currency={product.currency} />
      <EcoBadge score={product.eco_score} />
    </li>
  );
}

export function ProductGrid({ products, onIntent, label }: { products: CardProduct[]; onIntent?: (id: string) => void; label: string }) {
  return (
    <ul className="product-grid" aria-label={label}>
      {products.map((product) => (
        <ProductCard key={product.id} product={product} onIntent={onIntent} />
      ))}
    </ul>
  );
}
