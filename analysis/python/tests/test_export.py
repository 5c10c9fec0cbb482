"""to_networkx() and the GeoJSON export (cablesim_analysis.export) against `cablesim analyze
--format json`: the failure probability and the rerouted load of every segment and cable are
the numbers analyze gives, on the fixtures of conftest.py."""

import json
import math
import subprocess

import networkx as nx
import numpy as np
import pytest

from cablesim_analysis import export, open_results, plots, to_geojson, to_networkx, topology
from cablesim_analysis.__main__ import main

from conftest import CUT_HAZARD, cli_path, run_cablesim, scenario


def analyze(path):
    p = subprocess.run([cli_path(), "analyze", str(path), "--format", "json"],
                       capture_output=True, text=True, check=True)
    return json.loads(p.stdout)


def same(a, b):
    if b is None:
        return a is None or (isinstance(a, float) and math.isnan(a))
    return a is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_edges_and_cables_equal_analyze(random_h5):
    j = analyze(random_h5)
    with open_results(random_h5) as r:
        edges = export.edge_table(r)
        cables = export.cable_table(r)
    assert len(edges) == len(j["segments"])
    down = 0
    for s in j["segments"]:
        row = edges.loc[s["id"]]
        assert same(row["p_down"], s["criticality"]["failed"]["p"]), s["id"]
        assert same(row["rise_disturbed_tbps"], s["flow"]["rise_tbps"]), s["id"]
        assert same(row["baseline_flow_tbps"], s["flow"]["intact_flow_tbps"]), s["id"]
        assert row["p_cut"] <= row["p_down"] + 1e-12
        down += row["p_down"] > 0
    assert down >= 3  # random faults over a year: several segments fail
    for c in j["cables"]:
        assert same(cables.loc[c["cable"], "p_down"], c["criticality"]["failed"]["p"]), c["cable"]
        assert same(cables.loc[c["cable"], "rise_disturbed_tbps"], c["flow"]["rise_tbps"])


def test_to_networkx(cut_h5):
    with open_results(cut_h5) as r:
        g = to_networkx(r)
        n_nodes, n_edges = len(r.nodes), len(r.edges)
    assert isinstance(g, nx.MultiGraph)
    assert g.number_of_nodes() == n_nodes and g.number_of_edges() == n_edges
    assert g.graph["trials"] == 5 and g.graph["scenario"] == "pytest-cut"
    pac = [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)
           if d["cable"] in ("PAC-1", "PAC-2")]
    assert pac and all(d["p_down"] == 1.0 and d["p_cut"] == 1.0 for *_, d in pac)
    # never up: no flow when up, no rerouted load
    assert all(d["flow_up_tbps"] is None and d["rerouted_tbps"] is None for *_, d in pac)
    others = [d for *_, d in g.edges(keys=True, data=True) if d["cable"] not in ("PAC-1", "PAC-2")]
    assert all(d["p_down"] == 0.0 for d in others)
    assert all(k == d["id"] for _, _, k, d in g.edges(keys=True, data=True))
    # the graph stays usable by networkx: Hong Kong still reaches Tokyo, Los Angeles does not
    cut = nx.MultiGraph(g)
    cut.remove_edges_from([(u, v, k) for u, v, k, _ in pac])
    assert not nx.has_path(cut, "city-la", "city-tokyo")
    assert nx.has_path(cut, "city-hk", "city-tokyo")


