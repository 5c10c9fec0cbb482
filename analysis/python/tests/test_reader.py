"""The reader: shapes, dtypes, decoded strings, labels, the CSR lists, and refusals."""

import csv
import json
import os
import subprocess

import h5py
import numpy as np
import pandas as pd
import pytest

from cablesim_analysis import IncompleteResultsError, ResultsError, open_results, outcome_table
from cablesim_analysis.reader import DATASETS
from conftest import (DEMAND, RANDOM_HAZARD, RANDOM_TRIALS, TOPOLOGY, cli_path, run_cablesim,
                      scenario)

EPS = 1e-9
# Segment -> unserved Tbps when it is the only failure (see conftest for the network):
# PAC-1 down: LA's 11.75 fits PAC-2's 10, 1.75 lost; PAC-2 down: PAC-1 carries 8, 3.75 lost;
# ASIA-1 down: ASIA-2 carries 5 of HK's 5.25; ASIA-2 down: ASIA-1 carries 4, 1.25 lost.
SINGLE_FAILURE_UNSERVED = {"pac-1:1": 1.75, "pac-2:1": 3.75, "asia-1:1": 0.25, "asia-2:1": 1.25}
DEMAND_LABELS = ["city-tokyo->city-la", "city-osaka->city-la", "city-tokyo->city-hk",
                 "city-osaka->city-hk", "city-tokyo->city-osaka"]


@pytest.fixture(scope="module")
def r(random_h5):
    with open_results(random_h5) as res:
        yield res


def kept_features(geojson, year):
    """Node and edge features in service in YEAR, in file order."""
    nodes, edges = [], []
    for f in geojson["features"]:
        p = f["properties"]
        if p["kind"] in ("segment", "link"):
            if p["rfs"] <= year and (p["retired"] is None or year < p["retired"]):
                edges.append(p)
        else:
            nodes.append((p, f["geometry"]["coordinates"]))
    return nodes, edges


def test_attributes_decoded(r, random_h5):
    assert r.attrs["format"] == "cablesim-results"
    assert r.attrs["format_version"] == 4 and r.format_version == 4
    assert r.attrs["complete"] == 1 and r.complete
    assert r.attrs["trials"] == RANDOM_TRIALS and r.n_trials == RANDOM_TRIALS
    assert r.attrs["as_of"] == 2015
    assert r.attrs["seed"] == 20240917
    assert isinstance(r.attrs["scenario"], str) and "name: pytest-random" in r.scenario_text
    assert isinstance(r.attrs["topology_sha256"], str) and len(r.attrs["topology_sha256"]) == 64
    assert r.path == str(random_h5)


def test_topology_tables(r, geojson):
    nodes, edges = kept_features(geojson, 2015)
    assert r.nodes.shape == (9, 7)
    assert list(r.nodes.index) == list(range(9))
    assert r.nodes["id"].tolist() == [p["id"] for p, _ in nodes]
    assert all(type(v) is str for v in r.nodes["name"])
    assert r.nodes["name"].tolist() == [p["name"] for p, _ in nodes]
    assert r.nodes["region"].tolist() == [p.get("region", "") for p, _ in nodes]
    assert r.nodes["lon_deg"].dtype == np.float64
    np.testing.assert_allclose(r.nodes["lon_deg"], [c[0] for _, c in nodes], atol=1e-12)
    np.testing.assert_allclose(r.nodes["lat_deg"], [c[1] for _, c in nodes], atol=1e-12)

    assert len(r.edges) == 10  # OLD-1 retired in 2012
    assert r.edges["id"].tolist() == [p["id"] for p in edges]
    assert r.edges["from"].dtype == np.uint32 and r.edges["rfs"].dtype == np.int32
    ids = r.nodes["id"].to_numpy()
    assert ids[r.edges["from"]].tolist() == [p["from"] for p in edges]
    assert ids[r.edges["to"]].tolist() == [p["to"] for p in edges]
    assert r.edges["cable"].tolist() == [p.get("cable", "") for p in edges]
    np.testing.assert_allclose(r.edges["lit_tbps"], [p["lit_tbps"] for p in edges])
    assert r.edge_ids == r.edges["id"].tolist()

    with open(DEMAND, encoding="utf-8") as fh:
        rows = [row for row in csv.reader(line for line in fh if not line.startswith("#"))][1:]
    assert r.demands["origin_id"].tolist() == [row[0] for row in rows]
    assert r.demands["destination_id"].tolist() == [row[1] for row in rows]
    np.testing.assert_allclose(r.demands["demand_tbps"], [float(row[2]) for row in rows])
    np.testing.assert_allclose(r.demands["demand_scaled_tbps"], r.demands["demand_tbps"])
    assert r.demands["origin"].dtype == np.uint32
    assert ids[r.demands["origin"]].tolist() == r.demands["origin_id"].tolist()

    assert sorted(zip(r.pairs["city_id"], r.pairs["region"])) == sorted(
        [("city-tokyo", "US West Coast"), ("city-osaka", "US West Coast"),
         ("city-tokyo", "Hong Kong"), ("city-osaka", "Hong Kong")])


