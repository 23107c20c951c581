// Extract the Jeju island coastline (plus any islets nearby) from Natural Earth 1:10m
// via the npm package world-atlas (countries-10m.json), decoded with topojson-client.
//
// Usage: node web/map/extract_jeju_outline.mjs <node_modules dir> > web/map/jeju_outline.json
//
// Output: {"source": "...", "rings": [[[lng, lat], ...], ...]}
//   - coordinates rounded to 4 decimals, [lng, lat] order (GeoJSON)
//   - rings sorted by point count, largest (Jeju) first
//   - rings are CLOSED: the last point repeats the first, as in GeoJSON
//   - only outer rings (holes are not emitted)
import { createRequire } from "node:module";
import path from "node:path";

const nm = process.argv[2];
if (!nm) {
  console.error("usage: node extract_jeju_outline.mjs <node_modules dir>");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(nm), "noop.js"));
const topo = require("world-atlas/countries-10m.json");
const { version } = require("world-atlas/package.json");
const { feature } = require("topojson-client");

const geom = topo.objects.countries.geometries.find(
  (g) => g.id === "410" || g.properties?.name === "South Korea"
);
if (!geom) throw new Error("South Korea not found in countries-10m.json");
const f = feature(topo, geom);
const polys =
  f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;

const inBox = (ring) =>
  ring.every(([x, y]) => x >= 126.0 && x <= 127.1 && y >= 33.0 && y <= 33.7);
const r4 = (v) => Math.round(v * 1e4) / 1e4;

const rings = polys
  .map((p) => p[0])
  .filter(inBox)
  .map((ring) => ring.map(([x, y]) => [r4(x), r4(y)]))
  .sort((a, b) => b.length - a.length);

if (rings.length === 0) throw new Error("no ring found in the Jeju bounding box");
if (rings[0].length < 20)
  console.error(`warning: main ring has only ${rings[0].length} points`);

process.stdout.write(
  JSON.stringify({
    source: `Natural Earth 1:10m via npm world-atlas@${version} (public domain)`,
    rings,
  }) + "\n"
);