def test_geojson(random_h5, tmp_path):
    out = tmp_path / "r.geojson"
    assert main(["geojson", str(random_h5), "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    with open_results(random_h5) as r:
        edges = export.edge_table(r)
        assert doc == json.loads(json.dumps(to_geojson(r)))
        n_nodes = len(r.nodes)
    assert doc["type"] == "FeatureCollection"
    lines = [f for f in doc["features"] if f["geometry"]["type"] != "Point"]
    points = [f for f in doc["features"] if f["geometry"]["type"] == "Point"]
    assert len(lines) == len(edges) and len(points) == n_nodes
    for f in lines:
        p = f["properties"]
        assert p["geometry"] == "route"  # the fixture's topology is found by its SHA-256
        assert same(p["p_down"], edges.loc[p["id"], "p_down"])
        assert same(p["rerouted_tbps"], edges.loc[p["id"], "rerouted_tbps"])
        if p["cable"] is not None:
            assert 0.0 <= p["cable_p_down"] <= 1.0 and p["cable_p_down"] >= p["p_down"] - 1e-12
        coords = f["geometry"]["coordinates"]
        parts = coords if f["geometry"]["type"] == "MultiLineString" else [coords]
        for part in parts:
            assert len(part) >= 2
            assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in part)


def test_geojson_without_flows(noflow_h5, tmp_path):
    with open_results(noflow_h5) as r:
        doc = to_geojson(r)
    lines = [f["properties"] for f in doc["features"] if f["geometry"]["type"] != "Point"]
    assert all(p["rerouted_tbps"] is None for p in lines)
    assert all(p["baseline_flow_tbps"] is not None for p in lines)


def test_geojson_bad_topology(random_h5, tmp_path):
    with open_results(random_h5) as r:
        with pytest.raises(Exception, match="no such topology file"):
            to_geojson(r, tmp_path / "missing.geojson")


# A design on the test network (docs/scenarios.md, "Design alternatives"): PAC-3 from jp-b to
# us-l1 by way of a waypoint at 175 E (its route crosses 180 degrees), and ASIA-1 relanded at a
# new Hong Kong station. The results file records no routes: the export and the map draw them as
# cablesim does.
DESIGN = ("network:\n"
          "  stations:\n"
          "    - {id: hk-n, name: New HK, country: HK, lonlat: [114.5, 22.4], link_to: [city-hk]}\n"
          "  add:\n"
          "    - cable: PAC-3\n"
          "      capacity_tbps: 20\n"
          "      segments:\n"
          "        - {from: jp-b, to: us-l1, via: [[175.0, 48.0]]}\n"
          "  reland:\n"
          "    - {segment: asia-1:1, from: hk-h, to: hk-n}\n")


@pytest.fixture(scope="module")
def design_h5(workdir):
    return run_cablesim(scenario("pytest-design", 3, CUT_HAZARD, extra=DESIGN), workdir, "design")


def on_arc(p, a, b):
    """Whether point p lies on the great circle through a and b (all (lon, lat))."""
    va, vb, vp = (topology._vec(*q) for q in (a, b, p))
    n = np.cross(va, vb)
    return abs(float(n @ vp)) / float(np.linalg.norm(n)) < 1e-9


def test_great_circle_pieces():
    a, b = (139.95, 34.98), (-120.85, 35.37)
    parts = topology.great_circle([a, b])
    assert len(parts) == 2  # split at 180 degrees
    assert tuple(parts[0][0]) == a and np.allclose(parts[-1][-1], b, atol=1e-9)
    assert parts[0][-1][0] == 180.0 and parts[1][0][0] == -180.0
    assert parts[0][-1][1] == parts[1][0][1]
    for part in parts:
        assert all(-180 <= x <= 180 for x in part[:, 0])
        steps = [topology.distance_km(p, q) for p, q in zip(part[:-1], part[1:])]
        assert max(steps) <= topology.PIECE_KM + 1e-6
        # every point on the arc but the two at 180 degrees (interpolated within their piece,
        # as cablesim splits routes)
        assert all(on_arc(p, a, b) for p in part if abs(p[0]) != 180.0)
    # the northern route of a great circle, not the straight line in longitude and latitude
    assert max(p[1] for part in parts for p in part) > 45.0
    total = sum(topology.distance_km(p, q) for part in parts for p, q in zip(part[:-1], part[1:]))
    assert math.isclose(total, topology.distance_km(a, b), rel_tol=1e-6)


def test_design_routes(design_h5, tmp_path):
    with open_results(design_h5) as r:
        assert "pac-3:1" in r.edge_ids
        doc = to_geojson(r)
        g = to_networkx(r)
        routes = topology.effective_routes(r)
        assert set(routes) == set(r.edge_ids)
        assert plots.plot_map(r, tmp_path / "design.png") is not None
    assert (tmp_path / "design.png").stat().st_size > 0
    feats = {f["properties"]["id"]: f for f in doc["features"]}
    # the added system: through its waypoint, from jp-b to us-l1, split at 180 degrees
    f = feats["pac-3:1"]
    assert f["properties"]["geometry"] == "design" and f["properties"]["cable"] == "PAC-3"
    assert f["geometry"]["type"] == "MultiLineString"
    parts = [np.asarray(p) for p in f["geometry"]["coordinates"]]
    assert np.allclose(parts[0][0], (136.87, 34.34)) and np.allclose(parts[-1][-1], (-120.85, 35.37))
    pts = np.vstack(parts)
    assert np.min(np.abs(pts - (175.0, 48.0)).sum(axis=1)) < 1e-9
    assert all(abs(x) >= 100 for x, _ in pts)  # across the Pacific, never across Eurasia
    assert g.has_edge("jp-b", "us-l1", key="pac-3:1")
    # the relanded segment: the topology's route, extended along the great circle to hk-n
    f = feats["asia-1:1"]
    assert f["properties"]["geometry"] == "route" and f["properties"]["to"] == "hk-n"
    line = np.asarray(f["geometry"]["coordinates"])
    assert np.allclose(line[0], (139.95, 34.98)) and np.allclose(line[-1], (114.5, 22.4))
    assert np.min(np.abs(line - (114.26, 22.3)).sum(axis=1)) < 1e-9  # where it landed before
    # the new station's backhaul: the great circle between its ends
    links = [f for i, f in feats.items() if i.startswith("link:") and "hk-n" in i]
    assert links and all(f["properties"]["geometry"] == "ends" for f in links)
