import { Link, useNavigate } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { ProductGrid } from "@/features/catalog/components/product-card";
import { usePrefetchProduct } from "@/features/product/hooks/prefetch";
import { useSearch } from "@/features/search/api/search-products";
import { titleCase } from "@/lib/format";
import { formText } from "@/lib/form";

export default function Home() {
  const picks = useSearch({ q: "", sort: "eco", size: 8 });
  const prefetch = usePrefetchProduct();
  const navigate = useNavigate();
  const categories = picks.data?.facets.category ?? [];
  return (
    <>
      <section className="hero">
        <h1>Shop with the footprint in view</h1>
        <p>Every product shows its carbon footprint stage by stage, with sources, ranges and what it saves.</p>
        <form
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            const q = formText(new FormData(event.currentTarget), "q");
            void navigate(paths.search.href(q ? { q } : undefined));
          }}
        >
          <label htmlFor="home-q">What are you looking for?</label>
          <div className="inline">
            <input id="home-q" name="q" type="search" placeholder="e.g. organic cotton t-shirt" />
            <button type="submit">Search</button>
          </div>
        </form>
      </section>
      {picks.isPending ? <Loading label="Loading the best eco picks" /> : null}
      {picks.isError ? <ErrorPanel error={picks.error} onRetry={() => void picks.refetch()} /> : null}
      {categories.length > 0 ? (
        <section aria-labelledby="categories">
          <h2 id="categories">Categories</h2>
          <ul className="chips">
            {categories.map((c) => (
              <li key={c.value}>
                <Link to={paths.search.href({ category: c.value })}>
                  {titleCase(c.value)} <span className="count">({c.count})</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {picks.data ? (
        <section aria-labelledby="eco-picks">
          <h2 id="eco-picks">Best eco picks</h2>
          <ProductGrid products={picks.data.hits} onIntent={prefetch} label="Best eco picks" />
        </section>
      ) : null}
    </>
  );
}