def test_baseline(r):
    assert list(r.baseline.index) == DEMAND_LABELS
    np.testing.assert_allclose(r.baseline["served_tbps"], r.demands["demand_scaled_tbps"],
                               atol=EPS)
    assert abs(r.baseline_unserved) < EPS
    assert (r.baseline["latency_ms"] > 0).all()
    # Latency-first on the intact network: Tokyo-LA on PAC-1 (the shorter route), Osaka-LA on
    # PAC-2; both HK demands prefer ASIA-2 (lit 5), whose 0.25 Tbps overflow takes ASIA-1.
    flows = r.baseline_edge_flow
    assert flows.index.tolist() == r.edge_ids
    for edge, tbps in {"pac-1:1": 7.5, "pac-2:1": 4.25, "asia-1:1": 0.25, "asia-2:1": 5.0}.items():
        assert flows[edge] == pytest.approx(tbps, abs=EPS)


def test_trial_matrices(r):
    assert r.served.shape == (RANDOM_TRIALS, 5) and r.served.dtypes.eq(np.float64).all()
    assert r.served.columns.tolist() == DEMAND_LABELS
    assert r.served.index.equals(pd.RangeIndex(RANDOM_TRIALS))
    assert r.latency.shape == (RANDOM_TRIALS, 5)
    assert r.unserved.shape == (RANDOM_TRIALS,) and r.unserved.dtype == np.float64
    assert r.edge_flow.shape == (RANDOM_TRIALS, 10)
    assert r.edge_flow.columns.tolist() == r.edge_ids
    assert r.pair_cut.shape == (RANDOM_TRIALS, 4) and r.pair_cut.dtypes.eq(bool).all()
    assert r.pair_cut.columns.tolist() == [f"{c} / {g}" for c, g in
                                           zip(r.pairs["city_id"], r.pairs["region"])]
    demand = r.demands["demand_scaled_tbps"].to_numpy()
    assert (r.served.to_numpy() <= demand + EPS).all()
    assert (r.served.to_numpy() >= -EPS).all()
    np.testing.assert_allclose(r.unserved, demand.sum() - r.served.sum(axis=1), atol=1e-9)
    # Latency is NaN exactly where nothing is served.
    assert (r.latency.isna().to_numpy() == (r.served.to_numpy() <= 0)).all()


def test_slices_match_whole(r):
    parts = list(r.iter_rows("edge_flow_tbps", rows=37))
    assert [len(p) for p in parts] == [37] * 5 + [15]
    pd.testing.assert_frame_equal(pd.concat(parts), r.edge_flow)
    pd.testing.assert_series_equal(r.read("unserved_tbps", 10, 20), r.unserved.iloc[10:20])


def test_csr_decoding(r, random_h5):
    with h5py.File(random_h5, "r") as f:
        off = f["trials/failed_offsets"][:]
        raw = f["trials/failed_edges"][:]
    failed = r.failed_edges
    assert len(failed) == RANDOM_TRIALS and failed.index.equals(pd.RangeIndex(RANDOM_TRIALS))
    assert sum(len(x) for x in failed) == len(raw) > 0
    for t in (0, 1, 57, RANDOM_TRIALS - 1):
        assert failed[t].tolist() == raw[off[t]:off[t + 1]].tolist()
    assert (r.n_failed_edges.to_numpy() == np.diff(off)).all()
    assert len(r.failed_nodes) == RANDOM_TRIALS
    assert all(len(x) == 0 for x in r.failed_nodes)  # random faults cut segments only


