"""Impact metrics against an independent reader: capacity lost in scenarios/boso-attack.yaml.

boso-attack loses the four Boso landing stations and, with them, every segment landing there
(those edges are not in /trials/failed_edges: they are implied by the failed nodes). This test
recomputes the capacity lost of every trial with h5py from /topology/edges and the failed
lists, on the run's basis (lit unless the scenario says `capacity: design`), and checks that
it is positive and equals what `cablesim run` prints and what `cablesim analyze` reports.
"""

import json
import re
import subprocess

import h5py
import numpy as np
import pytest

from cablesim_analysis import outcome_table
from conftest import REPO, cli_path


def capacity_lost(path):
    """Per trial: sum of the routing capacity of every edge down (failed, or at a failed node)."""
    with h5py.File(path, "r") as f:
        edges = f["topology/edges"][:]
        text = f.attrs["scenario"]
        text = text.decode() if isinstance(text, bytes) else str(text)
        lit = re.search(r"^capacity:\s*design\b", text, re.M) is None
        cap = edges["lit_tbps"] if lit else edges["capacity_tbps"]
        ends = np.stack([edges["from"], edges["to"]], axis=1)
        eoff, fe = f["trials/failed_offsets"][:], f["trials/failed_edges"][:]
        noff, fn = f["trials/failed_node_offsets"][:], f["trials/failed_nodes"][:]
    lost = []
    for t in range(len(eoff) - 1):
        down = set(fe[eoff[t]:eoff[t + 1]].tolist())
        nodes = set(fn[noff[t]:noff[t + 1]].tolist())
        down |= {j for j in range(len(edges)) if ends[j, 0] in nodes or ends[j, 1] in nodes}
        lost.append(float(sum(cap[j] for j in down)))
    return np.array(lost)


def japan_systems_capacity_lost(path):
    """Per trial, and the total: the routing capacity of the edges down (as capacity_lost) that
    are segments of a cable system with a segment end in Japan (country JP), recomputed from
    /topology/edges, /topology/nodes and the failed lists."""
    with h5py.File(path, "r") as f:
        edges = f["topology/edges"][:]
        country = [c.decode() if isinstance(c, bytes) else c for c in f["topology/nodes"]["country"]]
        text = f.attrs["scenario"]
        text = text.decode() if isinstance(text, bytes) else str(text)
        lit = re.search(r"^capacity:\s*design\b", text, re.M) is None
        cap = edges["lit_tbps"] if lit else edges["capacity_tbps"]
        eoff, fe = f["trials/failed_offsets"][:], f["trials/failed_edges"][:]
        noff, fn = f["trials/failed_node_offsets"][:], f["trials/failed_nodes"][:]
    cable = [c.decode() if isinstance(c, bytes) else c for c in edges["cable"]]
    japan = {cable[j] for j in range(len(edges)) if cable[j]
             and "JP" in (country[edges["from"][j]], country[edges["to"][j]])}
    on = [cable[j] in japan for j in range(len(edges))]
    lost = []
    for t in range(len(eoff) - 1):
        down = set(fe[eoff[t]:eoff[t + 1]].tolist())
        nodes = set(fn[noff[t]:noff[t + 1]].tolist())
        down |= {j for j in range(len(edges)) if edges["from"][j] in nodes
                 or edges["to"][j] in nodes}
        lost.append(float(sum(cap[j] for j in down if on[j])))
    return np.array(lost), float(sum(cap[j] for j in range(len(edges)) if on[j]))


def summary_japan_systems(stdout):
    """The run summary's "on the cable systems landing in Japan: X of their Y Tbps"."""
    m = re.search(r"on the cable systems landing in Japan: ([0-9.]+) of their ([0-9.]+) Tbps",
                  stdout)
    assert m, stdout
    return float(m.group(1)), float(m.group(2))


