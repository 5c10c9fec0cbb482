"""Every run's output passes an independent max-flow check (issue 10, "What must hold"), under
every routing policy, with the restoration limit on (the default) and off, on a landing-station
attack, random faults, a hazard with many cuts and a recovery run on the 2006 network (whose
Russia demand the intact network cannot serve). The checker, maxflow_oracle.py, reads only the
results file and rebuilds each trial's surviving graph with networkx; these tests also show it
flags a file whose served traffic, edge flows or time series were made infeasible (a copy
changed with h5py), just past its tolerance and not before, also on the restricted capacities
c'_e = s_e + rho (c_e - s_e) of a displacing trial (s_e from /baseline/held_tbps).
"""

import re
import subprocess

import h5py
import networkx as nx
import numpy as np
import pytest

import maxflow_oracle as oracle
from cablesim_analysis import outcome_table
from conftest import REPO, cli_path

POLICIES = ("latency-first", "maxflow")

#: name: (scenario, its --set options). Few trials: each distinct (outcome, failures) is checked.
CASES = {
    "boso-attack": ("boso-attack.yaml", ["trials=2"]),  # four stations lost, every trial
    # the same at three times today's demand: the groups compete for what is left
    "boso-attack-x3": ("boso-attack.yaml", ["trials=2", "demand_scale=3"]),
    "random-faults": ("baseline.yaml", ["trials=16"]),  # a year of random faults
    "luzon-strait": ("luzon-strait.yaml", ["trials=8"]),  # sediment flows, many cuts
    "hengchun-2006": ("replays/hengchun-2006.yaml", ["trials=1"]),  # recovery, the 2006 network
    # the same at three times its demand: groups limited by their max flows on c_e (the checker's
    # teeth, below, on runs without the restoration limit)
    "hengchun-2006-x3": ("replays/hengchun-2006.yaml", ["trials=1", "demand_scale=3"]),
}

_files = {}


def results(tmp_path_factory, case, policy, share):
    """The results file of a case (made once per session)."""
    key = (case, policy, share)
    if key not in _files:
        scenario, sets = CASES[case]
        sets = sets + [f"routing.policy={policy}"]
        if share is not None:
            sets.append(f"routing.restoration_share={share}")
        out = tmp_path_factory.mktemp("oracle") / f"{case}-{policy}-{share}.h5"
        cmd = [cli_path(), "run", str(REPO / "scenarios" / scenario), "-o", str(out), "--quiet"]
        for s in sets:
            cmd += ["--set", s]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        _files[key] = out
    return _files[key]