def test_csr_against_outcomes(r):
    ids = np.array(r.edge_ids)
    failed = [set(ids[x]) for x in r.failed_edges]
    base = r.baseline["served_tbps"].to_numpy()
    intact = [t for t, s in enumerate(failed) if not s]
    assert intact, "expected some trial without failure"
    for t in intact:
        assert r.unserved[t] == pytest.approx(r.baseline_unserved, abs=EPS)
        np.testing.assert_allclose(r.served.iloc[t], base, atol=EPS)
        np.testing.assert_allclose(r.edge_flow.iloc[t], r.baseline_edge_flow, atol=EPS)
    singles = 0
    for t, s in enumerate(failed):
        if len(s) == 1:
            (edge,) = s
            assert r.unserved[t] == pytest.approx(SINGLE_FAILURE_UNSERVED[edge], abs=EPS), t
            singles += 1
        # Los Angeles is unreachable exactly when both trans-Pacific segments are down.
        us_cut = {"pac-1:1", "pac-2:1"} <= s
        cut = r.pair_cut.iloc[t]
        assert cut["city-tokyo / US West Coast"] == us_cut
        assert cut["city-osaka / US West Coast"] == us_cut
        assert cut["city-tokyo / Hong Kong"] == ({"asia-1:1", "asia-2:1"} <= s)
        if us_cut:
            assert r.served.iloc[t][["city-tokyo->city-la", "city-osaka->city-la"]].sum() == 0
        # A failed edge carries nothing.
        assert all(abs(r.edge_flow.iloc[t][e]) < EPS for e in s)
    assert singles >= 10


def test_optional_datasets_absent(noflow_h5):
    with open_results(noflow_h5) as r:
        assert r.edge_flow is None and r.latency is None
        assert r.served.shape == (20, 5)
        with pytest.raises(ResultsError, match="was not written"):
            r.read("edge_flow_tbps")


def test_incomplete_refused(random_h5, copy_of):
    path = copy_of(random_h5)
    with h5py.File(path, "r+") as f:
        f.attrs.modify("complete", np.uint8(0))
    with pytest.raises(IncompleteResultsError) as e:
        open_results(path)
    assert str(path) in str(e.value) and "incomplete" in str(e.value)
    assert "allow_incomplete" in str(e.value)
    with pytest.warns(UserWarning, match="incomplete"):
        with open_results(path, allow_incomplete=True) as r:
            assert not r.complete and r.n_trials == RANDOM_TRIALS


def test_incomplete_uses_trials_in_every_dataset(random_h5, copy_of):
    """A run cut short mid-batch: the outcomes have fewer rows than the others."""
    path = copy_of(random_h5)
    with h5py.File(path, "r+") as f:
        f.attrs.modify("complete", np.uint8(0))
        f["trials/outcome"].resize(137, axis=0)
        full = f["trials/unserved_tbps"][:137]
    with pytest.warns(UserWarning, match="137 of 200 trials"):
        r = open_results(path, allow_incomplete=True)
    with r:
        assert r.n_trials == 137
        assert r.served.shape == (137, 5) and r.edge_flow.shape == (137, 10)
        np.testing.assert_array_equal(r.unserved, full)
        assert len(r.failed_edges) == 137


@pytest.mark.parametrize("attr,value,message", [
    ("format", "something-else", 'expected root attribute format "cablesim-results"'),
    ("format_version", np.int32(5), "expected format_version 1 to 4, found 5"),
])
def test_wrong_format_refused(random_h5, copy_of, attr, value, message):
    path = copy_of(random_h5)
    with h5py.File(path, "r+") as f:
        f.attrs[attr] = value
    with pytest.raises(ResultsError, match=message) as e:
        open_results(path)
    assert str(path) in str(e.value)


def test_missing_and_not_hdf5(tmp_path):
    with pytest.raises(ResultsError, match="no such file"):
        open_results(tmp_path / "absent.h5")
    bad = tmp_path / "bad.h5"
    bad.write_text("not hdf5")
    with pytest.raises(ResultsError, match="cannot open as HDF5") as e:
        open_results(bad)
    assert str(bad) in str(e.value)


def test_damaged_heap_refused(random_h5, copy_of):
    """A global heap object header zeroed (size 0): HDF5 1.10 would never return from reading
    the root's string attributes; the reader refuses the file first, naming it and the place."""
    path = copy_of(random_h5)
    data = bytearray(open(path, "rb").read())
    at = data.find(b"GCOL\x01\x00\x00\x00")
    assert at >= 0
    data[at + 16:at + 32] = bytes(16)
    open(path, "wb").write(bytes(data))
    with pytest.raises(ResultsError, match=f"damaged: the global heap collection at byte {at} "
                       f"has an object header at byte {at + 16}") as e:
        open_results(path)
    assert str(path) in str(e.value)


