import { useRef, useState } from "react";
import { Link } from "react-router";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { RequireSession } from "@/features/account/components/require-session";
import { conflictMessage, type ProductCreate, useAdjustStock, useCreateProduct, useUpdateProduct } from "@/features/admin/api/products";
import { AdminNav } from "@/features/admin/components/admin-nav";
import { useProduct } from "@/features/product/api/get-product";
import { errorMessage } from "@/lib/api/problem";
import { formText } from "@/lib/form";

function CreateProduct() {
  const create = useCreateProduct();
  const key = useRef(crypto.randomUUID());
  return (
    <form
      className="admin-form"
      onSubmit={(event) => {
        event.preventDefault();
        const f = new FormData(event.currentTarget);
        const product = {
          sku: formText(f, "sku"),
          name: formText(f, "name"),
          category: formText(f, "category"),
          brand: formText(f, "brand"),
          price_minor: Math.round(Number(f.get("price")) * 100),
          currency: "EUR",
          weight_kg: Number(f.get("weight_kg")),
          materials: [{ material: formText(f, "material"), kg: Number(f.get("material_kg")) }],
          origin_country: formText(f, "origin_country"),
          packaging: formText(f, "packaging"),
          description: formText(f, "description"),
          certifications: [],
          status: "active",
          initial_stock: Number(f.get("initial_stock") ?? 0),
        } as ProductCreate;
        create.mutate({ product, key: key.current }, { onSuccess: () => (key.current = crypto.randomUUID()) });
      }}
    >
      <h2>New product</h2>
      <label htmlFor="new-sku">SKU (A-Z, 0-9, -)</label>
      <input id="new-sku" name="sku" required pattern="[A-Z0-9][A-Z0-9\-]{2,39}" />
      <label htmlFor="new-name">Name</label>
      <input id="new-name" name="name" required />
      <label htmlFor="new-category">Category</label>
      <input id="new-category" name="category" required defaultValue="apparel" />
      <label htmlFor="new-brand">Brand</label>
      <input id="new-brand" name="brand" required />
      <label htmlFor="new-price">Price (EUR)</label>
      <input id="new-price" name="price" type="number" step="0.01" min="0" required />
      <label htmlFor="new-weight">Weight (kg)</label>
      <input id="new-weight" name="weight_kg" type="number" step="0.001" min="0.001" required defaultValue="0.2" />
      <label htmlFor="new-material">Main material</label>
      <input id="new-material" name="material" required defaultValue="organic cotton" />
      <label htmlFor="new-material-kg">Material weight (kg)</label>
      <input id="new-material-kg" name="material_kg" type="number" step="0.001" min="0.001" required defaultValue="0.18" />
      <label htmlFor="new-origin">Made in (country code)</label>
      <input id="new-origin" name="origin_country" required defaultValue="PT" maxLength={2} />
      <label htmlFor="new-packaging">Packaging</label>
      <input id="new-packaging" name="packaging" required defaultValue="recycled-cardboard" />
      <label htmlFor="new-stock">Initial stock</label>
      <input id="new-stock" name="initial_stock" type="number" min="0" defaultValue="10" />
      <label htmlFor="new-description">Description</label>
      <textarea id="new-description" name="description" />
      {create.isError ? <ErrorPanel error={create.error} title="The product could not be created" /> : null}
      {create.data ? (
        <p role="status">
          Created: <Link to={paths.product.href(create.data.id)}>{create.data.name}</Link> ({create.data.id})
        </p>
      ) : null}
      <button type="submit" disabled={create.isPending}>
        Create product
      </button>
    </form>
  );
}

function EditProduct({ id }: { id: string }) {
  const product = useProduct(id);
  const update = useUpdateProduct();
  const stock = useAdjustStock();
  if (product.isPending) return <Loading />;
  if (product.isError) return <ErrorPanel error={product.error} onRetry={() => void product.refetch()} />;
  const p = product.data;
  const conflict = conflictMessage(update.error);
  return (
    <div>
      <form
        key={p.version}
        className="admin-form"
        onSubmit={(event) => {
          event.preventDefault();
          const f = new FormData(event.currentTarget);
          update.mutate({
            id,
            version: p.version,
            changes: { name: formText(f, "name"), price_minor: Math.round(Number(f.get("price")) * 100), description: formText(f, "description") },
          });
        }}
      >
        <h2>
          Edit {p.name} (version {p.version})
        </h2>
        <label htmlFor="edit-name">Name</label>
        <input id="edit-name" name="name" defaultValue={p.name} required />
        <label htmlFor="edit-price">Price ({p.currency})</label>
        <input id="edit-price" name="price" type="number" step="0.01" min="0" defaultValue={(p.price_minor / 100).toFixed(2)} />
        <label htmlFor="edit-description">Description</label>
        <textarea id="edit-description" name="description" defaultValue={p.description} />
        {update.isError ? (
          <div role="alert" className="error-panel">
            <p className="error-title">{conflict ? "Edit conflict" : "The change was not saved"}</p>
            <p>{conflict ?? errorMessage(update.error)}</p>
            {conflict ? (
              <button type="button" onClick={() => void product.refetch().then(() => update.reset())}>
                Reload the product
              </button>
            ) : null}
          </div>
        ) : null}
        {update.isSuccess ? <p role="status">Saved.</p> : null}
        <button type="submit" disabled={update.isPending}>
          Save changes
        </button>
      </form>
      <form
        className="admin-form"
        onSubmit={(event) => {
          event.preventDefault();
          const f = new FormData(event.currentTarget);
          stock.mutate({ id, delta: Number(f.get("delta")), note: formText(f, "note") || undefined });
        }}
      >
        <h2>Stock ({p.on_hand} on hand, {p.reserved} reserved)</h2>
        <label htmlFor="stock-delta">Units received (+) or written off (−)</label>
        <input id="stock-delta" name="delta" type="number" required />
        <label htmlFor="stock-note">Note</label>
        <input id="stock-note" name="note" />
        {stock.isError ? <ErrorPanel error={stock.error} title="The stock was not adjusted" /> : null}
        {stock.isSuccess ? <p role="status">Stock adjusted.</p> : null}
        <button type="submit" disabled={stock.isPending}>
          Adjust stock
        </button>
      </form>
    </div>
  );
}

function Products() {
  const [id, setId] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section>
      <h1>Products</h1>
      <AdminNav />
      <form
        className="inline"
        onSubmit={(event) => {
          event.preventDefault();
          setOpen(id.trim());
        }}
      >
        <label htmlFor="product-id">Product id to edit</label>
        <input id="product-id" value={id} onChange={(e) => setId(e.target.value)} />
        <button type="submit">Open</button>
      </form>
      {open ? <EditProduct id={open} /> : null}
      <CreateProduct />
    </section>
  );
}

export default function ProductsRoute() {
  return (
    <RequireSession roles={["admin"]}>
      <Products />
    </RequireSession>
  );
}
