import { Link, useParams } from "react-router";
import { ErrorBoundary } from "@/components/errors/boundary";
import { ErrorPanel } from "@/components/errors/error-panel";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { useProduct } from "@/features/product/api/get-product";
import { qrCodeUrl, type Timeline, useProvenance } from "@/features/provenance/api/get-provenance";
import { ProvenanceMap } from "@/features/provenance/components/provenance-map";
import { ProvenanceTimeline } from "@/features/provenance/components/provenance-timeline";
import { HeadSummary } from "@/features/provenance/components/verification-mark";
import { useVerification } from "@/features/provenance/hooks/use-verification";
import { certificatesOf, countryName, inTimeOrder, materialsOf, routeOf } from "@/features/provenance/utils/describe";
import type { TimelineCheck } from "@/features/provenance/utils/verify";
import { formatKg } from "@/lib/format";

function Summary({ check, signed, pending }: { check: TimelineCheck | undefined; signed: number; pending: number }) {
  if (!check) return <p role="status">Checking the proofs in your browser…</p>;
  const failed = [...check.events.values()].filter((e) => e.status === "failed");
  const waiting = pending ? ` ${pending} newer event${pending === 1 ? " awaits" : "s await"} the next signed tree head.` : "";
  return (
    <div role="status" className={failed.length ? "verification failed" : "verification ok"}>
      <p>
        <strong>
          {failed.length
            ? `${failed.length} of ${signed} events failed verification in your browser.`
            : signed
              ? `All ${signed} signed events verified in your browser.`
              : "No signed events to verify yet."}
        </strong>
        {waiting}
      </p>
      <p>
        Each event&apos;s hash was recomputed here from its content (SHA-256 of its RFC 8785 JSON), its inclusion proof checked
        against the log&apos;s signed tree head (RFC 9162), and the tree head: <HeadSummary head={check.head} />.
      </p>
    </div>
  );
}

export default function PassportPage() {
  const { productId = "" } = useParams();
  const provenance = useProvenance(productId);
  const product = useProduct(productId);
  const verification = useVerification(productId, provenance.data, provenance.dataUpdatedAt);

  if (provenance.isPending) return <Loading label="Loading the product passport" />;
  if (provenance.isError) return <ErrorPanel error={provenance.error} onRetry={() => void provenance.refetch()} />;
  const timeline = provenance.data;
  const events = inTimeOrder(timeline);
  const materials = materialsOf(events);
  const certificates = certificatesOf(events);
  return (
    <article className="passport-page">
      <p className="breadcrumb">
        <Link to={paths.product.href(productId)}>{product.data ? product.data.name : "Back to the product"}</Link>
      </p>
      <h1>Product passport{product.data ? `: ${product.data.name}` : ""}</h1>
      <p className="product-meta">
        GTIN {timeline.gtin} · <a href={timeline.digital_link}>GS1 Digital Link</a>
      </p>
      {verification.isError ? (
        <ErrorPanel error={verification.error} title="The proofs could not be checked in this browser" />
      ) : (
        <Summary check={verification.data} signed={timeline.events.length} pending={timeline.pending.length} />
      )}
      <div className="passport-grid">
        <section aria-labelledby="map-heading">
          <h2 id="map-heading">Where it has been</h2>
          <ErrorBoundary title="The map could not be drawn">
            <ProvenanceMap route={routeOf(events)} />
          </ErrorBoundary>
        </section>
        <section aria-labelledby="materials-heading">
          <h2 id="materials-heading">Materials and their origins</h2>
          {materials.length ? (
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Material</th>
                    <th scope="col">Origin</th>
                    <th scope="col">Certificates</th>
                  </tr>
                </thead>
                <tbody>
                  {materials.map((m, i) => (
                    <tr key={`${m.material}-${i}`}>
                      <td>{m.kg ? `${m.material} (${m.kg} kg)` : m.material}</td>
                      <td>{m.origin ? countryName(m.origin) : "not stated"}</td>
                      <td>{m.certificates.length ? m.certificates.join(", ") : "none"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p>No materials are stated in the recorded events.</p>
          )}
          <h2 id="certificates-heading">Certificates</h2>
          {certificates.length ? (
            <ul aria-labelledby="certificates-heading">
              {certificates.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          ) : (
            <p>No certificates are stated in the recorded events.</p>
          )}
          <img className="qr" src={qrCodeUrl(productId)} alt={`QR code of this product's Digital Link, ${timeline.digital_link}`} width={148} height={148} />
        </section>
      </div>
      {timeline.footprint ? <FootprintFromRecord footprint={timeline.footprint} /> : null}
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <ProvenanceTimeline timeline={timeline} check={verification.data} />
      </section>
    </article>
  );
}

const FACT_NAMES: Record<string, string> = { origin_country: "where it was made", materials: "its materials" };

/** The catalog's footprint beside the one the recorded facts give, when they say something else. */
function FootprintFromRecord({ footprint }: { footprint: NonNullable<Timeline["footprint"]> }) {
  const differs = footprint.differs.map((d) => FACT_NAMES[d] ?? d).join(" and ");
  return (
    <section aria-labelledby="footprint-heading">
      <h2 id="footprint-heading">Footprint</h2>
      <p>
        The catalog rates this product at {formatKg(footprint.catalog_kg_co2e)} (factors {footprint.factor_version}).
      </p>
      {footprint.differs.length ? (
        <p>
          The recorded history states other facts about {differs}
          {footprint.recorded_kg_co2e === null
            ? `; ${footprint.note ?? "they cannot be rated"}.`
            : `: rated from them, it comes to ${formatKg(footprint.recorded_kg_co2e)}.`}
        </p>
      ) : (
        <p>The recorded history agrees with the catalog on where it was made and of what.</p>
      )}
    </section>
  );
}