def test_damaged_index_blocks(random_h5, copy_of):
    """One byte inverted in each index block of the large groups and attribute lists (fractal
    heaps, version 2 B-trees): opening the file either works or
    raises ResultsError naming the file; never another exception (h5py's RuntimeError was let
    through before) and never a crash."""
    clean = open(random_h5, "rb").read()
    blocks = refused = 0
    for sig in (b"FRHP", b"FHDB", b"FHIB", b"BTHD", b"BTIN", b"BTLF"):
        at = clean.find(sig)
        while at >= 0:
            blocks += 1
            path = copy_of(random_h5)
            data = bytearray(clean)
            data[at + 12] ^= 0xFF
            open(path, "wb").write(bytes(data))
            try:
                open_results(path).close()
            except ResultsError as e:
                assert str(path) in str(e)
                refused += 1
            at = clean.find(sig, at + 4)
    assert blocks >= 4 and refused >= 1


def test_part_refused(random_h5, copy_of):
    """A part of a sharded run (cablesim run --shard) is not analysed on its own."""
    path = copy_of(random_h5)
    with h5py.File(path, "r+") as f:
        f.attrs["part_first_trial"] = np.uint64(100)
        f.attrs["part_trials"] = np.uint64(50)
    with pytest.raises(ResultsError, match=r"a part of a sharded run \(trials 100..149 of") as e:
        open_results(path)
    assert "cablesim merge" in str(e.value)


def test_cuts_and_hazard_events(workdir, random_h5):
    """Every failed edge has a cut on its own route, with a depth and the hazard that made it;
    an anchor drag's events give its track and the cuts it made."""
    with open_results(random_h5) as res:
        cuts = res.cuts
        off, vals = res.failed_csr("edges")
        assert len(cuts) >= len(vals) > 0
        for t in range(res.n_trials):
            assert set(cuts.edge[cuts.trial == t]) == set(vals[off[t]:off[t + 1]])
        assert (cuts.hazard == 0).all()
        assert (cuts.depth_m > 0).all()
        assert cuts.waters.isin([0, 1, 2]).all()
        assert len(res.hazard_events) == 0  # random faults record no events
        routes = {f["properties"]["id"]: np.array(f["geometry"]["coordinates"], float)
                  for f in json.loads(TOPOLOGY.read_text())["features"]
                  if f["geometry"]["type"] == "LineString"}
        def vec(lon, lat):
            lon, lat = np.radians(lon), np.radians(lat)
            return np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])

        for row in cuts.head(50).itertuples():
            pts = routes[res.edge_ids[row.edge]]
            p = vec(row.lon_deg, row.lat_deg)
            # on a great-circle leg of the route: in its plane, between its ends, to the
            # precision of the float32 places of format 3 (half a unit in the last place of a
            # longitude near 140 degrees is 1.3e-7 radians, 0.8 m; tolerance 1e-6, 6 m)
            on = False
            for a, b in zip(pts[:-1], pts[1:]):
                va, vb = vec(*a), vec(*b)
                n = np.cross(va, vb)
                n /= np.linalg.norm(n)
                between = np.dot(np.cross(n, va), p) >= -1e-6 and np.dot(np.cross(vb, n), p) >= -1e-6
                on = on or (abs(np.dot(n, p)) < 1e-6 and between)
            assert on, row
    hazard = ("  - type: anchor_drag\n    region: [[139.9, 34.9], [140.1, 34.9], [140.1, 35.1],"
              " [139.9, 35.1]]\n    length_min_km: 50\n    length_max_km: 60\n"
              "    max_depth_m: 12000\n")
    path = run_cablesim(scenario("pytest-anchor", 30, hazard), workdir, "anchor")
    with open_results(path) as res:
        ev = res.hazard_events
        assert len(ev) == 30 and list(ev.trial) == list(range(30))
        assert ((ev.length_km >= 50) & (ev.length_km <= 60)).all()
        assert ev.magnitude.isna().all() and (ev.target == -1).all()
        cuts = res.cuts
        per_trial = cuts.groupby("trial").size().reindex(range(30), fill_value=0)
        assert (per_trial.values == ev.cuts.values).all()


