"""to_networkx() and the GeoJSON export (cablesim_analysis.export) against `cablesim analyze
--format json`: the failure probability and the rerouted load of every segment and cable are
the numbers analyze gives, on the fixtures of conftest.py."""

import json
import math
import subprocess

import networkx as nx
import pytest

from cablesim_analysis import export, open_results, to_geojson, to_networkx
from cablesim_analysis.__main__ import main

from conftest import cli_path


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
