import { geoArea, geoCentroid, geoNaturalEarth1, geoPath } from "d3-geo";
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from "geojson";
import { useMemo } from "react";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
// Natural Earth 1:110m countries as TopoJSON, bundled into this chunk: nothing is fetched at run time.
import world from "world-atlas/countries-110m.json";
import { countryName } from "@/features/provenance/utils/describe";
import { ISO_NUMERIC } from "@/features/provenance/utils/iso-numeric";

const WIDTH = 960;
const HEIGHT = 480;

type Country = Feature<Geometry, { name: string }>;

const countries = (() => {
  const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  return (feature(topology, topology.objects.countries) as FeatureCollection<Geometry, { name: string }>).features;
})();
const projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], { type: "Sphere" });
const path = geoPath(projection);
const outlines = countries.map((c) => ({ id: String(c.id ?? ""), d: path(c) ?? "" }));
const sphere = path({ type: "Sphere" }) ?? "";

/** Where to put a country's dot: the centroid of its largest polygon (France's, not halfway to Guiana). */
function anchor(country: Country): [number, number] | null {
  const geometry = country.geometry;
  let main: Polygon | MultiPolygon | Geometry = geometry;
  if (geometry.type === "MultiPolygon") {
    const parts = geometry.coordinates.map((coordinates) => ({ type: "Polygon" as const, coordinates }));
    main = parts.reduce((a, b) => (geoArea(b) > geoArea(a) ? b : a));
  }
  return projection(geoCentroid(main)) ?? null;
}

type Props = { route: string[] };

/** A world map with the chain's countries highlighted and the route between them, in time order. */
export function ProvenanceMap({ route }: Props) {
  const byNumeric = useMemo(() => new Map(countries.map((c) => [String(c.id ?? ""), c])), []);
  const visited = new Set(route.map((code) => ISO_NUMERIC.get(code)).filter((n): n is string => Boolean(n)));
  const stops = route.map((code, i) => {
    const country = byNumeric.get(ISO_NUMERIC.get(code) ?? "");
    return { code, n: i + 1, point: country ? anchor(country) : null };
  });
  const drawn = stops.filter((s): s is { code: string; n: number; point: [number, number] } => s.point !== null);
  const missing = [...new Set(stops.filter((s) => s.point === null).map((s) => s.code))];
  const names = route.map(countryName);
  const label = route.length
    ? `Map of the supply chain: ${names.join(", then ")}`
    : "Map of the supply chain: no locations recorded";
  return (
    <figure className="provenance-map">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        <path d={sphere} className="map-sea" />
        {outlines.map((o, i) => (
          <path key={`${o.id}-${i}`} d={o.d} className={visited.has(o.id) ? "map-country visited" : "map-country"} />
        ))}
        {drawn.length > 1 ? (
          <polyline className="map-route" points={drawn.map((s) => s.point.join(",")).join(" ")} />
        ) : null}
        {drawn.map((s) => (
          <g key={s.n} transform={`translate(${s.point[0]},${s.point[1]})`}>
            <circle r={9} className="map-stop" />
            <text textAnchor="middle" dy="0.35em" className="map-stop-number">
              {s.n}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>
        {route.length ? (
          <>
            Route: <ol className="route-list">{names.map((name, i) => <li key={`${name}-${i}`}>{name}</li>)}</ol>
            {missing.length ? <p className="muted">Too small to draw at this scale: {missing.map(countryName).join(", ")}.</p> : null}
          </>
        ) : (
          "No locations recorded yet."
        )}
      </figcaption>
    </figure>
  );
}

export default ProvenanceMap;