def test_settings_from_attributes(r, random_h5):
    """name, capacity_basis, routing_policy come from the root attributes; scenario_resolved
    holds every setting the run used, the hazards' defaults included, and no machine path."""
    import yaml

    with h5py.File(random_h5, "r") as f:
        assert r.name == f.attrs["name"] == "pytest-random"
        assert r.capacity_basis == f.attrs["capacity_basis"] == "lit"
        assert r.routing_policy == f.attrs["routing_policy"] == "latency-first"
    resolved = yaml.safe_load(r.scenario_resolved)
    written = yaml.safe_load(r.scenario_text)
    assert resolved["name"] == written["name"] == r.name
    assert resolved["trials"] == RANDOM_TRIALS and resolved["seed"] == r.attrs["seed"]
    assert resolved["capacity"] == "lit" and resolved["demand_scale"] == 1
    assert resolved["routing"] == {"policy": "latency-first", "rounds": 8, "hop_ms": 0.05,
                                   "restoration_share": 1, "utilisation": 0.25,
                                   "restoration_at_event": 0.68, "restoration_ramp_days": 10}
    assert resolved["output"] == {"edge_flow": True, "latency": True, "headroom": False,
                                  "compression": 2, "batch_trials": 1024,
                                  "format_version": 4}
    # The hazard as written, then its defaults (docs/model.md, random faults); a window means
    # instant: false, and the one of the two alternatives given is the one kept.
    (hz,) = resolved["hazards"]
    assert {k: hz[k] for k in written["hazards"][0]} == written["hazards"][0]
    assert hz["instant"] is False and hz["rate_shallow"] == 0.8 and hz["shore_km"] == 25
    assert resolved["as_of"] == r.attrs["as_of"]
    # Paths as written (portable); where they were is in their own attributes.
    assert resolved["topology"] == written["topology"]
    assert os.path.isfile(r.attrs["topology_path_abs"])
    assert r.attrs["topology_path_given"] == written["topology"]


def test_settings_of_older_files(random_h5, copy_of, tmp_path):
    """A file written before the attributes (they are deleted here) reads the same: the Python
    reader and the C reader (cablesim analyze) take them from the scenario text."""
    old = copy_of(random_h5, "old.h5")
    with h5py.File(old, "r+") as f:
        for name in ("name", "capacity_basis", "routing_policy", "scenario_resolved"):
            del f.attrs[name]
        f.attrs.modify("scenario", f.attrs["scenario"] + "capacity: design\n")
    with open_results(old) as o:
        assert o.name == "pytest-random"
        assert o.capacity_basis == "design"
        assert o.routing_policy == "latency-first"
        assert o.scenario_resolved == ""
    new = copy_of(random_h5, "new.h5")
    with h5py.File(new, "r+") as f:
        f.attrs.modify("capacity_basis", "design")
    cli = cli_path()
    out = [subprocess.run([cli, "analyze", str(p), "--format", "json"], capture_output=True,
                          text=True, check=True).stdout.replace(str(p), "F")
           for p in (old, new)]
    assert json.loads(out[0])["source"]["capacity"] == "design"
    assert out[0] == out[1]


def test_region_headroom(r, workdir):
    """/trials/region_headroom_tbps (output.headroom: true, default restoration model): a
    DataFrame trials x the region names of /topology/regions, the file's values; None when the
    run did not write it."""
    assert r.region_headroom is None
    path = run_cablesim(scenario("pytest-headroom", 40, RANDOM_HAZARD, routing="",
                                 extra="output: {headroom: true}\n"), workdir, "headroom")
    with open_results(path) as h:
        frame = h.region_headroom
        assert list(frame.columns) == list(h.regions.index)
        assert frame.shape == (40, len(h.regions))
        with h5py.File(path, "r") as f:
            raw = outcome_table(f, "outcomes/region_headroom_tbps")[f["trials/outcome"][()]]
        np.testing.assert_array_equal(frame.to_numpy(), raw)
        reach = h.regions["reachable"].to_numpy() == 1
        assert (frame.to_numpy()[:, reach] >= 0).all()
        assert np.isnan(frame.to_numpy()[:, ~reach]).all()
        assert frame.to_numpy()[:, reach].std(axis=0).max() > 0  # failures move it