def test_every_policy_is_covered(tmp_path):
    """The policies the scenario format accepts (from the CLI's own message) are those tested."""
    proc = subprocess.run([cli_path(), "run", str(REPO / "scenarios" / "boso-attack.yaml"),
                           "--set", "routing.policy=none", "--dry-run"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    m = re.search(r'routing\.policy: expected (.*), found "none"', proc.stderr)
    assert m, proc.stderr
    assert tuple(re.findall(r'"([^"]+)"', m.group(1))) == POLICIES


@pytest.mark.parametrize("share", [None, 1], ids=["restoration", "no-limit"])
@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("case", list(CASES))
def test_run_passes_the_maxflow_check(tmp_path_factory, case, policy, share):
    path = results(tmp_path_factory, case, policy, share)
    rep = oracle.check(path)
    assert rep.violations == []
    assert rep.states >= 1 and rep.flows > 0
    run = oracle.Run(path)
    assert (rep.rho < 1.0) == (share is None)  # the restricted capacities were checked
    if case == "hengchun-2006":
        assert run.timeseries is not None and len(rep.ts_bounds) > 0
        # The demand to Russia the network of 2006 cannot serve is in the check, served 0.
        assert any(r == "Russia" for _, r in run.groups)
    if case == "boso-attack":
        assert len(run.fn) > 0  # stations failed: their edges are down too


def _edit(path, dataset, index, value):
    with h5py.File(path, "r+") as f:
        if isinstance(f[dataset], h5py.Group):  # format 4's dictionary table, made plain to edit
            attrs = {k: v for k, v in f[dataset].attrs.items() if k != "encoding"}
            table = outcome_table(f, dataset)
            del f[dataset]
            f.create_dataset(dataset, data=table).attrs.update(attrs)
        f[dataset][index] = value


def _violations(path, needle, timeseries=False):
    return [v for v in oracle.check(path, timeseries=timeseries).violations if needle in v]


def _state(run, t):
    down = run.down(t)
    g = run.graph(down, run.routed_on(run.rho_at_event, down))
    return down, g, nx.algorithms.flow.build_residual_network(g, "capacity")


def _exact(run, g, residual, s, t):
    return oracle._maxflow(oracle.Report("", True), g, residual, s, t)


def test_checker_flags_served_over_a_group_max_flow(tmp_path_factory, copy_of):
    """A group served just past its max flow is flagged; just within the tolerance it is not."""
    src = results(tmp_path_factory, "hengchun-2006-x3", "latency-first", 1)
    run = oracle.Run(src)
    _, g, residual = _state(run, 0)
    o = int(run.outcome[0])
    found = None
    for (city, region), rows in run.groups.items():
        bound = _exact(run, g, residual, city, ("T", region))
        got = float(sum(run.served[o][i] for i in rows))
        for i in rows:
            need = bound - got + 2 * (bound * oracle.REL + oracle.ABS)
            if 0.0 < bound and run.served[o][i] + need <= run.demand[i]:
                found = (i, need, bound)
                break
        if found:
            break
    assert found, "no group whose max flow is below its demand"
    i, need, bound = found
    bad = copy_of(src, "over.h5")
    _edit(bad, "outcomes/served_tbps", (o, i), run.served[o][i] + need)
    assert _violations(bad, "over its max flow")
    ok = copy_of(src, "within.h5")
    _edit(ok, "outcomes/served_tbps", (o, i), run.served[o][i] + need / 4)
    assert oracle.check(ok, timeseries=False).violations == []


def test_checker_flags_edge_flows(tmp_path_factory, copy_of):
    """Flow on an edge down, a negative flow, and a flow over the restricted capacity c'_e that
    is still below c_e (so the check uses the capacities the trial was routed on, with s_e from
    /baseline/held_tbps)."""
    src = results(tmp_path_factory, "boso-attack", "latency-first", None)
    run = oracle.Run(src)
    down = run.down(0)
    o = int(run.outcome[0])
    cap = run.routed_on(run.rho_at_event, down)
    j_down = int(np.nonzero(down & (run.c > 0))[0][0])
    bad = copy_of(src, "down.h5")
    _edit(bad, "outcomes/edge_flow_tbps", (o, j_down), 1e-6)
    assert _violations(bad, "flow on edges down")
    bad = copy_of(src, "negative.h5")
    up = np.nonzero(~down)[0]
    _edit(bad, "outcomes/edge_flow_tbps", (o, int(up[0])), -1e-12)
    assert _violations(bad, "negative edge flow")
    # A segment whose restricted capacity is well below its capacity.
    assert run.held is not None
    j = int(next(j for j in up if 0.0 < cap[j] < 0.5 * run.c[j]))
    for name, value, flagged in (("over.h5", cap[j] * (1 + 2 * oracle.REL) + 2 * oracle.ABS, True),
                                 ("within.h5", cap[j] * (1 + oracle.REL / 4), False)):
        path = copy_of(src, name)
        _edit(path, "outcomes/edge_flow_tbps", (o, j), value)
        assert value < run.c[j]
        assert bool(_violations(path, f"edge {j} carries")) == flagged, name


def test_checker_flags_jointly_infeasible_totals(tmp_path_factory, copy_of):
    """Every (city, region) group raised to its own max flow (and its demand) passes the group
    check but not the joint one: the groups share the surviving capacity."""
    src = results(tmp_path_factory, "hengchun-2006-x3", "maxflow", 1)
    run = oracle.Run(src)
    _, g, residual = _state(run, 0)
    o = int(run.outcome[0])
    served = run.served[o].copy()
    for (city, region), rows in run.groups.items():
        room = _exact(run, g, residual, city, ("T", region)) * (1 - oracle.REL)
        for i in rows:
            served[i] = min(run.demand[i], room)
            room -= served[i]
    bad = copy_of(src, "joint.h5")
    _edit(bad, "outcomes/served_tbps", o, served)
    violations = oracle.check(bad).violations
    assert violations and all("over its max flow" not in v for v in violations), violations
    assert any("Japan to" in v or "Japan abroad" in v for v in violations), violations


def test_checker_flags_a_time_series_over_its_bound(tmp_path_factory, copy_of):
    src = results(tmp_path_factory, "hengchun-2006-x3", "latency-first", 1)
    rep = oracle.check(src)
    run = oracle.Run(src)
    total = float(run.demand.sum())
    (t, k), bound = min(rep.ts_bounds.items(), key=lambda kv: kv[1])
    assert bound < total  # below the demand: only the max flows can catch it
    bad = copy_of(src, "ts.h5")
    _edit(bad, "timeseries/served_tbps", (t, k), bound * (1 + 2 * oracle.REL) + 2 * oracle.ABS)
    assert _violations(bad, f"trial {t}, time", timeseries=True)


#: A city that both sends and receives within its own region (session 19's random sweep):
#: Tokyo -> Osaka 3 and Sendai -> Tokyo 1 Tbps, so Tokyo is among the destinations of its own
#: group (Tokyo, Japan). Tokyo reaches Osaka directly (2 Tbps) and through Sendai (0.5, then 1).
DOMESTIC = """name: the checker's domestic groups
topology: {topology}
demand: {demand}
as_of: 2025
trials: 1
routing: {{policy: {policy}, restoration_share: 1}}
hazards: {hazards}
"""


@pytest.mark.parametrize("hazards", ["[]", "[{type: explicit, segments: [tokyo-guam]}]"],
                         ids=["intact", "guam-cut"])
@pytest.mark.parametrize("policy", POLICIES)
def test_checker_bounds_a_group_whose_city_is_its_own_destination(tmp_path, copy_of, policy,
                                                                  hazards):
    """Before session 19 the group's super-sink took an arc from the city itself, so its max flow
    was unbounded and the check stopped with NetworkXUnbounded. The bound is now the max flow to
    the region's other cities: 2.5 Tbps, and a file serving past it is flagged."""
    data = REPO / "tests" / "data"
    scenario = tmp_path / "domestic.yaml"
    scenario.write_text(DOMESTIC.format(topology=data / "oracle-domestic.geojson",
                                        demand=data / "oracle-domestic-demand.csv",
                                        policy=policy, hazards=hazards))
    out = tmp_path / "domestic.h5"
    proc = subprocess.run([cli_path(), "run", str(scenario), "-o", str(out), "--quiet"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    rep = oracle.check(out)
    assert rep.violations == [] and rep.states == 1
    run = oracle.Run(out)
    tokyo = next(c for (c, r) in run.groups if r == "Japan" and c in run.sinks["Japan"])
    _, g, residual = _state(run, 0)
    h = g.copy()
    h.remove_edge(tokyo, ("T", "Japan"))
    assert _exact(run, h, nx.algorithms.flow.build_residual_network(h, "capacity"), tokyo,
                  ("T", "Japan")) == pytest.approx(2.5, rel=1e-12)
    o = int(run.outcome[0])
    i = next(i for i in run.groups[(tokyo, "Japan")] if run.demand[i] == 3.0)
    assert run.served[o][i] <= 2.5 * (1 + oracle.REL)
    bad = copy_of(out, "over.h5")
    _edit(bad, "outcomes/served_tbps", (o, i), 2.5 * (1 + 2 * oracle.REL) + 2 * oracle.ABS)
    assert _violations(bad, "over its max flow")
