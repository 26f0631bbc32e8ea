#!/usr/bin/env python3
"""Build data/geo/americas.geojson from world-atlas@2.0.2 (Natural Earth 1:50m).

Standard library only (Python 3.11+).

Usage:
    python3 scripts/make_boundaries.py [COUNTRIES_50M_JSON] [OUTPUT_GEOJSON]

COUNTRIES_50M_JSON defaults to node_modules/world-atlas/countries-50m.json
(get it with `npm install world-atlas@2.0.2`); OUTPUT_GEOJSON defaults to
data/geo/americas.geojson next to this script's parent directory.

What it does:
  * decodes the TopoJSON (delta-encoded, quantized arcs) with the decoder
    from shared/research/toolchain.md section 4;
  * keeps the countries of UN M49 region 019 "Americas" plus Spain (724);
  * takes French Guiana (ISO 254 / GUF) out of France (250), which Natural
    Earth draws as one multipolygon, and drops the rest of France
    (metropolitan France, Corsica, Reunion, Mayotte, and also Guadeloupe and
    Martinique, which have no feature of their own in world-atlas);
  * simplifies with Douglas-Peucker on the TopoJSON *arcs*, before they are
    joined into rings, so borders shared by two countries are simplified once
    and stay identical on both sides (no slivers or gaps);
  * rounds coordinates to 3 decimals (2 only if the size budget needs it),
    drops rings that end up with fewer than 4 points (or zero area) but never
    a whole country: a country that would lose every ring is rebuilt with a
    smaller tolerance;
  * writes the features sorted by ISO alpha-3 code with
    json.dumps(..., separators=(",", ":"), sort_keys=True) and a trailing
    newline, so the same input always gives byte-identical output.

The tolerance is the smallest value in TOLERANCES (degrees) whose output is
below SIZE_BUDGET bytes; it is printed, along with the feature count, the
size and the SHA-256 of the output.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

SIZE_BUDGET = 250 * 1024  # bytes; the output must stay strictly below this
TOLERANCES = (0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1)
PRECISIONS = (3, 2)  # decimals; 2 is only tried if no tolerance fits with 3

# UN M49 region 019 "Americas", ISO 3166-1 numeric (world-atlas ids are
# zero-padded strings). Same list as shared/research/toolchain.md section 4.
AMERICAS_M49 = frozenset("""
028 032 044 052 060 068 074 076 084 092 124 136 152 170 188 192 212 214 218 222
238 239 254 304 308 312 320 328 332 340 388 474 484 500 531 533 534 535 558 591
600 604 630 652 659 660 662 663 666 670 740 780 796 840 850 858 862
""".split())

SPAIN = "724"
FRANCE = "250"
FRENCH_GUIANA = "254"

# ISO 3166-1 numeric -> (alpha-3, English short name), for every feature
# this script may keep: the 57 M49 Americas codes plus Spain.
ISO = {
    "028": ("ATG", "Antigua and Barbuda"),
    "032": ("ARG", "Argentina"),
    "044": ("BHS", "Bahamas"),
    "052": ("BRB", "Barbados"),
    "060": ("BMU", "Bermuda"),
    "068": ("BOL", "Bolivia"),
    "074": ("BVT", "Bouvet Island"),
    "076": ("BRA", "Brazil"),
    "084": ("BLZ", "Belize"),
    "092": ("VGB", "British Virgin Islands"),
    "124": ("CAN", "Canada"),
    "136": ("CYM", "Cayman Islands"),
    "152": ("CHL", "Chile"),
    "170": ("COL", "Colombia"),
    "188": ("CRI", "Costa Rica"),
    "192": ("CUB", "Cuba"),
    "212": ("DMA", "Dominica"),
    "214": ("DOM", "Dominican Republic"),
    "218": ("ECU", "Ecuador"),
    "222": ("SLV", "El Salvador"),
    "238": ("FLK", "Falkland Islands"),
    "239": ("SGS", "South Georgia and the South Sandwich Islands"),
    "254": ("GUF", "French Guiana"),
    "304": ("GRL", "Greenland"),
    "308": ("GRD", "Grenada"),
    "312": ("GLP", "Guadeloupe"),
    "320": ("GTM", "Guatemala"),
    "328": ("GUY", "Guyana"),
    "332": ("HTI", "Haiti"),
    "340": ("HND", "Honduras"),
    "388": ("JAM", "Jamaica"),
    "474": ("MTQ", "Martinique"),
    "484": ("MEX", "Mexico"),
    "500": ("MSR", "Montserrat"),
    "531": ("CUW", "Curaçao"),
    "533": ("ABW", "Aruba"),
    "534": ("SXM", "Sint Maarten"),
    "535": ("BES", "Bonaire, Sint Eustatius and Saba"),
    "558": ("NIC", "Nicaragua"),
    "591": ("PAN", "Panama"),
    "600": ("PRY", "Paraguay"),
    "604": ("PER", "Peru"),
    "630": ("PRI", "Puerto Rico"),
    "652": ("BLM", "Saint Barthélemy"),
    "659": ("KNA", "Saint Kitts and Nevis"),
    "660": ("AIA", "Anguilla"),
    "662": ("LCA", "Saint Lucia"),
    "663": ("MAF", "Saint Martin (French part)"),
    "666": ("SPM", "Saint Pierre and Miquelon"),
    "670": ("VCT", "Saint Vincent and the Grenadines"),
    "724": ("ESP", "Spain"),
    "740": ("SUR", "Suriname"),
    "780": ("TTO", "Trinidad and Tobago"),
    "796": ("TCA", "Turks and Caicos Islands"),
    "840": ("USA", "United States"),
    "850": ("VIR", "United States Virgin Islands"),
    "858": ("URY", "Uruguay"),
    "862": ("VEN", "Venezuela"),
}
assert set(ISO) == AMERICAS_M49 | {SPAIN}, "ISO table and M49 list disagree"
assert len({a3 for a3, _ in ISO.values()}) == len(ISO), "duplicate alpha-3"


def _is_french_guiana(ring):
    """True for France's polygon whose outer ring lies in French Guiana."""
    cx = sum(x for x, _ in ring) / len(ring)
    cy = sum(y for _, y in ring) / len(ring)
    return -55.0 < cx < -51.0 and 1.0 < cy < 7.0