def test_format_1_reads_as_format_2(random_h5, workdir):
    """The same run written in format 1 (output.format_version: 1, every per-trial row in
    /trials, as cablesim wrote before format 2) and format 2 (each distinct outcome once in
    /outcomes, /trials/outcome per trial) reads the same: every per-trial dataset, row by row,
    bit for bit, and the statistics computed from it."""
    from cablesim_analysis import stats

    v1 = run_cablesim(scenario("pytest-random", RANDOM_TRIALS, RANDOM_HAZARD,
                               extra="output: {format_version: 1}\n"), workdir, "random-v1")
    with h5py.File(v1, "r") as f:
        assert f.attrs["format_version"] == 1 and "outcomes" not in f
        assert f["trials/served_tbps"].shape[0] == RANDOM_TRIALS
    with h5py.File(random_h5, "r") as f:
        n_out = f["outcomes/served_tbps/index"].shape[0]
        ids = f["trials/outcome"][()]
        assert 1 < n_out < RANDOM_TRIALS and ids.max() == n_out - 1
        # outcome 0 is the intact network's; the others are numbered by the first trial that
        # gives them
        firsts = [int(np.nonzero(ids == k)[0][0]) for k in range(n_out)]
        assert firsts[1:] == sorted(firsts[1:])
        np.testing.assert_array_equal(outcome_table(f, "outcomes/served_tbps")[0],
                                      f["baseline/served_tbps"][()])
        np.testing.assert_array_equal(outcome_table(f, "outcomes/edge_flow_tbps")[0],
                                      f["baseline/edge_flow_tbps"][()])
    v2 = run_cablesim(scenario("pytest-random", RANDOM_TRIALS, RANDOM_HAZARD,
                               extra="output: {format_version: 2}\n"), workdir, "random-v2")
    with open_results(v1) as a, open_results(v2) as a2, open_results(random_h5) as b:
        assert (a.format_version, a2.format_version, b.format_version) == (1, 2, 4)
        assert a.datasets() == [p for p in b.datasets() if p != "/trials/outcome"]
        assert a2.datasets() == b.datasets()
        for path in b.datasets():
            # format 3 stores some members of the cut and event records as float32: they read
            # as float64, equal to format 1's and 2's rounded to float32
            narrow = [m["name"] for m in DATASETS[path].get("members", [])
                      if m["type_v3"] == "float32"]
            for old in (a, a2):
                if path not in old.datasets():
                    continue
                x, y = old.read_dataset(path), b.read_dataset(path)
                assert x.dtype == y.dtype, path
                for name in narrow:
                    x[name] = x[name].astype(np.float32)
                assert x.shape == y.shape and x.tobytes() == y.tobytes(), path
        assert len(b.cuts) > 0 and b.cuts.lon_deg.dtype == np.float64
        for name in ("served_tbps", "latency_ms", "edge_flow_tbps", "pair_cut",
                     "region_served_fraction", "region_latency_added_ms"):
            pd.testing.assert_frame_equal(a.read(name), b.read(name))
            for u, v in zip(a.iter_rows(name, rows=37), b.iter_rows(name, rows=37)):
                pd.testing.assert_frame_equal(u, v)
        pd.testing.assert_frame_equal(stats.region_served_fraction(a),
                                      stats.region_served_fraction(b))
    # analyze prints the same (but the file's name and time); compare, paired, finds no
    # difference in any trial
    def analyze(path):
        out = subprocess.run([cli_path(), "analyze", str(path), "--format", "json"],
                             capture_output=True, text=True, check=True).stdout
        doc = json.loads(out)
        for key in ("file", "created", "software_version"):
            doc["source"].pop(key)
        return doc

    assert analyze(v1) == analyze(random_h5)
    cmp = json.loads(subprocess.run(
        [cli_path(), "compare", str(v1), str(random_h5), "--format", "json"],
        capture_output=True, text=True, check=True).stdout)
    assert cmp["comparison"] == "paired"
    u = cmp["unserved_tbps"]
    assert u["a_mean"] == u["b_mean"] and u["b_higher_trials"] == u["b_lower_trials"] == 0


