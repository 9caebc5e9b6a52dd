import { useSearchParams } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { ProductGrid } from "@/features/catalog/components/product-card";
import { usePrefetchProduct } from "@/features/product/hooks/prefetch";
import { useSearch } from "@/features/search/api/search-products";
import { FacetGroup } from "@/features/search/components/facet-group";
import { bandLabel, ecoAtLeast, PAGE_SIZE, SORTS, searchParamsFromUrl, withParam } from "@/features/search/utils/url-state";
import { titleCase } from "@/lib/format";
import { formText } from "@/lib/form";

export default function Search() {
  const [url, setUrl] = useSearchParams();
  const params = searchParamsFromUrl(url);
  const result = useSearch(params);
  const prefetch = usePrefetchProduct();
  const set = (key: string, value: string | null) => setUrl(withParam(url, key, value));
  const facets = result.data?.facets ?? {};
  const page = params.page ?? 1;
  const pages = result.data ? Math.max(1, Math.ceil(result.data.total / PAGE_SIZE)) : 1;
  const q = params.q ?? "";

  return (
    <div className="search-page">
      <h1>{q ? `Results for “${q}”` : "All products"}</h1>
      <form
        role="search"
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          set("q", formText(new FormData(event.currentTarget), "q"));
        }}
      >
        <label htmlFor="search-q" className="visually-hidden">
          Search products
        </label>
        <input key={q} id="search-q" name="q" type="search" defaultValue={q} placeholder="Search products" />
        <button type="submit">Search</button>
      </form>
      <div className="search-layout">
        <aside aria-label="Filters" className="filters">
          <h2 className="visually-hidden">Filters</h2>
          <FacetGroup
            name="eco"
            legend="Eco score"
            options={ecoAtLeast(facets.eco ?? [])}
            selected={url.get("eco")}
            label={(v) => bandLabel(v, "eco")}
            onChange={(v) => set("eco", v)}
          />
          <FacetGroup
            name="category"
            legend="Category"
            options={facets.category ?? []}
            selected={url.get("category")}
            label={titleCase}
            onChange={(v) => set("category", v)}
          />
          <FacetGroup name="brand" legend="Brand" options={facets.brand ?? []} selected={url.get("brand")} onChange={(v) => set("brand", v)} />
          <FacetGroup
            name="certification"
            legend="Certification"
            options={facets.certification ?? []}
            selected={url.get("certification")}
            onChange={(v) => set("certification", v)}
          />
          <FacetGroup
            name="price"
            legend="Price"
            options={facets.price ?? []}
            selected={url.get("price")}
            label={(v) => bandLabel(v, "price")}
            onChange={(v) => set("price", v)}
          />
        </aside>
        <section aria-labelledby="results-heading" className="results">
          <div className="results-bar">
            <h2 id="results-heading" aria-live="polite">
              {result.data ? `${result.data.total} product${result.data.total === 1 ? "" : "s"}` : "Searching"}
            </h2>
            <label>
              Sort by{" "}
              <select value={params.sort ?? "relevance"} onChange={(e) => set("sort", e.target.value === "relevance" ? null : e.target.value)}>
                {SORTS.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {result.isPending ? <Loading label="Searching" /> : null}
          {result.isError ? <ErrorPanel error={result.error} onRetry={() => void result.refetch()} /> : null}
          {result.data && result.data.hits.length === 0 ? <p>No product matches; try fewer filters or other words.</p> : null}
          {result.data ? <ProductGrid products={result.data.hits} onIntent={prefetch} label="Search results" /> : null}
          {pages > 1 ? (
            <nav aria-label="Pages" className="pager">
              <button type="button" disabled={page <= 1} onClick={() => set("page", String(page - 1))}>
                Previous
              </button>
              <span>
                Page {page} of {pages}
              </span>
              <button type="button" disabled={page >= pages} onClick={() => set("page", String(page + 1))}>
                Next
              </button>
            </nav>
          ) : null}
        </section>
      </div>
    </div>
  );
}
