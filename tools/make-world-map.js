#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
//
// make-world-map.js — writes report/html/world-map.json, the country shapes
// of the HTML report's map, as SVG path data keyed by ISO 3166-1 alpha-2
// (what MaxMind's country_iso gives).  Run by hand when the shapes should
// change; the output is committed, so neither the build nor CI needs node,
// and the page never fetches anything.
//
//   mkdir /tmp/wm && cd /tmp/wm && npm install world-atlas@2.0.2
//   node tools/make-world-map.js /tmp/wm/node_modules/world-atlas/countries-110m.json \
//        /usr/share/iso-codes/json/iso_3166-1.json > report/html/world-map.json
//
// Sources:
//   - shapes: Natural Earth 1:110m admin-0 countries (public domain,
//     https://www.naturalearthdata.com/about/terms-of-use/), as TopoJSON in
//     the npm package world-atlas 2.0.2 (ISC licence, Mike Bostock), keyed by
//     ISO 3166-1 numeric;
//   - numeric -> alpha-2: Debian's iso-codes (iso_3166-1.json, LGPL-2.1+).
// Projection: equirectangular (plate carrée), longitude -180..180 to x
// 0..1000, latitude 84..-60 to y 0..400 (Antarctica left out: no capture
// talks to it and it would take a fifth of the map); coordinates rounded to
// 0.1 unit, consecutive equal points dropped.
'use strict';
const fs = require('fs');

const [atlasPath, isoPath] = process.argv.slice(2);
if (!atlasPath || !isoPath) {
    process.stderr.write('usage: make-world-map.js countries-110m.json iso_3166-1.json\n');
    process.exit(2);
}
const topology = JSON.parse(fs.readFileSync(atlasPath, 'utf8'));
const iso = JSON.parse(fs.readFileSync(isoPath, 'utf8'))['3166-1'];
const alpha2 = new Map(iso.map((c) => [c.numeric, c.alpha_2]));
// Shapes Natural Earth gives without an ISO numeric code; MaxMind's codes.
const byName = new Map([['Kosovo', 'XK'], ['N. Cyprus', 'CY'], ['Somaliland', 'SO']]);

const WIDTH = 1000, NORTH = 84, SOUTH = -60;
const HEIGHT = Math.round(WIDTH / 360 * (NORTH - SOUTH));
const project = ([lon, lat]) => [
    Math.round((lon + 180) / 360 * WIDTH * 10) / 10,
    Math.round((NORTH - Math.max(SOUTH, Math.min(NORTH, lat))) / 360 * WIDTH * 10) / 10,
];

// TopoJSON arcs are quantized and delta-encoded.
const { scale, translate } = topology.transform;
const arcs = topology.arcs.map((arc) => {
    let x = 0, y = 0;
    return arc.map(([dx, dy]) => {
        x += dx;
        y += dy;
        return project([x * scale[0] + translate[0], y * scale[1] + translate[1]]);
    });
});

function ring(indexes) {
    const points = [];
    for (const index of indexes) {
        const arc = index >= 0 ? arcs[index] : arcs[~index].slice().reverse();
        points.push(...(points.length ? arc.slice(1) : arc));
    }
    return points;
}

// A ring that crosses the antimeridian (Chukotka, Fiji) would be drawn with
// a stroke across the whole map: unwrap its longitudes instead, so it runs
// past an edge of the map, where the SVG viewport clips it.
function unwrap(points) {
    let shift = 0;
    return points.map((p, i) => {
        if (i > 0) {
            const step = p[0] - points[i - 1][0];
            if (step > WIDTH / 2)
                shift -= WIDTH;
            else if (step < -WIDTH / 2)
                shift += WIDTH;
        }
        return [Math.round((p[0] + shift) * 10) / 10, p[1]];
    });
}

function ringPath(raw) {
    const points = unwrap(raw);
    const kept = points.filter((p, i) => i === 0 || p[0] !== points[i - 1][0] || p[1] !== points[i - 1][1]);
    if (kept.length < 3)
        return '';
    return 'M' + kept.map((p) => `${p[0]} ${p[1]}`).join('L') + 'Z';
}

function polygons(geometry) {
    if (geometry.type === 'Polygon')
        return [geometry.arcs];
    if (geometry.type === 'MultiPolygon')
        return geometry.arcs;
    return [];
}

const countries = {};
for (const geometry of topology.objects.countries.geometries) {
    const code = alpha2.get(geometry.id) || byName.get(geometry.properties && geometry.properties.name);
    if (!code || code === 'AQ')
        continue;
    const path = polygons(geometry).flatMap((rings) => rings.map((r) => ringPath(ring(r)))).join('');
    if (path)
        countries[code] = (countries[code] || '') + path;
}

const sorted = Object.fromEntries(Object.keys(countries).sort().map((k) => [k, countries[k]]));
process.stdout.write(JSON.stringify({
    source: 'Natural Earth 1:110m admin-0 countries (public domain) via world-atlas 2.0.2 (ISC); '
        + 'ISO 3166-1 numeric to alpha-2 from Debian iso-codes; made by tools/make-world-map.js',
    projection: 'equirectangular, latitudes 84 to -60',
    width: WIDTH,
    height: HEIGHT,
    countries: sorted,
}) + '\n');