def test_outcome_rows_read_lazily(random_h5, monkeypatch):
    """A slice of few trials reads only their outcomes' rows (the /outcomes table is not
    loaded); the rows equal those of the whole table, and a large slice loads it once."""
    from cablesim_analysis import reader as rd

    with h5py.File(random_h5, "r") as f:
        ids = f["trials/outcome"][()]
        table = outcome_table(f, "outcomes/edge_flow_tbps")
    t = int(np.nonzero(ids > 0)[0][0])  # a trial with failures that changed the routing
    path = "/outcomes/edge_flow_tbps"

    def kept(r):  # the table loaded: a plain one whole, a dictionary table's index (format 4)
        d = r._cache.get(("dictionary", path))
        return ("outcomes", path) in r._cache or (d is not None and d.index is not None)

    with open_results(random_h5) as r:
        assert r.format_version == 4
        one = r.read("edge_flow_tbps", t, t + 1)
        assert not kept(r)
        np.testing.assert_array_equal(one.to_numpy(), table[ids[t : t + 1]])
        assert one.index.tolist() == [t]
        some = r.read("edge_flow_tbps", 0, 40)  # repeated outcomes, in trial order
        assert not kept(r)
        np.testing.assert_array_equal(some.to_numpy(), table[ids[:40]])
        assert r.read("edge_flow_tbps", 5, 5).shape == (0, table.shape[1])
        monkeypatch.setattr(rd, "FEW_OUTCOMES", 2)
        whole = r.read("edge_flow_tbps")
        assert kept(r)
        np.testing.assert_array_equal(whole.to_numpy(), table[ids])
        pd.testing.assert_frame_equal(r.read("edge_flow_tbps", t, t + 1), one)


def test_outcome_ids_read_lazily(random_h5, copy_of, monkeypatch):
    """Opening a complete file reads none of /trials/outcome; a slice reads its own ids and
    checks them: a bad id in the last trial spoils only the slices that hold it."""
    path = copy_of(random_h5)
    with h5py.File(path, "r+") as f:
        n_out = f["outcomes/served_tbps/index"].shape[0]
        f["trials/outcome"][RANDOM_TRIALS - 1] = n_out
    read = []
    real = h5py.Dataset.__getitem__

    def spy(ds, key):
        if ds.name == "/trials/outcome":
            read.append(key)
        return real(ds, key)

    monkeypatch.setattr(h5py.Dataset, "__getitem__", spy)
    with open_results(path) as r:
        assert read == [] and r.n_trials == RANDOM_TRIALS
        assert r.read("served_tbps", 0, 10).shape[0] == 10
        assert read == [slice(0, 10, None)]
        with pytest.raises(ResultsError, match=f"trial {RANDOM_TRIALS - 1}: expected an outcome "
                                               f"below {n_out}"):
            r.read("served_tbps")


def test_bad_values_refused(random_h5, copy_of):
    """Values a run never writes (docs/hdf5-schema.md, "Values"): NaN, infinities, negative
    amounts, more served than the demand, a /baseline/held_tbps of the wrong length. Before
    (session 19's sweep) the reader returned them (nan% figures downstream). The baseline is
    checked at open; a per-trial column when it is read (lazily), naming file, dataset and index."""
    def edited(edit):
        path = copy_of(random_h5)
        with h5py.File(path, "r+") as f:
            edit(f)
        return path

    def setv(name, i, x):
        def edit(f):
            v = f[name][...]
            v[i] = x
            f[name][...] = v
        return edit

    path = edited(setv("baseline/served_tbps", 2, np.nan))
    with pytest.raises(ResultsError, match=r"copy.h5: /baseline/served_tbps\[2\]: NaN, not a "
                                           r"finite amount$"):
        open_results(path)
    path = edited(setv("baseline/served_tbps", 0, 1e6))
    with pytest.raises(ResultsError, match=r"/baseline/served_tbps\[0\]: 1000000, more served "
                                           r"than the demand"):
        open_results(path)

    def held(f):
        del f["baseline/held_tbps"]
        f["baseline/held_tbps"] = np.ones(3)
    with pytest.raises(ResultsError, match=r"dataset /baseline/held_tbps: expected float64 of "
                                           r"shape \(\d+,\), found float64 of shape \(3,\)"):
        open_results(edited(held))
    path = edited(setv("trials/unserved_tbps", 7, -2.5))
    with open_results(path) as r:  # opens: the column is checked when read
        assert r.read("unserved_tbps", 0, 7).shape == (7,)
        with pytest.raises(ResultsError, match=r"copy.h5: /trials/unserved_tbps\[7\]: -2.5, a "
                                               r"negative amount$"):
            r.unserved

    def served_values(f):  # the value of trial 0's outcome, column 0, in the dictionary table
        g = f["outcomes/served_tbps"]
        k = int(g["value_offsets"][0] + g["index"][int(f["trials/outcome"][0]), 0])
        v = g["values"][...]
        v[k] = np.inf
        g["values"][...] = v
    with open_results(edited(served_values)) as r:
        with pytest.raises(ResultsError, match=r"/outcomes/served_tbps\[\d+, 0\]: \+inf, not a "
                                               r"finite amount$"):
            r.served


