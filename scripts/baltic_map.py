"""Regenerate haven/statistics/data/baltic-map.json: the outlines of the Baltic Sea
region states for the regional exchange's map, as compact SVG paths.

Source: the npm package ``world-atlas`` 2.0.2 (ISC licence, Mike Bostock), whose
``countries-50m.json`` is Natural Earth's 1:50m Admin 0 countries (public domain) as
TopoJSON. Nothing is fetched at run time: the TopoJSON is decoded here, once.

    cd "$(mktemp -d)" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/baltic_map.py "$PWD/package/countries-50m.json" \\
        > haven/statistics/data/baltic-map.json

What it does: decodes the TopoJSON arcs; keeps the ten member states of the Council
of the Baltic Sea States (Russia's membership is suspended since 2022: it is drawn as
a neighbour, like every other country) and merges Åland into Finland; projects
longitude/latitude with a spherical Lambert azimuthal equal-area projection centred
on 10° E, 60° N (areas are comparable across the region, which a choropleth needs);
drops the far islands of a state (Svalbard, Jan Mayen) by a longitude/latitude box;
clips the neighbours to the frame; simplifies every ring (Douglas-Peucker, about half
a pixel at the map's width) and drops islands smaller than a few pixels; and places
each state's label at the point of its largest polygon farthest from its edges.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

# ISO 3166-1 numeric (Natural Earth's id in world-atlas) -> alpha-2, the CBSS members.
MEMBERS = {
    "208": "DK",
    "233": "EE",
    "246": "FI",
    "248": "FI",  # Åland, an autonomous region of Finland
    "276": "DE",
    "352": "IS",
    "428": "LV",
    "440": "LT",
    "578": "NO",
    "616": "PL",
    "752": "SE",
}
# The members' polygons kept: the mainland and near islands (no Svalbard, Jan Mayen).
KEEP = (-25.0, 47.0, 33.0, 71.5)  # west, south, east, north (degrees)
KEEP_WEST = {"NO": 0.0}  # Norway's Jan Mayen lies west of Iceland's east coast
LON0, LAT0 = math.radians(10.0), math.radians(60.0)
WIDTH = 600.0
MARGIN = 8.0
TOLERANCE = 0.5  # pixels
MIN_AREA = 3.0  # square pixels: smaller islands are dropped

Point = tuple[float, float]
Ring = list[Point]


def arcs_of(topology: dict[str, Any]) -> list[Ring]:
    """The arcs as absolute longitude/latitude (quantized and delta-encoded)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def ring(indexes: list[int], arcs: list[Ring]) -> Ring:
    points: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def polygons(geometry: dict[str, Any], arcs: list[Ring]) -> list[list[Ring]]:
    if geometry["type"] == "Polygon":
        return [[ring(r, arcs) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]
    return []


def project(lon: float, lat: float) -> Point:
    """Spherical Lambert azimuthal equal-area, y growing northwards."""
    lam, phi = math.radians(lon) - LON0, math.radians(lat)
    cos_c = math.sin(LAT0) * math.sin(phi) + math.cos(LAT0) * math.cos(phi) * math.cos(lam)
    k = math.sqrt(2 / (1 + cos_c))
    x = k * math.cos(phi) * math.sin(lam)
    y = k * (math.cos(LAT0) * math.sin(phi) - math.sin(LAT0) * math.cos(phi) * math.cos(lam))
    return x, y


def inside_keep(code: str, polygon: list[Ring]) -> bool:
    west, south, east, north = KEEP
    west = KEEP_WEST.get(code, west)
    lons = [p[0] for p in polygon[0]]
    lats = [p[1] for p in polygon[0]]
    return west <= min(lons) and max(lons) <= east and south <= min(lats) and max(lats) <= north


def clip(points: Ring, box: tuple[float, float, float, float]) -> Ring:
    """Sutherland-Hodgman: the ring clipped to the rectangle (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: _cut_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _cut_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _cut_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _cut_y(a, b, y1)),
    ]
    for inside, cut in edges:
        if not points:
            break
        result: Ring = []
        previous = points[-1]
        for current in points:
            if inside(current):
                if not inside(previous):
                    result.append(cut(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cut(previous, current))
            previous = current
        points = result
    return points


def _cut_x(a: Point, b: Point, x: float) -> Point:
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _cut_y(a: Point, b: Point, y: float) -> Point:
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker (iterative) on a closed ring."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        best, index = 0.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = math.hypot(px - ax, py - ay)
            else:
                distance = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            if distance > best:
                best, index = distance, i
        if best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def area(points: Ring) -> float:
    return abs(
        sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(points, points[1:] + points[:1], strict=True))
        / 2
    )


def contains(points: Ring, x: float, y: float) -> bool:
    inside = False
    for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1], strict=True):
        if (ay > y) != (by > y) and x < ax + (y - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


def edge_distance(points: Ring, x: float, y: float) -> float:
    best = math.inf
    for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1], strict=True):
        dx, dy = bx - ax, by - ay
        squared = dx * dx + dy * dy
        t = 0.0 if squared == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / squared))
        best = min(best, math.hypot(x - ax - t * dx, y - ay - t * dy))
    return best


def label_point(points: Ring) -> list[float]:
    """The grid point (2 px) inside the ring farthest from its edges."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    best, where = -1.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    y = min(ys)
    while y <= max(ys):
        x = min(xs)
        while x <= max(xs):
            if contains(points, x, y):
                distance = edge_distance(points, x, y)
                if distance > best:
                    best, where = distance, (x, y)
            x += 2
        y += 2
    return [round(where[0], 1), round(where[1], 1)]


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def path(rings: list[Ring]) -> str:
    """Absolute coordinates, one decimal: M x y x y ... Z (the L is implied)."""
    return "".join(
        "M" + " ".join(f"{_number(x)} {_number(y)}" for x, y in points) + "Z" for points in rings
    )


def build(topology: dict[str, Any]) -> dict[str, Any]:
    arcs = arcs_of(topology)
    members: dict[str, list[Ring]] = {}
    others: list[Ring] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = MEMBERS.get(str(geometry.get("id")))
        for polygon in polygons(geometry, arcs):
            if code is None:
                others.extend([project(*p) for p in r] for r in polygon)
            elif inside_keep(code, polygon):
                members.setdefault(code, []).extend([project(*p) for p in r] for r in polygon)
    xs = [p[0] for rings in members.values() for r in rings for p in r]
    ys = [p[1] for rings in members.values() for r in rings for p in r]
    scale = (WIDTH - 2 * MARGIN) / (max(xs) - min(xs))
    height = round((max(ys) - min(ys)) * scale + 2 * MARGIN)

    def to_svg(points: Ring) -> Ring:
        return [((x - min(xs)) * scale + MARGIN, (max(ys) - y) * scale + MARGIN) for x, y in points]

    states: dict[str, dict[str, Any]] = {}
    for code in sorted(members):
        rings = [simplify(to_svg(r), TOLERANCE) for r in members[code]]
        largest = max(rings, key=area)
        kept = [r for r in rings if r is largest or (len(r) >= 4 and area(r) >= MIN_AREA)]
        states[code] = {"d": path(kept), "label": label_point(largest)}
    frame = (0.0, 0.0, WIDTH, float(height))
    context = []
    for r in others:
        clipped = clip(to_svg(r), frame)
        if len(clipped) >= 4:
            simple = simplify(clipped, TOLERANCE)
            if len(simple) >= 4 and area(simple) >= MIN_AREA:
                context.append(simple)
    return {
        "about": (
            "Outlines of the Baltic Sea region states for the regional statistics map, "
            "generated by scripts/baltic_map.py: do not edit by hand."
        ),
        "source": (
            "Natural Earth 1:50m Admin 0 countries (public domain), as TopoJSON in the "
            "npm package world-atlas 2.0.2 (ISC licence, Copyright 2013-2019 Michael "
            "Bostock), countries-50m.json; simplified and projected."
        ),
        "licence": "Public domain (Natural Earth); package ISC.",
        "projection": "Lambert azimuthal equal-area (sphere), centre 10E 60N",
        "width": int(WIDTH),
        "height": height,
        "states": states,
        "context": path(context),
    }


def main() -> None:
    topology = json.loads(Path(sys.argv[1]).read_text("utf-8"))
    sys.stdout.write(json.dumps(build(topology), ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