@pytest.fixture(scope="module")
def hengchun(tmp_path_factory):
    """The Hengchun 2006 replay at the event (3 trials, one outcome): (results, the run)."""
    out = tmp_path_factory.mktemp("hengchun") / "hengchun.h5"
    run = subprocess.run([cli_path(), "run",
                          str(REPO / "scenarios" / "replays" / "hengchun-2006.yaml"),
                          "--set", "recovery=null", "--set", "trials=3", "-o", str(out)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    return out, run


def test_hengchun_2006_loses_capacity_of_the_systems_serving_japan(hengchun):
    """Issue 10: the 2006 cuts lie between Taiwan, Hong Kong, China and the Philippines, so no
    segment with an end in Japan is down (Japan's segments to abroad: 0 lost), but the seven
    systems cut carry Japan's traffic: the capacity lost on systems landing in Japan is the
    whole capacity lost, in the summary and in analyze, as an independent reader computes."""
    out, run = hengchun
    lost, total = japan_systems_capacity_lost(out)
    assert np.allclose(lost, capacity_lost(out), rtol=1e-12, atol=0.0)
    assert lost.min() > 10.0  # 15.7 Tbps of lit capacity of 2006
    with h5py.File(out, "r") as f:
        assert np.all(f["trials/intl_capacity_lost_tbps"][:] == 0.0)
    got, cap = summary_japan_systems(run.stdout)
    assert abs(got - lost.mean()) <= 0.05 + 1e-9 * lost.mean()
    assert abs(cap - total) <= 0.05 + 1e-9 * total
    assert "on Japan's segments to abroad: 0.0 of" in run.stdout
    an = subprocess.run([cli_path(), "analyze", str(out), "--format", "json"],
                        capture_output=True, text=True, check=False)
    assert an.returncode == 0, an.stderr
    overall = json.loads(an.stdout)["overall"]
    assert abs(overall["japan_systems_capacity_lost_tbps"]["mean"] - lost.mean()) <= \
        1e-9 * lost.mean()
    assert abs(overall["japan_systems_capacity_tbps"] - total) <= 1e-9 * total
    assert_reader_japan_systems(out, overall)


def assert_reader_japan_systems(path, overall):
    """The Python reader's capacity lost on the systems landing in Japan equals the independent
    computation trial by trial and analyze's JSON (mean, and the systems' capacity)."""
    from cablesim_analysis import open_results

    lost, total = japan_systems_capacity_lost(path)
    with open_results(path) as r:
        got = r.japan_systems_capacity_lost
        assert got.name == "japan_systems_capacity_lost_tbps" and len(got) == r.n_trials
        assert np.allclose(got.to_numpy(), lost, rtol=1e-12, atol=0.0)
        assert abs(r.japan_systems_capacity - total) <= 1e-12 * total
        mean = overall["japan_systems_capacity_lost_tbps"]["mean"]
        assert abs(got.mean() - mean) <= 1e-12 * mean
        assert abs(r.japan_systems_capacity - overall["japan_systems_capacity_tbps"]) <= \
            1e-12 * total
        assert (got <= r.capacity_lost + 1e-9).all()


def test_boso_attack_reports_the_capacity_it_loses(tmp_path):
    out = tmp_path / "boso.h5"
    run = subprocess.run([cli_path(), "run", str(REPO / "scenarios" / "boso-attack.yaml"),
                          "-o", str(out)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    lost = capacity_lost(out)
    assert len(lost) == 10
    assert lost.min() > 0.0
    assert np.all(lost == lost[0])  # the same four stations in every trial
    # The file's own per-trial dataset, and its impact datasets' shapes.
    with h5py.File(out, "r") as f:
        assert np.allclose(f["trials/capacity_lost_tbps"][:], lost, rtol=1e-12, atol=0.0)
        regions = f["topology/regions"][:]
        served = outcome_table(f, "outcomes/region_served_fraction")[f["trials/outcome"][:]]
        assert served.shape == (10, len(regions))
        assert np.all(f["trials/stations_lost"][:] == 4)
        assert np.all(f["trials/systems_lost"][:] > 0)
    # The run summary: "capacity lost: X Tbps of edges down".
    m = re.search(r"capacity lost: ([0-9.]+) Tbps of edges down", run.stdout)
    assert m, run.stdout
    assert abs(float(m.group(1)) - lost.mean()) <= 0.05 + 1e-9 * lost.mean()
    assert "one outcome" in run.stdout
    # analyze, JSON.
    an = subprocess.run([cli_path(), "analyze", str(out), "--format", "json"],
                        capture_output=True, text=True, check=False)
    assert an.returncode == 0, an.stderr
    overall = json.loads(an.stdout)["overall"]
    assert abs(overall["capacity_lost_tbps"]["mean"] - lost.mean()) <= 1e-9 * lost.mean()
    assert overall["unserved_statement"]["kind"] == "one_outcome"
    # Of it, on the systems landing in Japan (every system that loses a segment at a Boso
    # station lands in Japan, the links at the stations do not count).
    jlost, jtotal = japan_systems_capacity_lost(out)
    assert 0.0 < jlost.mean() < lost.mean()
    got, cap = summary_japan_systems(run.stdout)
    assert abs(got - jlost.mean()) <= 0.05 + 1e-9 * jlost.mean()
    assert abs(cap - jtotal) <= 0.05 + 1e-9 * jtotal
    assert abs(overall["japan_systems_capacity_lost_tbps"]["mean"] - jlost.mean()) <= \
        1e-9 * jlost.mean()
    assert_reader_japan_systems(out, overall)
    # Every cable cut at a lost station counts as failed in the per-cable table.
    cables = {c["cable"]: c for c in json.loads(an.stdout)["cables"]}
    with h5py.File(out, "r") as f:
        edges = f["topology/edges"][:]
        nodes = set(f["trials/failed_nodes"][:].tolist())
    cut = {e["cable"].decode() if isinstance(e["cable"], bytes) else e["cable"]
           for e in edges if e["from"] in nodes or e["to"] in nodes}
    cut.discard("")
    assert len(cut) > 0
    for name in cut:
        assert cables[name]["criticality"]["failed"]["k"] == 10, name


def test_reader_capacity_lost(tmp_path):
    """The Python reader's capacity_lost and japan_systems_capacity_lost equal the independent
    computations above, trial by trial, on boso-attack (stations) and on random faults
    (edges)."""
    from cablesim_analysis import open_results
    from conftest import RANDOM_HAZARD, run_cablesim, scenario

    boso = tmp_path / "boso.h5"
    run = subprocess.run([cli_path(), "run", str(REPO / "scenarios" / "boso-attack.yaml"),
                          "--set", "trials=3", "-o", str(boso), "--quiet"],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    rnd = run_cablesim(scenario("impact-random", 40, RANDOM_HAZARD), tmp_path, "random")
    for path in (boso, rnd):
        with open_results(path) as r:
            got = r.capacity_lost.to_numpy()
            jgot = r.japan_systems_capacity_lost.to_numpy()
        want = capacity_lost(path)
        assert np.allclose(got, want, rtol=1e-12, atol=0.0)
        assert np.allclose(jgot, japan_systems_capacity_lost(path)[0], rtol=1e-12, atol=0.0)
    assert capacity_lost(rnd).max() > 0.0


def test_unserved_share_leaves_out_demand_the_intact_network_cannot_serve(hengchun):
    """Issue 10: demand the intact network of the year cannot serve (Russia in 2006: its cable
    was not lit yet) is no part of any damage figure. The run summary, `analyze` (text, JSON,
    CSV) and the Python reader give the same demand, unserved share and served fraction, and
    analyze's per-region served fractions are the file's /outcomes/region_served_fraction."""
    from cablesim_analysis import open_results, stats

    out, run = hengchun
    m = re.search(r"unserved: ([0-9.]+) Tbps, ([0-9.]+)% of demand", run.stdout)
    assert m, run.stdout
    summary_pct = m.group(2)
    with h5py.File(out, "r") as f:
        demand = f["topology/demands"]["demand_scaled_tbps"][:]
        base = f["baseline/served_tbps"][:]
        unserved = f["trials/unserved_tbps"][:]
        regions = [n.decode() for n in f["topology/regions"]["name"]]
        reachable = f["topology/regions"]["reachable"][:]
        frac = outcome_table(f, "outcomes/region_served_fraction")[f["trials/outcome"][:]]
    counted = float(demand[base > 0].sum())
    assert counted < float(demand.sum())  # some demand the 2006 network cannot serve
    assert reachable.min() == 0  # Russia
    share = unserved.mean() / counted
    assert f"{100 * share:.3f}" == summary_pct  # not the share of all of the demand
    # analyze, text
    an = subprocess.run([cli_path(), "analyze", str(out)], capture_output=True, text=True,
                        check=False)
    assert an.returncode == 0, an.stderr
    m = re.search(r"share of demand unserved: ([0-9.]+)%", an.stdout)
    assert m, an.stdout
    assert m.group(1) == summary_pct
    # analyze, JSON
    an = subprocess.run([cli_path(), "analyze", str(out), "--format", "json"],
                        capture_output=True, text=True, check=False)
    assert an.returncode == 0, an.stderr
    js = json.loads(an.stdout)
    overall = js["overall"]
    assert abs(overall["demand_tbps"] - counted) <= 1e-12 * counted
    assert abs(overall["unreachable_demand_tbps"] - (demand.sum() - counted)) <= 1e-12
    assert f"{100 * overall['unserved_share']:.3f}" == summary_pct
    assert abs(overall["served_fraction"]["mean"] - (1 - share)) <= 1e-12
    by_name = {g["region"]: g for g in js["regions"]}
    for g, name in enumerate(regions):
        if reachable[g]:
            assert abs(by_name[name]["served_fraction"]["mean"] - frac[:, g].mean()) <= 1e-12
        else:
            assert by_name[name]["served_fraction"]["mean"] is None
            assert by_name[name]["unserved_tbps"]["mean"] == 0.0
    # analyze, CSV
    an = subprocess.run([cli_path(), "analyze", str(out), "--format", "csv", "--table", "overall"],
                        capture_output=True, text=True, check=False)
    assert an.returncode == 0, an.stderr
    head, row = an.stdout.splitlines()
    cols = dict(zip(head.split(","), row.split(",")))
    assert abs(float(cols["demand_tbps"]) - counted) <= 1e-9 * counted
    assert f"{100 * float(cols['unserved_share']):.3f}" == summary_pct
    # the Python reader
    with open_results(out) as r:
        s = stats.run_summary(r)
        assert abs(s["demand_tbps"] - counted) <= 1e-12 * counted
        assert f"{100 * s['unserved_share']:.3f}" == summary_pct
        reg = stats.region_summary(r)  # indexed by region
        for g, name in enumerate(regions):
            if reachable[g]:
                assert abs(reg.loc[name, "mean"] - frac[:, g].mean()) <= 1e-12
            else:
                assert np.isnan(reg.loc[name, "mean"])


def test_compare_leaves_out_demand_the_intact_network_cannot_serve(hengchun):
    """`compare` counts the same demand as analyze and the summary: its served fraction is 1 -
    the unserved share of the counted demand, and a region the intact network cannot serve
    (Russia in 2006) has no served fraction or cut-off figure."""
    out, _ = hengchun
    with h5py.File(out, "r") as f:
        demand = f["topology/demands"]["demand_scaled_tbps"][:]
        base = f["baseline/served_tbps"][:]
        unserved = f["trials/unserved_tbps"][:]
    counted = float(demand[base > 0].sum())
    cmp = subprocess.run([cli_path(), "compare", str(out), str(out), "--format", "json"],
                         capture_output=True, text=True, check=False)
    assert cmp.returncode == 0, cmp.stderr
    js = json.loads(cmp.stdout)
    assert abs(js["a"]["demand_tbps"] - counted) <= 1e-12 * counted
    assert abs(js["served_fraction"]["a_mean"] - (1 - unserved.mean() / counted)) <= 1e-12
    russia = next(g for g in js["regions"] if g["region"] == "Russia")
    assert russia["served_fraction"] is None and russia["cut_off_all"] is None