# PAC-2 cut where it was in 2011 and a sabotage cut; one ship repairs both: every trial has cut
# records, an event (the sabotage's) and fault records repaired within the horizon.
RECORDS_HAZARD = ('  - {type: explicit, segments: ["pac-2:1"], at: [-175.0, 45.0]}\n'
                  "  - {type: sabotage, k: 1}\n")
RECORDS_RECOVERY = ("recovery:\n  horizon_days: 60\n  ships:\n"
                    "    - {name: S, home: B, home_lonlat: [136.87, 34.34], speed_kn: 12}\n")


def test_bad_records_refused(tmp_path, copy_of):
    """The members of the records of /trials/cuts, /trials/hazard_events and /recovery/faults
    (docs/hdf5-schema.md, "Values"): places out of range, negative or infinite depths, times and
    lengths, waters other than 0..2, hazard and target indices below -1, repair times NaN,
    out of order or finite without a ship. Before (session 21) they were returned as they were.
    Checked when the records are read, naming file, dataset, record index and member."""
    from cablesim_analysis import recovery

    good = run_cablesim(scenario("pytest-records", 2, RECORDS_HAZARD, extra=RECORDS_RECOVERY),
                        tmp_path, "records")
    paths = ("/trials/cuts", "/trials/hazard_events", "/recovery/faults")
    readers = {"/trials/cuts": lambda r: r.cuts, "/trials/hazard_events": lambda r: r.hazard_events,
               "/recovery/faults": recovery.faults}
    with open_results(good) as r:  # what a run writes passes
        assert len(r.cuts) == 4 and len(r.hazard_events) == 2 and len(recovery.faults(r)) == 4
        for p in paths:
            r.read_dataset(p)
    cases = [
        ("/trials/cuts", 1, {"lat_deg": 95.0}, r"/trials/cuts\[1\]\.lat_deg: 95, outside \[-90, 90\]"),
        ("/trials/cuts", 0, {"lon_deg": -190.0},
         r"/trials/cuts\[0\]\.lon_deg: -190, outside \[-180, 180\]"),
        ("/trials/cuts", 2, {"depth_m": -1.0}, r"/trials/cuts\[2\]\.depth_m: -1, negative"),
        ("/trials/cuts", 3, {"waters": 3}, r"/trials/cuts\[3\]\.waters: 3, not 0, 1 or 2 "),
        ("/trials/cuts", 1, {"hazard": -2}, r"/trials/cuts\[1\]\.hazard: -2, not a hazard index"),
        ("/trials/cuts", 1, {"time_days": np.inf},
         r"/trials/cuts\[1\]\.time_days: \+inf, not a finite value >= 0"),
        ("/trials/hazard_events", 1, {"target": -3},
         r"/trials/hazard_events\[1\]\.target: -3, not an index \(>= 0, or -1 for none\)"),
        ("/trials/hazard_events", 0, {"magnitude": -np.inf},
         r"/trials/hazard_events\[0\]\.magnitude: -inf, not a finite magnitude"),
        ("/trials/hazard_events", 0, {"lon0_deg": 181.0},
         r"/trials/hazard_events\[0\]\.lon0_deg: 181, outside \[-180, 180\]"),
        ("/trials/hazard_events", 1, {"length_km": -2.0},
         r"/trials/hazard_events\[1\]\.length_km: -2, negative"),
        ("/recovery/faults", 1, {"start_days": 1.0},
         r"/recovery/faults\[1\]\.start_days: 1, before dispatch_days \(\d+\.\d+\)"),
        ("/recovery/faults", 0, {"ship": -1},
         r"/recovery/faults\[0\]\.dispatch_days: 0, expected \+inf with ship -1"),
        ("/recovery/faults", 2, {"fail_days": np.nan},
         r"/recovery/faults\[2\]\.fail_days: NaN, not a time \(finite and >= 0\)"),
        ("/recovery/faults", 3, {"waters": 4}, r"/recovery/faults\[3\]\.waters: 4, not 0, 1 or 2"),
    ]
    for path, i, changes, expect in cases:
        bad = copy_of(good)
        with h5py.File(bad, "r+") as f:
            a = f[path][...]
            for member, x in changes.items():
                a[member][i] = x
            f[path][...] = a
        with open_results(bad) as r:  # opens: the records are checked when read
            for read in (readers[path], lambda r: r.read_dataset(path)):
                with pytest.raises(ResultsError, match=r"copy.h5: " + expect):
                    read(r)