# --------------------------------------------------------------------------
# TopoJSON decoding (toolchain.md section 4), split into arcs + geometries so
# that simplification can run on the shared arcs.

def decode_arcs(topo):
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:  # delta-encoded, quantized
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def polygons_of(geom):
    """A TopoJSON geometry as a list of polygons (lists of arc-index rings)."""
    if geom["type"] == "Polygon":
        return [geom["arcs"]]
    if geom["type"] == "MultiPolygon":
        return list(geom["arcs"])
    return []  # null geometry


def ring_points(idxs, arcs):
    pts = []
    for i in idxs:  # negative index = reversed arc ~i
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


# --------------------------------------------------------------------------
# Douglas-Peucker (iterative, stdlib)

def _seg_dist2(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return (px - ax) ** 2 + (py - ay) ** 2
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    qx, qy = ax + t * dx, ay + t * dy
    return (px - qx) ** 2 + (py - qy) ** 2


def _dp_open(pts, tol):
    """Douglas-Peucker on a polyline; both end points are always kept."""
    n = len(pts)
    if n <= 2 or tol <= 0:
        return list(pts)
    tol2 = tol * tol
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            d = _seg_dist2(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if idx >= 0 and best > tol2:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(pts, keep) if k]


def simplify_arc(pts, tol):
    """Simplify one arc; a closed arc (an island) is split at the point
    farthest from its start so that DP has a real chord to work with."""
    if tol <= 0 or len(pts) <= 3:
        return list(pts)
    if pts[0] == pts[-1]:
        x0, y0 = pts[0]
        far = max(range(1, len(pts) - 1),
                  key=lambda k: (pts[k][0] - x0) ** 2 + (pts[k][1] - y0) ** 2)
        return _dp_open(pts[: far + 1], tol)[:-1] + _dp_open(pts[far:], tol)
    return _dp_open(pts, tol)


# --------------------------------------------------------------------------

def _area2(ring):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))


def clean_ring(pts, ndigits):
    """Round, drop consecutive duplicates, close; None if degenerate."""
    out = []
    for x, y in pts:
        p = [round(x, ndigits) + 0.0, round(y, ndigits) + 0.0]  # +0.0: no -0.0
        if not out or p != out[-1]:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    if len(out) < 4 or _area2(out) == 0:
        return None
    return out


