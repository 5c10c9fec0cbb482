"""Every shipped scenario whose earthquake follows a `fault` says which side of it the rupture
plane extends to (`dip_side`), and that side is the down-dip one (docs/model.md, "Why
`breaks: slope` is the default").

`breaks: slope` is the default and, with `dip_side`, breaks the slopes under the rupture plane;
without `dip_side` the rupture is the line itself, which puts the result at the mercy of where
the trench line is drawn (docs/model.md, "Where the trench line is drawn"). The down-dip side of
a subduction fault is the side of the overriding plate, the side with the coast: a point moved
100 km from the fault towards `dip_side` (square to the line's overall
direction, its first to its last point, as the model lays the plane) at a quarter, half and three
quarters of the fault's length must lie nearer to Japan's landing stations than the point moved
100 km the other way (not at the ends: the Nankai trough ends at the Izu Peninsula, with
stations on both sides).
"""

import json
import math

import pytest
import yaml

from replay_figures import REPO

R_KM = 6371.0088
SCENARIOS = sorted(REPO.glob("scenarios/*.yaml")) + sorted(REPO.glob("scenarios/replays/*.yaml"))


def bearing_deg(a, b):
    p1, p2 = math.radians(a[1]), math.radians(b[1])
    dl = math.radians(b[0] - a[0])
    y = math.sin(dl) * math.cos(p2)
    x = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return math.degrees(math.atan2(y, x))


def destination(p, bearing, km):
    lat, lon, th, d = math.radians(p[1]), math.radians(p[0]), math.radians(bearing), km / R_KM
    lat2 = math.asin(math.sin(lat) * math.cos(d) + math.cos(lat) * math.sin(d) * math.cos(th))
    lon2 = lon + math.atan2(math.sin(th) * math.sin(d) * math.cos(lat),
                            math.cos(d) - math.sin(lat) * math.sin(lat2))
    return (math.degrees(lon2), math.degrees(lat2))


def distance_km(a, b):
    p1, p2 = math.radians(a[1]), math.radians(b[1])
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[0] - a[0]) / 2) ** 2)
    return 2 * R_KM * math.asin(math.sqrt(h))


def japan_stations():
    data = json.loads((REPO / "topology" / "japan.geojson").read_text())
    return [tuple(f["geometry"]["coordinates"]) for f in data["features"]
            if f["properties"].get("kind") == "landing_station"
            and f["properties"].get("country") == "JP"]


def along(fault, share):
    """The point SHARE of the way along FAULT (by length; linear in lon/lat within a leg)."""
    legs = [distance_km(a, b) for a, b in zip(fault, fault[1:])]
    rest = share * sum(legs)
    for (a, b), leg in zip(zip(fault, fault[1:]), legs):
        if rest <= leg:
            t = rest / leg
            return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
        rest -= leg
    return tuple(fault[-1])


def wrong_side_points(fault, side, stations, km=100.0):
    """The points a quarter, half and three quarters along FAULT from which the point KM
    towards SIDE is not nearer to STATIONS than the point KM the other way."""
    down = bearing_deg(fault[0], fault[-1]) + (90.0 if side == "right" else -90.0)
    near = lambda p: min(distance_km(p, s) for s in stations)
    points = [along(fault, share) for share in (0.25, 0.5, 0.75)]
    return [v for v in points
            if not near(destination(v, down, km)) < near(destination(v, down + 180.0, km))]


def faulted_quakes():
    for path in SCENARIOS:
        spec = yaml.safe_load(path.read_text())
        if not isinstance(spec, dict) or "hazards" not in spec:
            continue  # a fleet, not a scenario
        for i, h in enumerate(spec["hazards"]):
            if h.get("type") == "earthquake" and "fault" in h:
                yield f"{path.relative_to(REPO)}:hazards.{i}", h


QUAKES = list(faulted_quakes())


def test_the_shipped_faulted_quakes_are_found():
    # japan-trench, compound, recovery-2011, nankai-m9 and the Tohoku hazard replay.
    names = {name.split(":")[0] for name, _ in QUAKES}
    assert {"scenarios/japan-trench.yaml", "scenarios/nankai-m9.yaml",
            "scenarios/compound.yaml", "scenarios/recovery-2011.yaml",
            "scenarios/replays/tohoku-2011-hazard.yaml"} <= names, names


@pytest.mark.parametrize("name,quake", QUAKES, ids=[n for n, _ in QUAKES])
def test_faulted_quake_breaks_on_the_slope_under_the_down_dip_plane(name, quake):
    assert quake.get("breaks", "slope") == "slope", f"{name}: breaks: {quake.get('breaks')}"
    assert quake.get("dip_side") in ("right", "left"), f"{name}: no dip_side"
    stations = japan_stations()
    wrong = wrong_side_points(quake["fault"], quake["dip_side"], stations)
    assert not wrong, f"{name}: dip_side {quake['dip_side']} points seaward at {wrong}"
    # The check itself: the other side is seaward at every point.
    other = "left" if quake["dip_side"] == "right" else "right"
    assert len(wrong_side_points(quake["fault"], other, stations)) == 3
