import type { Timeline } from "@/features/provenance/api/get-provenance";
import { VerificationMark } from "@/features/provenance/components/verification-mark";
import { countryName, describeEvent, inTimeOrder, lotsOf } from "@/features/provenance/utils/describe";
import type { TimelineCheck } from "@/features/provenance/utils/verify";

function when(eventTime: string): string {
  const moment = new Date(eventTime);
  return Number.isNaN(moment.getTime()) ? eventTime : moment.toLocaleDateString("en-GB", { dateStyle: "medium" });
}

/** The product's events in time order, each with what happened, where, what it names, and its check. */
export function ProvenanceTimeline({ timeline, check }: { timeline: Timeline; check: TimelineCheck | undefined }) {
  const events = inTimeOrder(timeline);
  if (events.length === 0) return <p>No provenance has been recorded for this product yet.</p>;
  return (
    <ol className="provenance-timeline">
      {events.map((item) => {
        const { event } = item;
        const ilmd = event.ilmd;
        const lots = lotsOf(event, timeline.gtin);
        const materials = ilmd?.["ecolaura:materials"] ?? [];
        const certificates = ilmd?.["ecolaura:certificates"] ?? [];
        const where = event["ecolaura:country"];
        const origin = ilmd?.["ecolaura:originCountry"];
        return (
          <li key={item.leaf_index} className="timeline-event" aria-labelledby={`leaf-${item.leaf_index}`}>
            <p className="timeline-when">
              <time dateTime={event.eventTime}>{when(event.eventTime)}</time>
              {where ? <> · {countryName(where)}</> : null}
            </p>
            <h3 id={`leaf-${item.leaf_index}`}>{describeEvent(event, timeline.gtin)}</h3>
            <dl className="timeline-facts">
              {origin ? (
                <div>
                  <dt>Origin</dt>
                  <dd>{countryName(origin)}</dd>
                </div>
              ) : null}
              {materials.length ? (
                <div>
                  <dt>{event.type === "ObjectEvent" ? "Materials" : "Made into"}</dt>
                  <dd>{materials.map((m) => (m.kg ? `${m.material} (${m.kg} kg)` : m.material)).join(", ")}</dd>
                </div>
              ) : null}
              {certificates.length ? (
                <div>
                  <dt>Certificates</dt>
                  <dd>{certificates.join(", ")}</dd>
                </div>
              ) : null}
              {lots.length ? (
                <div>
                  <dt>Lots</dt>
                  <dd>{lots.map((l) => (l.ours ? `${l.lot} (this product)` : `${l.lot} (GTIN ${l.gtin})`)).join(", ")}</dd>
                </div>
              ) : null}
              <div>
                <dt>Log entry</dt>
                <dd>
                  leaf {item.leaf_index}, {event.type}
                </dd>
              </div>
            </dl>
            <VerificationMark check={check?.events.get(item.leaf_index)} />
          </li>
        );
      })}
    </ol>
  );
}
