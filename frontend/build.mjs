// Copies the vendored front-end libraries (Leaflet, its marker clusters, Swagger UI for /docs) out of node_modules into the package's static folder, with
// their licences, and turns world-atlas's country TopoJSON into a small GeoJSON the page draws offline.
// Run by `make assets` after `npm ci`; the output is committed, so installing eventwire needs no npm.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { feature } from "topojson-client";

const here = dirname(fileURLToPath(import.meta.url));
const nm = join(here, "node_modules");
const out = join(here, "..", "src", "eventwire", "web", "static", "vendor");

const copies = {
  "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
  "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
  "leaflet/dist/images/layers.png": "leaflet/images/layers.png",
  "leaflet/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
  "leaflet/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
  "leaflet/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
  "leaflet/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
  "leaflet/LICENSE": "leaflet/LICENSE",
  "leaflet.markercluster/dist/leaflet.markercluster.js": "markercluster/leaflet.markercluster.js",
  "leaflet.markercluster/dist/MarkerCluster.css": "markercluster/MarkerCluster.css",
  "leaflet.markercluster/MIT-LICENCE.txt": "markercluster/LICENSE",
  "world-atlas/LICENSE": "world-atlas/LICENSE",
  "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
  "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
  "swagger-ui-dist/LICENSE": "swagger-ui/LICENSE",
  "swagger-ui-dist/NOTICE": "swagger-ui/NOTICE",
};
for (const [from, to] of Object.entries(copies)) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  copyFileSync(join(nm, from), join(out, to));
}

// 4 decimals (~10 m) is far finer than the 1:110m outlines themselves, and cuts the file by half.
const round = (value) =>
  Array.isArray(value) ? value.map(round) : Math.round(value * 1e4) / 1e4;
const topo = JSON.parse(readFileSync(join(nm, "world-atlas", "countries-110m.json"), "utf8"));
const countries = feature(topo, topo.objects.countries);
// Antarctica has no events to show and its ring runs along the map's edge; drop it.
countries.features = countries.features.filter((f) => f.properties.name !== "Antarctica");
// A ring that crosses the antimeridian (Fiji, Russia's far east) jumps from 180 to -180 and a web map draws
// that jump as a line across the world: move its western half past 180 so the ring stays in one piece.
const mend = (ring) =>
  ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180)
    ? ring.map(([x, y]) => [x < 0 ? x + 360 : x, y])
    : ring;
for (const f of countries.features) {
  const g = f.geometry;
  if (g.type === "Polygon") g.coordinates = g.coordinates.map(mend);
  else if (g.type === "MultiPolygon") g.coordinates = g.coordinates.map((poly) => poly.map(mend));
  g.coordinates = round(g.coordinates);
}
writeFileSync(join(out, "world-atlas", "countries-110m.geojson"), JSON.stringify(countries));
const version = (name) => JSON.parse(readFileSync(join(nm, name, "package.json"), "utf8")).version;
writeFileSync(
  join(out, "VERSIONS.txt"),
  ["leaflet", "leaflet.markercluster", "world-atlas", "topojson-client", "swagger-ui-dist"]
    .map((n) => `${n} ${version(n)}`)
    .join("\n") + "\n",
);
console.log(`vendored into ${out}: ${countries.features.length} country outlines`);