def build_polygons(polys, arcs_for, tol, ndigits):
    """Rings from simplified arcs; returns (polygons, rings_dropped)."""
    out, dropped = [], 0
    for poly in polys:
        rings = []
        for k, idxs in enumerate(poly):
            ring = clean_ring(ring_points(idxs, arcs_for(tol)), ndigits)
            if ring is None:
                # a collapsed outer ring takes its holes with it
                dropped += 1 if k else len(poly)
                if k == 0:
                    break
                continue
            rings.append(ring)
        if rings:
            out.append(rings)
    return out, dropped


def build(topo, tol, ndigits, verbose=False):
    raw = decode_arcs(topo)
    cache = {}

    def arcs_for(t):
        if t not in cache:
            cache[t] = [simplify_arc(a, t) for a in raw]
        return cache[t]

    # (numeric id, polygons as arc-index rings), one entry per output feature
    sources = []
    seen = set()
    for g in topo["objects"]["countries"]["geometries"]:
        gid = g.get("id")
        if gid in AMERICAS_M49 or gid == SPAIN:
            sources.append((gid, polygons_of(g)))
            seen.add(gid)
        elif gid == FRANCE:
            guf = [p for p in polygons_of(g) if _is_french_guiana(ring_points(p[0], raw))]
            if not guf:
                raise SystemExit("French Guiana polygon not found inside France (250)")
            sources.append((FRENCH_GUIANA, guf))
            seen.add(FRENCH_GUIANA)
    notes = [f"note: {n} {ISO[n][0]} ({ISO[n][1]}) has no feature in world-atlas; skipped"
             for n in sorted(set(ISO) - seen)]

    features, stats = [], {"rings_dropped": 0, "fallback": {}}
    for num, polys in sources:
        a3, name = ISO[num]
        t = tol
        coords, dropped = build_polygons(polys, arcs_for, t, ndigits)
        while not coords:  # never drop a whole country: retry more finely
            t = t / 2 if t > tol / 64 else 0.0
            coords, dropped = build_polygons(polys, arcs_for, t, ndigits)
            if t == 0.0 and not coords:
                raise SystemExit(f"{a3}: no valid ring even without simplification")
        if t != tol:
            stats["fallback"][a3] = t
        stats["rings_dropped"] += dropped
        if verbose and dropped:
            print(f"  {a3}: dropped {dropped} collapsed ring(s)")
        geom = ({"type": "Polygon", "coordinates": coords[0]} if len(coords) == 1
                else {"type": "MultiPolygon", "coordinates": coords})
        features.append({"type": "Feature", "id": a3,
                         "properties": {"iso3": a3, "name": name, "m49": num},
                         "geometry": geom})
    features.sort(key=lambda f: f["id"])
    fc = {"type": "FeatureCollection", "features": features}
    text = json.dumps(fc, separators=(",", ":"), sort_keys=True) + "\n"
    return text, fc, notes, stats


def validate(fc):
    for f in fc["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        assert polys, f["id"]
        for poly in polys:
            for ring in poly:
                assert len(ring) >= 4 and ring[0] == ring[-1], (f["id"], ring[:3])


def main(argv):
    src = Path(argv[1] if len(argv) > 1 else "node_modules/world-atlas/countries-50m.json")
    dst = Path(argv[2]) if len(argv) > 2 else (
        Path(__file__).resolve().parents[1] / "data" / "geo" / "americas.geojson")
    topo = json.loads(src.read_text(encoding="utf-8"))

    for ndigits in PRECISIONS:
        for tol in TOLERANCES:
            text, fc, notes, stats = build(topo, tol, ndigits)
            size = len(text.encode("utf-8"))
            print(f"tolerance {tol:g} deg, {ndigits} decimals: {size} bytes")
            if size < SIZE_BUDGET:
                break
        else:
            continue
        break
    else:
        raise SystemExit(f"no tolerance in {TOLERANCES} fits in {SIZE_BUDGET} bytes")

    _, fc, notes, stats = build(topo, tol, ndigits, verbose=True)
    validate(fc)
    for n in notes:
        print(n)
    for a3, t in sorted(stats["fallback"].items()):
        print(f"note: {a3} kept with a finer tolerance {t:g} (all rings collapsed at {tol:g})")
    dst.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    dst.write_bytes(data)
    print(f"wrote {dst}")
    print(f"features: {len(fc['features'])}; rings dropped: {stats['rings_dropped']}")
    print(f"tolerance: {tol:g} degrees; precision: {ndigits} decimals")
    print(f"size: {len(data)} bytes; sha256: {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main(sys.argv)
